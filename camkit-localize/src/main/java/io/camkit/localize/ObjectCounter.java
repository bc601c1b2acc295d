package io.camkit.localize;

import io.camkit.core.HeatMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts objects on the per-location class probabilities of a classifier that has a background
 * class (a patch classifier run fully convolutionally): the objectness {@code o = 1 − p_background}
 * at each location is thinned to its peaks by a {@link PeakCounter} (value &gt; τ, local maximum,
 * greedy suppression within the minimum distance), and each peak is one object of the most
 * probable non-background class there. Suppression runs across classes, so one object is never
 * counted once per class it resembles.
 */
public final class ObjectCounter {
  /**
   * An object found at grid cell {@code (x, y)}.
   *
   * @param objectness {@code 1 − p_background} there
   * @param probability the probability of {@code classIndex} there
   */
  public record Detection(int x, int y, int classIndex, float objectness, float probability) {}

  private final PeakCounter peaks;

  /**
   * @param threshold τ: a counted peak's objectness is &gt; τ
   * @param minDistance d ≥ 0 in grid cells: counted peaks are at least d apart
   */
  public ObjectCounter(double threshold, double minDistance) {
    this.peaks = new PeakCounter(threshold, minDistance);
  }

  /**
   * The objects on {@code probabilities}, strongest first.
   *
   * @param probabilities {@code [C, H, W]} row-major class planes, each location's values summing to 1
   * @param background the background class's index in {@code [0, C)}
   */
  public List<Detection> detect(int classes, int width, int height, float[] probabilities, int background) {
    int plane = width * height;
    if (classes < 2 || (long) classes * plane != probabilities.length || background < 0 || background >= classes) {
      throw new IllegalArgumentException(classes + "×" + height + "×" + width + " grid of " + probabilities.length
          + " values, background " + background);
    }
    float[] objectness = new float[plane];
    for (int i = 0; i < plane; i++) {
      objectness[i] = 1f - probabilities[background * plane + i];
    }
    List<Detection> out = new ArrayList<>();
    for (PeakCounter.Peak p : peaks.peaks(new HeatMap(width, height, objectness))) {
      int i = p.y() * width + p.x();
      int best = -1;
      float bestP = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        if (c != background && probabilities[c * plane + i] > bestP) {
          best = c;
          bestP = probabilities[c * plane + i];
        }
      }
      out.add(new Detection(p.x(), p.y(), best, p.value(), bestP));
    }
    return out;
  }

  /** Detections per class index, for {@code classes} classes. */
  public static int[] counts(List<Detection> detections, int classes) {
    int[] n = new int[classes];
    for (Detection d : detections) {
      n[d.classIndex()]++;
    }
    return n;
  }
}
