package io.camkit.evaluate;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Average precision of one class from scores and presence labels: {@code AP = Σ_n (R_n − R_{n−1})
 * P_n} over the images sorted by decreasing score (the step-wise area under the precision–recall
 * curve, scikit-learn's {@code average_precision_score}; tied scores are taken in input order).
 * NaN when the class is never present.
 */
public final class AveragePrecision {
  private AveragePrecision() {}

  public static double of(double[] scores, boolean[] present) {
    if (scores.length != present.length) {
      throw new IllegalArgumentException(scores.length + " scores for " + present.length + " labels");
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
    long positives = 0;
    for (boolean p : present) {
      if (p) {
        positives++;
      }
    }
    if (positives == 0) {
      return Double.NaN;
    }
    double ap = 0;
    long hits = 0;
    for (int rank = 0; rank < order.length; rank++) {
      if (present[order[rank]]) {
        hits++;
        ap += (double) hits / (rank + 1) / positives;
      }
    }
    return ap;
  }
}
