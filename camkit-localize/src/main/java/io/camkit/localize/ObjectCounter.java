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
    return detect(classes, width, height, probabilities, background, new double[classes]);
  }

  /**
   * As {@link #detect(int, int, int, float[], int)}, each peak's class being the non-background
   * {@code c} of largest {@code log p_c + offsets[c]} (offsets from {@link #fitOffsets}; zeros: the
   * most probable class). The offsets move no peak; they only shift the class decision.
   */
  public List<Detection> detect(int classes, int width, int height, float[] probabilities, int background,
      double[] offsets) {
    int plane = width * height;
    if (classes < 2 || (long) classes * plane != probabilities.length || background < 0 || background >= classes
        || offsets.length != classes) {
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
      float[] at = new float[classes];
      for (int c = 0; c < classes; c++) {
        at[c] = probabilities[c * plane + i];
      }
      int best = decide(at, background, offsets);
      out.add(new Detection(p.x(), p.y(), best, p.value(), at[best]));
    }
    return out;
  }

  /** The non-background class of largest {@code log p_c + offsets[c]} (ties: the lower index). */
  public static int decide(float[] p, int background, double[] offsets) {
    int best = -1;
    double bestV = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < p.length; c++) {
      double v = Math.log(Math.max(p[c], 1e-30)) + offsets[c];
      if (c != background && (best < 0 || v > bestV)) {
        best = c;
        bestV = v;
      }
    }
    return best;
  }

  /**
   * Per-class log offsets that make the class decisions of the given peaks match known counts (a
   * count calibration, fitted on a validation image and applied to others): starting from zeros,
   * {@value #FIT_STEPS} steps of {@code o_c += r_t · log((true_c + 1) / (predicted_c + 1))} with a
   * shrinking rate {@code r_t = ½ / (1 + t/25)} (a fixed one oscillates when many peaks sit at the same
   * odds), keeping the offsets of the step whose largest relative count error was smallest. The background's offset
   * stays 0.
   *
   * @param peakProbabilities each peak's class probabilities
   * @param trueCounts true objects per class on the same image
   */
  public static double[] fitOffsets(List<float[]> peakProbabilities, int[] trueCounts, int background) {
    int classes = trueCounts.length;
    double[] o = new double[classes];
    double[] best = o.clone();
    double bestErr = Double.POSITIVE_INFINITY;
    for (int step = 0; step <= FIT_STEPS; step++) {
      int[] n = new int[classes];
      for (float[] p : peakProbabilities) {
        n[decide(p, background, o)]++;
      }
      double err = 0;
      for (int c = 0; c < classes; c++) {
        if (c != background) {
          err = Math.max(err, Math.abs(n[c] - trueCounts[c]) / (double) Math.max(1, trueCounts[c]));
        }
      }
      if (err < bestErr) {
        bestErr = err;
        best = o.clone();
      }
      for (int c = 0; c < classes; c++) {
        if (c != background) {
          o[c] += 0.5 / (1 + step / 25.0) * Math.log((trueCounts[c] + 1.0) / (n[c] + 1.0));
        }
      }
    }
    return best;
  }

  /** Steps of {@link #fitOffsets}. */
  public static final int FIT_STEPS = 500;

  /** Detections per class index, for {@code classes} classes. */
  public static int[] counts(List<Detection> detections, int classes) {
    int[] n = new int[classes];
    for (Detection d : detections) {
      n[d.classIndex()]++;
    }
    return n;
  }
}
