package io.camkit.evaluate;

import io.camkit.core.Box;

/**
 * Sums image outcomes into {@link LocalizationMetrics}. Mergeable ({@link #merge}), so partial
 * sums from parallel workers or Spark partitions combine exactly; not thread-safe on its own.
 */
public final class LocalizationAccumulator {
  private final double tau;
  private long images;
  private long correct;
  private long top1Loc;
  private long gtKnown;
  private double iouSum;
  private long baselineHits;
  private final long[] hitsPerTau = new long[LocalizationMetrics.TAU_STEPS];

  public LocalizationAccumulator(double tau) {
    this.tau = tau;
  }

  /** Adds one image; {@code width, height} size the centred-box baseline. */
  public LocalizationAccumulator add(ImageOutcome o, int width, int height) {
    images++;
    if (o.correct()) {
      correct++;
    }
    if (o.top1Localized()) {
      top1Loc++;
    }
    if (o.gtKnownLocalized()) {
      gtKnown++;
    }
    iouSum += o.gtKnownIou();
    boolean[] hits = o.hitsPerTau();
    for (int i = 0; i < hits.length; i++) {
      if (hits[i]) {
        hitsPerTau[i]++;
      }
    }
    Box centred = Box.centred(width, height, 0.5);
    if (o.groundTruth().stream().anyMatch(b -> b.iou(centred) >= LocalizationMetrics.IOU_THRESHOLD)) {
      baselineHits++;
    }
    return this;
  }

  /** Adds another accumulator's sums into this one. */
  public LocalizationAccumulator merge(LocalizationAccumulator other) {
    if (other.tau != tau) {
      throw new IllegalArgumentException("cannot merge accumulators of different τ");
    }
    images += other.images;
    correct += other.correct;
    top1Loc += other.top1Loc;
    gtKnown += other.gtKnown;
    iouSum += other.iouSum;
    baselineHits += other.baselineHits;
    for (int i = 0; i < hitsPerTau.length; i++) {
      hitsPerTau[i] += other.hitsPerTau[i];
    }
    return this;
  }

  /** An immutable snapshot; every rate is NaN when no image was added. */
  public LocalizationMetrics snapshot() {
    double n = images;
    int best = 0;
    for (int i = 1; i < hitsPerTau.length; i++) {
      if (hitsPerTau[i] > hitsPerTau[best]) {
        best = i;
      }
    }
    return new LocalizationMetrics(
        images,
        tau,
        correct / n,
        top1Loc / n,
        gtKnown / n,
        hitsPerTau[best] / n,
        LocalizationMetrics.tauAt(best),
        iouSum / n,
        baselineHits / n);
  }

  /** GT-known localization at each τ of the grid (the MaxBoxAcc curve). */
  public double[] curve() {
    double[] c = new double[hitsPerTau.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = hitsPerTau[i] / (double) images;
    }
    return c;
  }
}
