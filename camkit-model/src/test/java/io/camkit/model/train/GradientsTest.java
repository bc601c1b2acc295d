package io.camkit.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class GradientsTest {
  /**
   * {@code L = Σ w ⊙ x} with {@code x = (2, ∞, −3)}: {@code ∂L/∂w = x}. Cleared, the gradient is
   * {@code (0, 0, 0)} ({@code g − g} would leave NaN in the middle); a second backward then stores
   * exactly the new gradient, not a sum with the old one.
   */
  @Test
  void clearResetsEvenInfiniteGradientsToZero() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray w = m.create(new float[] {1, 1, 1});
      w.setRequiresGradient(true);
      NDArray x = m.create(new float[] {2, Float.POSITIVE_INFINITY, -3});
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(w.mul(x).sum());
      }
      assertThat(w.getGradient().toFloatArray()).containsExactly(2, Float.POSITIVE_INFINITY, -3);
      Gradients.clear(w);
      assertThat(w.getGradient().toFloatArray()).containsExactly(0, 0, 0);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(w.mul(m.create(new float[] {5, 6, 7})).sum());
      }
      assertThat(w.getGradient().toFloatArray()).containsExactly(5, 6, 7);
    }
  }

  /**
   * A gradient with a NaN (or ∞) element while the loss is finite stops the step before any update,
   * naming the weight; finite gradients pass.
   */
  @Test
  void aNonFiniteGradientUnderAFiniteLossIsNamed() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      ai.djl.nn.Parameter a = param(m, "a", new float[] {1, 2});
      ai.djl.nn.Parameter b = param(m, "b", new float[] {3, 4});
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(a.getArray().mul(m.create(new float[] {1, 1})).sum()
            .add(b.getArray().mul(m.create(new float[] {Float.NaN, 1})).sum().mul(0)));
      }
      var trainable = java.util.List.of(new ai.djl.util.Pair<>("a", a), new ai.djl.util.Pair<>("b", b));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Gradients.requireFinite(trainable, 0.5f, 7, "segmenter"))
          .isInstanceOf(io.camkit.core.CamkitException.class)
          .hasMessageContaining("segmenter training: the gradient of b is not finite at step 7 while the loss is (0.5)")
          .hasMessageContaining("ONEDNN_MAX_CPU_ISA=SSE41");
      Gradients.requireFinite(trainable.subList(0, 1), 0.5f, 7, "segmenter"); // a's gradient (1, 1) is finite
      assertThat(a.getArray().getGradient().toFloatArray()).containsExactly(1, 1);
    }
  }

  private static ai.djl.nn.Parameter param(NDManager m, String name, float[] values) {
    NDArray w = m.create(values);
    w.setRequiresGradient(true);
    ai.djl.nn.Parameter p = ai.djl.nn.Parameter.builder().setName(name).setType(ai.djl.nn.Parameter.Type.WEIGHT)
        .build();
    p.setArray(w);
    return p;
  }
}
