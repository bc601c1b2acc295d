package io.camkit.evaluate.faithfulness;

import io.camkit.core.Options;
import java.util.Arrays;

/**
 * Options of {@link Road}, validated on construction.
 *
 * @param percentiles the percentiles p of the map at which pixels are removed, each in (0, 100);
 *     empty turns ROAD off. Default 10, 20, …, 90 (pytorch-grad-cam's {@code ROADCombined})
 * @param noise σ of the noise added to imputed values, ≥ 0, in image units ([0, 1]); default 0.01
 *     (the authors'; pytorch-grad-cam applies it to the model's normalised input instead)
 * @param seed seed of that noise: same seed, same figures
 * @param batchSize the most images per {@link ClassScorer} call, ≥ 1
 */
public record RoadOptions(int[] percentiles, double noise, long seed, int batchSize) {
  public RoadOptions {
    percentiles = percentiles.clone();
    for (int p : percentiles) {
      Options.check(p > 0 && p < 100, "road-percentiles", p, "1..99");
    }
    Options.check(Double.isFinite(noise) && noise >= 0, "road-noise", noise, ">= 0");
    Options.check(batchSize >= 1, "batch-size", batchSize, ">= 1");
  }

  /** 10, 20, …, 90; σ = 0.01; seed 0; batches of 32. */
  public static RoadOptions defaults() {
    return new RoadOptions(new int[] {10, 20, 30, 40, 50, 60, 70, 80, 90}, 0.01, 0, 32);
  }

  /** ROAD off. */
  public static RoadOptions none() {
    return new RoadOptions(new int[0], 0.01, 0, 32);
  }

  public boolean enabled() {
    return percentiles.length > 0;
  }

  @Override
  public int[] percentiles() {
    return percentiles.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RoadOptions r && Arrays.equals(percentiles, r.percentiles) && noise == r.noise
        && seed == r.seed && batchSize == r.batchSize;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(percentiles) + Long.hashCode(seed);
  }
}
