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
}
