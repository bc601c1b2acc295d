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

  /**
   * Fails before any weight is updated when a gradient is not finite while the loss is: one sum per
   * weight (a NaN or ±∞ element makes it non-finite). That is not a learning rate too large (the
   * loss would be the first to go) but the engine computing garbage in the backward pass: PyTorch
   * 2.7.1's oneDNN kernels for AVX2 and AVX-512 did on a 2-core AMD EPYC VM (Zen 5), with the same
   * code and data that train cleanly elsewhere, and its SSE4.1 kernels did not (docs/BENCHMARKS.md).
   *
   * @param what the trainer, for the message ("segmenter")
   * @throws io.camkit.core.CamkitException naming the weight, the step and the remedy
   */
  public static void requireFinite(Iterable<ai.djl.util.Pair<String, ai.djl.nn.Parameter>> trainable, float loss,
      long step, String what) {
    for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : trainable) {
      NDArray g = p.getValue().getArray().getGradient();
      try (NDArray sum = g.sum()) {
        float s = sum.getFloat();
        if (!Float.isFinite(s)) {
          throw new io.camkit.core.CamkitException(what + " training: the gradient of " + p.getKey() + " is not finite"
              + " at step " + step + " while the loss is (" + loss + "): PyTorch's CPU kernels computed garbage in the"
              + " backward pass, as oneDNN's AVX2/AVX-512 kernels did on an AMD EPYC (Zen 5) VM; run again with"
              + " ONEDNN_MAX_CPU_ISA=SSE41 in the environment (slower; correct there)");
        }
      } finally {
        g.close();
      }
    }
  }
}
