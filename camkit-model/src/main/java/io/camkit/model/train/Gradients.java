package io.camkit.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Resetting a weight's accumulated gradient between optimisation steps. PyTorch adds each backward
 * pass's gradient to the one already stored, so every trainer clears it after its update (and the
 * transfer trunk after its layer probe).
 */
public final class Gradients {
  private Gradients() {}

  /**
   * Sets {@code weight}'s stored gradient to exactly zero, in place ({@code grad.zero_()}). The
   * arithmetic idiom {@code g − g} is not a reset: one infinite element gives {@code ∞ − ∞ = NaN},
   * which every later step would then add to.
   */
  public static void clear(NDArray weight) {
    if (!(weight instanceof PtNDArray pt)) {
      throw new IllegalArgumentException("camkit trains on the PyTorch engine, not " + weight.getManager().getEngine());
    }
    JniUtils.zeroGrad(pt);
  }
}
