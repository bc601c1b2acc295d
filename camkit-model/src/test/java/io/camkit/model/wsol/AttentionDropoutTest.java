package io.camkit.model.wsol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class AttentionDropoutTest {
  // Image 0: channels [[4, 0], [2, 1]] and [[2, 0], [0, 1]], so A = [[3, 0], [1, 1]], max 3.
  // Image 1: the same ×10, so its mask must be the same (the max is per image).
  private static final float[] F = {4, 0, 2, 1, 2, 0, 0, 1, 40, 0, 20, 10, 20, 0, 0, 10};

  @Test
  void attentionIsTheChannelMeanAndTheDropMaskZeroesWhereItReachesGammaTimesTheMax() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray f = m.create(F, new Shape(2, 2, 2, 2));
      NDArray a = AttentionDropout.attention(f);
      assertThat(a.getShape()).isEqualTo(new Shape(2, 1, 2, 2));
      assertThat(a.toFloatArray()).containsExactly(3, 0, 1, 1, 30, 0, 10, 10);
      // γ = 0.5: threshold 1.5 (15): only the 3 (30) is dropped.
      assertThat(AttentionDropout.dropMask(a, 0.5).toFloatArray()).containsExactly(0, 1, 1, 1, 0, 1, 1, 1);
      // γ = 1/3: threshold 1 (10); A = 1 is ≥ the threshold, so it is dropped too.
      assertThat(AttentionDropout.dropMask(a, 1.0 / 3).toFloatArray()).containsExactly(0, 1, 0, 0, 0, 1, 0, 0);
      // ADL with the drop mask (γ = 0.5): every channel zeroed at (0, 0), the rest unchanged.
      assertThat(AttentionDropout.apply(f, 0.5, true).toFloatArray())
          .containsExactly(0, 0, 2, 1, 0, 0, 0, 1, 0, 0, 20, 10, 0, 0, 0, 10);
    }
  }

  @Test
  void importanceMapIsTheSigmoidOfTheAttention() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray f = m.create(F, new Shape(2, 2, 2, 2));
      float[] out = AttentionDropout.apply(f, 0.5, false).toFloatArray();
      double s3 = 1 / (1 + Math.exp(-3));
      double s1 = 1 / (1 + Math.exp(-1));
      assertThat(out[0]).isCloseTo((float) (4 * s3), within(1e-5f)); // f = 4 at A = 3
      assertThat(out[1]).isCloseTo(0f, within(1e-7f));
      assertThat(out[2]).isCloseTo((float) (2 * s1), within(1e-5f)); // f = 2 at A = 1
      assertThat(out[4]).isCloseTo((float) (2 * s3), within(1e-5f)); // channel 1, f = 2 at A = 3
    }
  }
}
