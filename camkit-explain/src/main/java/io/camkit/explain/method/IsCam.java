package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.core.Options;

/**
 * IS-CAM (Naidu et al., "IS-CAM: Integrated Score-CAM for axiomatic-based explanations", 2020):
 * Score-CAM whose channel scores are integrated along a path of growing masks,
 *
 * <pre>  w = softmax_k( (1/n) Σ_{i=1..n} s(c_i · x ⊙ M_k) ),   c_i = Σ_{j=1..i} j/n</pre>
 *
 * with {@code M_k} Score-CAM's upsampled, min-max normalised channel. The coefficients {@code c_i}
 * accumulate as in torch-cam's {@code ISCAM} (its code; the last one is {@code (n + 1)/2}, and
 * their mean is {@code (n + 1)(n + 2) / 6n}); subtracting the clean score, as torch-cam does,
 * leaves the softmax unchanged. {@code n · K} masked passes per image (n = 10 by default).
 * Deterministic.
 */
public final class IsCam extends ScoreCam {
  private final int samples;

  /** @param samples n ≥ 1 steps of the path */
  public IsCam(int samples) {
    Options.check(samples >= 1, "samples", samples, ">= 1");
    this.samples = samples;
  }

  /** torch-cam's default: 10 steps. */
  public IsCam() {
    this(10);
  }

  @Override
  public String name() {
    return "iscam";
  }

  @Override
  protected String displayName() {
    return "IS-CAM";
  }

  @Override
  protected int samples() {
    return samples;
  }

  /** {@code c_i = Σ_{j=1..i} j/n} for pass {@code i = sample + 1}. */
  static float coefficient(int sample, int samples) {
    double c = 0;
    for (int j = 1; j <= sample + 1; j++) {
      c += (double) j / samples;
    }
    return (float) c;
  }

  @Override
  protected NDArray perturb(NDManager pass, NDArray masks, int sample) {
    NDArray scaled = masks.mul(coefficient(sample, samples));
    scaled.attach(pass); // freed with the pass, not kept until the mask batch ends
    return scaled;
  }
}
