package io.camkit.evaluate;

import io.camkit.core.Box;
import java.util.List;

/**
 * Counts, at each threshold τ of a grid and each IoU threshold δ of {@link
 * MaxBoxAccV2#IOU_THRESHOLDS}, the images whose best box IoU at τ reaches δ (inclusive, {@code ≥},
 * as wsolevaluation's {@code BoxEvaluator}): the box accuracy curves behind MaxBoxAcc and
 * MaxBoxAccV2. An image enters as its best IoU per τ ({@link #bestIou}), so the same accumulator
 * serves the largest-component and the any-component variants and any τ grid.
 *
 * <p>Mergeable ({@link #merge}) for parallel workers or Spark partitions; not thread-safe on its
 * own; {@link #snapshot} is immutable.
 */
public final class BoxAccuracyAccumulator {
  private final double[] taus;
  private final long[][] correct;
  private long images;

  /**
   * @param taus the thresholds τ, ascending (the first arg-max is then the smallest τ*)
   */
  public BoxAccuracyAccumulator(double[] taus) {
    for (int i = 1; i < taus.length; i++) {
      if (!(taus[i] > taus[i - 1])) {
        throw new IllegalArgumentException("thresholds must ascend, got " + taus[i - 1] + " then " + taus[i]);
      }
    }
    this.taus = taus.clone();
    this.correct = new long[MaxBoxAccV2.IOU_THRESHOLDS.length][taus.length];
  }

  /**
   * Adds one image.
   *
   * @param bestIouPerTau for each τ of the grid, the best IoU over (predicted box, ground-truth
   *     box) pairs: 0 where there is no box
   */
  public BoxAccuracyAccumulator add(double[] bestIouPerTau) {
    if (bestIouPerTau.length != taus.length) {
      throw new IllegalArgumentException(
          "one IoU per threshold: " + taus.length + " expected, got " + bestIouPerTau.length);
    }
    images++;
    for (int d = 0; d < correct.length; d++) {
      double delta = MaxBoxAccV2.IOU_THRESHOLDS[d];
      for (int t = 0; t < taus.length; t++) {
        if (bestIouPerTau[t] >= delta) {
          correct[d][t]++;
        }
      }
    }
    return this;
  }

  /** Adds another accumulator's counts (same grid) into this one. */
  public BoxAccuracyAccumulator merge(BoxAccuracyAccumulator other) {
    if (!java.util.Arrays.equals(other.taus, taus)) {
      throw new IllegalArgumentException("cannot merge box accuracies over different τ grids");
    }
    images += other.images;
    for (int d = 0; d < correct.length; d++) {
      for (int t = 0; t < taus.length; t++) {
        correct[d][t] += other.correct[d][t];
      }
    }
    return this;
  }

  /** Images added. */
  public long images() {
    return images;
  }

  /** The number of images counted correct at each τ for IoU threshold index {@code d} (0: 0.3, 1: 0.5, 2: 0.7). */
  public long[] correct(int d) {
    return correct[d].clone();
  }

  /** BoxAcc(τ, δ_d) at each τ, in [0, 1]; NaN when no image was added. */
  public double[] curve(int d) {
    double[] c = new double[taus.length];
    for (int t = 0; t < c.length; t++) {
      c[t] = correct[d][t] / (double) images;
    }
    return c;
  }

  /** An immutable snapshot: MaxBoxAcc per δ, τ* per δ (first arg-max), and their mean. */
  public MaxBoxAccV2 snapshot() {
    double[] best = new double[correct.length];
    double[] tauStar = new double[correct.length];
    for (int d = 0; d < correct.length; d++) {
      int b = 0;
      for (int t = 1; t < taus.length; t++) {
        if (correct[d][t] > correct[d][b]) {
          b = t;
        }
      }
      best[d] = taus.length == 0 ? Double.NaN : correct[d][b] / (double) images;
      tauStar[d] = taus.length == 0 ? Double.NaN : taus[b];
    }
    return MaxBoxAccV2.of(best, tauStar);
  }

  /** The best IoU of any of {@code boxes} with any of {@code truth}; 0 for no box. */
  public static double bestIou(List<Box> boxes, List<Box> truth) {
    double best = 0;
    for (Box b : boxes) {
      for (Box g : truth) {
        best = Math.max(best, b.iou(g));
      }
    }
    return best;
  }
}
