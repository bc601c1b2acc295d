package io.camkit.evaluate.faithfulness;

/**
 * What a deleted (or not yet inserted) pixel becomes in {@link DeletionInsertion}: RISE's
 * "substrate" (Petsiuk et al., BMVC 2018, Sec. 4.1). Every channel of the pixel is replaced.
 */
public enum Baseline {
  /** Black: every channel 0. RISE's substrate for the deletion metric. */
  ZERO,
  /** The image's mean of each channel, {@code μ_c = (1 / HW) Σ_{x,y} I[c, y, x]}. */
  MEAN,
  /**
   * A blurred copy of the image: a separable Gaussian of {@link
   * DeletionInsertionOptions#blurKernelSize()} taps and σ = {@link
   * DeletionInsertionOptions#blurSigma()} (RISE: 11 taps, σ = 5), with the image's border pixels
   * repeated outside it. RISE's substrate for the insertion metric.
   */
  BLUR
}
