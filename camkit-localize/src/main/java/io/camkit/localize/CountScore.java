package io.camkit.localize;

import io.camkit.core.Box;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts against ground truth: per class the predicted and true counts, the count error {@code
 * (predicted − true) / true}, and how many predictions are located: a point of class c inside a
 * true box of class c not yet taken (points strongest first, each box taken at most once), so a
 * right count made of wrong places shows.
 */
public final class CountScore {
  /** A predicted object: a point in image pixels with its class. */
  public record Point(double x, double y, int classIndex) {}

  /** A true object. */
  public record Truth(Box box, int classIndex) {}

  /**
   * One class's line.
   *
   * @param located predictions inside an unmatched true box of the class
   */
  public record Line(int predicted, int truth, int located) {
    /** {@code (predicted − truth) / truth}; NaN when there is no true object. */
    public double error() {
      return truth == 0 ? Double.NaN : (predicted - truth) / (double) truth;
    }

    /** located / predicted (NaN for none predicted). */
    public double precision() {
      return predicted == 0 ? Double.NaN : located / (double) predicted;
    }

    /** located / truth (NaN for no true object). */
    public double recall() {
      return truth == 0 ? Double.NaN : located / (double) truth;
    }
  }

  private CountScore() {}

  /** Per class index (of {@code classes}); the points in order of preference (strongest first). */
  public static Line[] score(List<Point> points, List<Truth> truth, int classes) {
    int[] predicted = new int[classes];
    int[] trueCount = new int[classes];
    int[] located = new int[classes];
    int cell = 64;
    Map<Long, List<Integer>> grid = new HashMap<>();
    for (int i = 0; i < truth.size(); i++) {
      Box b = truth.get(i).box();
      trueCount[truth.get(i).classIndex()]++;
      for (int gy = Math.floorDiv(b.y0(), cell); gy <= Math.floorDiv(b.y1() - 1, cell); gy++) {
        for (int gx = Math.floorDiv(b.x0(), cell); gx <= Math.floorDiv(b.x1() - 1, cell); gx++) {
          grid.computeIfAbsent(key(gx, gy), k -> new ArrayList<>()).add(i);
        }
      }
    }
    boolean[] taken = new boolean[truth.size()];
    for (Point p : points) {
      predicted[p.classIndex()]++;
      long k = key((int) Math.floor(p.x() / cell), (int) Math.floor(p.y() / cell));
      for (int i : grid.getOrDefault(k, List.of())) {
        Truth t = truth.get(i);
        Box b = t.box();
        if (!taken[i] && t.classIndex() == p.classIndex() && p.x() >= b.x0() && p.x() < b.x1() && p.y() >= b.y0()
            && p.y() < b.y1()) {
          taken[i] = true;
          located[p.classIndex()]++;
          break;
        }
      }
    }
    Line[] out = new Line[classes];
    for (int c = 0; c < classes; c++) {
      out[c] = new Line(predicted[c], trueCount[c], located[c]);
    }
    return out;
  }

  private static long key(int gx, int gy) {
    return ((long) gx << 32) ^ (gy & 0xFFFFFFFFL);
  }
}
