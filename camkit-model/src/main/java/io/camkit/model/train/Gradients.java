package io.camkit.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import io.camkit.core.CamkitException;
import java.util.List;

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
   * Fails before any weight is updated when a gradient is not finite while the loss is. The sums of
   * all gradients are added on the engine and read once per step (a NaN or ±∞ element makes the total
   * non-finite); only then is each weight's sum read, to name the first. That is not a learning rate
   * too large (the loss would be the first to go) but the engine computing garbage in the backward
   * pass: PyTorch 2.7.1's oneDNN kernels for AVX2 and AVX-512 did on a 2-core AMD EPYC VM (Zen 5),
   * with the same code and data that train cleanly elsewhere, and its SSE4.1 kernels did not
   * (docs/BENCHMARKS.md).
   *
   * @param what the trainer, for the message ("segmenter")
   * @throws io.camkit.core.CamkitException naming the weight, the step and the remedy
   */
  public static void requireFinite(List<Pair<String, Parameter>> trainable, float loss, long step, String what) {
    if (trainable.isEmpty()) {
      return;
    }
    NDManager m = trainable.get(0).getValue().getArray().getManager();
    try (NDManager scope = m.newSubManager()) {
      NDArray[] sums = new NDArray[trainable.size()];
      for (int i = 0; i < sums.length; i++) {
        NDArray g = trainable.get(i).getValue().getArray().getGradient();
        g.attach(scope);
        sums[i] = g.sum();
      }
      if (Float.isFinite(NDArrays.stack(new NDList(sums)).sum().getFloat())) {
        return;
      }
      for (int i = 0; i < sums.length; i++) {
        if (!Float.isFinite(sums[i].getFloat())) {
          throw new CamkitException(what + " training: the gradient of " + trainable.get(i).getKey()
              + " is not finite at step " + step + " while the loss is (" + loss + "): PyTorch's CPU kernels"
              + " computed garbage in the backward pass, as oneDNN's AVX2/AVX-512 kernels did on an AMD EPYC"
              + " (Zen 5) VM; run again with ONEDNN_MAX_CPU_ISA=SSE41 in the environment (slower; correct there)");
        }
      }
    }
  }
}
