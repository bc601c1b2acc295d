package io.camkit.explain.method;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.camkit.core.Options;

/**
 * SS-CAM (Wang et al., "SS-CAM: Smoothed Score-CAM for Sharper Visual Feature Localization",
 * 2020): Score-CAM whose channel scores are averaged over {@code n} noisy copies of each mask,
 *
 * <pre>  w = softmax_k( (1/n) Σ_i s(x ⊙ (M_k + δ_i)) ),   δ_i ~ N(0, σ²) of shape [H, W]</pre>
 *
 * with {@code M_k} Score-CAM's upsampled, min-max normalised channel (torch-cam's {@code SSCAM}:
 * one noise plane per channel and sample, shared by the colour channels; subtracting the clean
 * score, as torch-cam does, leaves the softmax unchanged). {@code n · K} masked passes per image:
 * at torch-cam's defaults (n = 35, σ = 2) 35 times Score-CAM's cost. The noise comes from PyTorch's
 * generator, seeded with {@code seed} at each image: same seed, same map, whatever the image batch (the mask batch, {@link #maskBatch}, changes the draws).
 */
public final class SsCam extends ScoreCam {
  private final int samples;
  private final float sigma;
  private final long seed;

  /**
   * @param samples n ≥ 1 noisy copies of each mask
   * @param sigma σ ≥ 0 of the noise, in units of the normalised mask (which spans [0, 1])
   * @param seed seed of the noise
   */
  public SsCam(int samples, float sigma, long seed) {
    Options.check(samples >= 1, "samples", samples, ">= 1");
    Options.check(sigma >= 0 && Float.isFinite(sigma), "sigma", sigma, ">= 0");
    this.samples = samples;
    this.sigma = sigma;
    this.seed = seed;
  }

  /** torch-cam's defaults: 35 samples, σ = 2. */
  public SsCam() {
    this(35, 2f, 0);
  }

  @Override
  public String name() {
    return "sscam";
  }

  @Override
  protected String displayName() {
    return "SS-CAM";
  }

  /** Noise makes every mask differ, dead channels' too. */
  @Override
  protected boolean sharesZeroMasks() {
    return false;
  }

  @Override
  protected int samples() {
    return samples;
  }

  @Override
  protected void startImage(NDManager image, int channels, long height, long width) {
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
  }

  @Override
  protected NDArray perturb(NDManager pass, NDArray masks, int sample) {
    if (sigma == 0) {
      return masks;
    }
    return pass.randomNormal(0, sigma, masks.getShape(), DataType.FLOAT32).add(masks); // attached to the pass
  }
}
