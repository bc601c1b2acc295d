package io.camkit.evaluate.faithfulness;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.Options;
import java.util.List;

/**
 * The pointing game (Zhang et al., "Top-down Neural Attention by Excitation Backprop", ECCV 2016,
 * Sec. 5.1): a map scores a hit when its maximum lies inside a ground-truth box of the class, up to
 * a tolerance of r pixels; accuracy = hits / (hits + misses), counted over (image, present class)
 * pairs.
 *
 * <p>The maximum is {@link #maxIndex}: the first maximum in row-major order; NaN ranks lowest (an
 * all-NaN map points at pixel (0, 0)). Boxes are half-open ({@link Box}: pixels {@code x0 ≤ x <
 * x1}). With tolerance r the pixel hits when its Euclidean distance to the nearest pixel of a box
 * is at most r: {@code dx² + dy² ≤ r²} with {@code dx = max(x0 − x, 0, x − (x1 − 1))} and dy
 * likewise. The paper uses r = {@value #PAPER_TOLERANCE} on ~224-pixel images; the default here
 * is 0 (the maximum inside the box), what {@code PoolingExperiment} counts on the small synthetic
 * images.
 *
 * <p>A mergeable accumulator, like {@code LocalizationAccumulator}; not thread-safe on its own.
 */
public final class PointingGame {
  /** The tolerance of Zhang et al. 2016, in pixels. */
  public static final int PAPER_TOLERANCE = 15;

  private final int tolerance;
  private long total;
  private long hits;

  /**
   * A snapshot.
   *
   * @param tolerance r, in pixels
   * @param total (image, class) pairs counted
   * @param hits pairs whose maximum hit a box
   * @param accuracy {@code hits / total}; NaN when nothing was counted
   */
  public record Metrics(int tolerance, long total, long hits, double accuracy) {}

  /** Tolerance 0: the maximum must lie inside a box. */
  public PointingGame() {
    this(0);
  }

  /** @param tolerance r ≥ 0, in pixels */
  public PointingGame(int tolerance) {
    Options.check(tolerance >= 0, "pointing-tolerance", tolerance, "≥ 0 pixels");
    this.tolerance = tolerance;
  }

  public int tolerance() {
    return tolerance;
  }

  /**
   * Counts one (image, class) pair.
   *
   * @param map the class's map at image resolution
   * @param truth the class's boxes in that image, at least one (the game counts present classes)
   * @throws IllegalArgumentException when {@code truth} is empty
   */
  public PointingGame add(HeatMap map, List<Box> truth) {
    if (isHit(map, truth, tolerance)) {
      hits++;
    }
    total++;
    return this;
  }

  /** Counts one pair whose outcome is already known (for callers that computed it). */
  public PointingGame add(boolean hit) {
    if (hit) {
      hits++;
    }
    total++;
    return this;
  }

  /** Whether {@code map}'s maximum lies within {@code tolerance} pixels of one of {@code truth}. */
  public static boolean isHit(HeatMap map, List<Box> truth, int tolerance) {
    if (truth.isEmpty()) {
      throw new IllegalArgumentException(
          "no ground-truth box: the pointing game counts only classes present in the image");
    }
    Options.check(tolerance >= 0, "pointing-tolerance", tolerance, "≥ 0 pixels");
    int arg = maxIndex(map);
    int px = arg % map.width();
    int py = arg / map.width();
    long r2 = (long) tolerance * tolerance;
    for (Box b : truth) {
      long dx = Math.max(0, Math.max(b.x0() - px, px - (b.x1() - 1)));
      long dy = Math.max(0, Math.max(b.y0() - py, py - (b.y1() - 1)));
      if (dx * dx + dy * dy <= r2) {
        return true;
      }
    }
    return false;
  }

  /**
   * Index {@code y · W + x} of the first maximum in row-major order, NaN ranking lowest ({@code 0}
   * for an all-NaN map). Equals {@link HeatMap#argMax()} on a map without NaN.
   */
  public static int maxIndex(HeatMap map) {
    float[] v = map.values();
    int best = -1;
    for (int i = 0; i < v.length; i++) {
      if (!Float.isNaN(v[i]) && (best < 0 || v[i] > v[best])) {
        best = i;
      }
    }
    return Math.max(best, 0);
  }

  /** Adds another accumulator's counts into this one. */
  public PointingGame merge(PointingGame other) {
    if (other.tolerance != tolerance) {
      throw new IllegalArgumentException(
          "cannot merge pointing games of tolerance " + tolerance + " and " + other.tolerance);
    }
    total += other.total;
    hits += other.hits;
    return this;
  }

  public Metrics snapshot() {
    return new Metrics(tolerance, total, hits, hits / (double) total);
  }
}
