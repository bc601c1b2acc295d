package io.camkit.evaluate;

/**
 * Sums image outcomes into {@link LocalizationMetrics}: the figures at τ, MaxBoxAcc, MaxBoxAccV2
 * (any component and largest component, {@link BoxAccuracyAccumulator}) and PxAP / PIoU over the
 * images whose objects have masks ({@link PxapAccumulator}), and the fixed baseline boxes on the same
 * images ({@link BaselineBoxAccumulator}). Mergeable ({@link #merge}), so partial
 * sums from parallel workers or Spark partitions combine exactly; not thread-safe on its own.
 */
public final class LocalizationAccumulator {
  private final double tau;
  private long images;
  private long correct;
  private long top1Loc;
  private long gtKnown;
  private double iouSum;
  private final BaselineBoxAccumulator baselines = new BaselineBoxAccumulator();
  private final long[] hitsPerTau = new long[LocalizationMetrics.TAU_STEPS];
  private final BoxAccuracyAccumulator anyComponent = new BoxAccuracyAccumulator(LocalizationMetrics.tauGrid());
  private final BoxAccuracyAccumulator largestComponent = new BoxAccuracyAccumulator(LocalizationMetrics.tauGrid());
  private final PxapAccumulator pixels = new PxapAccumulator();

  public LocalizationAccumulator(double tau) {
    this.tau = tau;
  }

  /** Adds one image; {@code width, height} size the fixed baseline boxes ({@link BaselineBox}). */
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
    if (o.largestIouPerTau().length == LocalizationMetrics.TAU_STEPS) {
      largestComponent.add(o.largestIouPerTau());
    }
    if (o.anyComponentIouPerTau().length == LocalizationMetrics.TAU_STEPS) {
      anyComponent.add(o.anyComponentIouPerTau());
    }
    o.pixelCurve().ifPresent(pixels::add);
    baselines.add(o.groundTruth(), width, height);
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
    baselines.merge(other.baselines);
    for (int i = 0; i < hitsPerTau.length; i++) {
      hitsPerTau[i] += other.hitsPerTau[i];
    }
    anyComponent.merge(other.anyComponent);
    largestComponent.merge(other.largestComponent);
    pixels.merge(other.pixels);
    return this;
  }

  /** An immutable snapshot; every rate is NaN when no image was added. */
  public LocalizationMetrics snapshot() {
    double n = images;
    PxapCurve px = pixels.snapshot();
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
        baselines.gtKnown(BaselineBox.CENTRED_HALF_AREA),
        baselines.maxBoxAccV2(BaselineBox.CENTRED_HALF_AREA),
        baselines.gtKnown(BaselineBox.WHOLE_IMAGE),
        baselines.maxBoxAccV2(BaselineBox.WHOLE_IMAGE),
        anyComponent.snapshot(),
        largestComponent.snapshot(),
        px.images(),
        px.pxap(),
        px.piou(),
        px.piouThreshold());
  }

  /**
   * BoxAcc at each τ of the grid for IoU threshold index {@code d} of {@link
   * MaxBoxAccV2#IOU_THRESHOLDS}: with any component's box ({@code anyComponent}, MaxBoxAccV2) or
   * the largest one's.
   */
  public double[] boxAccuracyCurve(boolean anyComponent, int d) {
    return (anyComponent ? this.anyComponent : largestComponent).curve(d);
  }

  /** The pooled pixel precision–recall curve (PxAP, PIoU) of the images with masks. */
  public PxapCurve pixelCurve() {
    return pixels.snapshot();
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
