package io.camkit.evaluate;

import io.camkit.core.HeatMap;
import io.camkit.core.Mask;
import java.util.Arrays;

/**
 * Sums the weakly supervised masks of (image, class) pairs against their ground-truth masks into
 * {@link MaskIouMetrics}. The predicted mask of class c is every pixel of c's normalised map at or
 * above τ (all connected components: the binary mask {@code camkit localize --mask} writes); the
 * truth is the union of c's object masks. For each pair the counts of true-positive, false-positive
 * and false-negative pixels are added to class c's sums, and
 *
 * <pre>
 *   mask IoU   = mean over pairs of TP / (TP + FP + FN)           (0 for an empty union)
 *   IoU_c      = Σ_pairs of c TP / Σ_pairs of c (TP + FP + FN)    (pooled, as in semantic segmentation)
 *   mIoU       = mean of IoU_c over the classes with at least one pair (no background class)
 * </pre>
 *
 * Mergeable ({@link #merge}) for parallel workers or Spark partitions; not thread-safe on its own;
 * {@link #snapshot} is immutable.
 */
public final class MaskIouAccumulator {
  private final double tau;
  private final long[] tp;
  private final long[] fp;
  private final long[] fn;
  private final long[] pairs;
  private double iouSum;

  /**
   * @param classes C
   * @param tau the threshold on the normalised maps, in [0, 1]
   */
  public MaskIouAccumulator(int classes, double tau) {
    this.tau = tau;
    this.tp = new long[classes];
    this.fp = new long[classes];
    this.fn = new long[classes];
    this.pairs = new long[classes];
  }

  /** Adds class {@code c}'s map (normalised to [0, 1]) against its truth mask, same size. */
  public MaskIouAccumulator add(int c, HeatMap normalised, Mask truth) {
    if (normalised.width() != truth.width() || normalised.height() != truth.height()) {
      throw new IllegalArgumentException("map " + normalised.width() + "x" + normalised.height() + " and mask "
          + truth.width() + "x" + truth.height() + " differ in size");
    }
    float[] v = normalised.values();
    boolean[] t = truth.bits();
    long a = 0;
    long b = 0;
    long d = 0;
    for (int i = 0; i < v.length; i++) {
      boolean p = v[i] >= tau;
      if (p && t[i]) {
        a++;
      } else if (p) {
        b++;
      } else if (t[i]) {
        d++;
      }
    }
    return add(c, a, b, d);
  }

  /** Adds one pair of class {@code c} by its pixel counts. */
  public MaskIouAccumulator add(int c, long truePositives, long falsePositives, long falseNegatives) {
    tp[c] += truePositives;
    fp[c] += falsePositives;
    fn[c] += falseNegatives;
    pairs[c]++;
    long union = truePositives + falsePositives + falseNegatives;
    iouSum += union == 0 ? 0 : (double) truePositives / union;
    return this;
  }

  /** Adds another accumulator's sums into this one. */
  public MaskIouAccumulator merge(MaskIouAccumulator o) {
    if (o.tau != tau || o.tp.length != tp.length) {
      throw new IllegalArgumentException("cannot merge mask accumulators of different τ or classes");
    }
    for (int c = 0; c < tp.length; c++) {
      tp[c] += o.tp[c];
      fp[c] += o.fp[c];
      fn[c] += o.fn[c];
      pairs[c] += o.pairs[c];
    }
    iouSum += o.iouSum;
    return this;
  }

  /** An immutable snapshot; NaN figures where no pair was added. */
  public MaskIouMetrics snapshot() {
    long n = Arrays.stream(pairs).sum();
    double[] perClass = new double[tp.length];
    double sum = 0;
    int present = 0;
    for (int c = 0; c < tp.length; c++) {
      long union = tp[c] + fp[c] + fn[c];
      perClass[c] = pairs[c] == 0 ? Double.NaN : union == 0 ? 0 : (double) tp[c] / union;
      if (pairs[c] > 0) {
        sum += perClass[c];
        present++;
      }
    }
    return new MaskIouMetrics(tau, n, n == 0 ? Double.NaN : iouSum / n, perClass,
        present == 0 ? Double.NaN : sum / present);
  }
}
