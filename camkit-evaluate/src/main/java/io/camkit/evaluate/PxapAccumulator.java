package io.camkit.evaluate;

import io.camkit.core.HeatMap;
import io.camkit.core.Mask;

/**
 * Sums images' pixel histograms into a {@link PxapCurve} (PxAP, PIoU). Mergeable ({@link #merge})
 * for parallel workers or Spark partitions; not thread-safe on its own; {@link #snapshot} is
 * immutable.
 */
public final class PxapAccumulator {
  private final long[] positives = new long[PxapCurve.BINS];
  private final long[] negatives = new long[PxapCurve.BINS];
  private long images;

  /** Adds one image: {@code scores} normalised to [0, 1], {@code truth} its mask, same size. */
  public PxapAccumulator add(HeatMap scores, Mask truth) {
    return add(PxapCurve.of(scores, truth));
  }

  /** Adds a curve (one image's or already pooled). */
  public PxapAccumulator add(PxapCurve c) {
    long[] pos = c.positiveHistogram();
    long[] neg = c.negativeHistogram();
    for (int k = 0; k < PxapCurve.BINS; k++) {
      positives[k] += pos[k];
      negatives[k] += neg[k];
    }
    images += c.images();
    return this;
  }

  /** Adds another accumulator's sums into this one. */
  public PxapAccumulator merge(PxapAccumulator other) {
    return add(other.snapshot());
  }

  /** The pooled curve so far. */
  public PxapCurve snapshot() {
    return PxapCurve.fromHistograms(images, positives, negatives);
  }
}
