package io.camkit.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.junit.jupiter.api.Test;

class ChannelsLastTest {
  /**
   * Same shape and values (a 2×3×4×5 batch, every side different, so that any wrong permutation
   * of the axes would show), and a convolution gives the plain layout's result.
   */
  @Test
  void aChannelsLastCopyHoldsTheSameBatch() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = m.arange(120f).reshape(2, 3, 4, 5);
      NDArray cl = ChannelsLast.copyOf(x);
      assertThat(cl.getShape()).isEqualTo(new Shape(2, 3, 4, 5));
      assertThat(cl.toFloatArray()).containsExactly(x.toFloatArray());
      assertThat(cl.get(1, 2, 3, 4).getFloat()).isEqualTo(119f);
      NDArray w = m.arange(54f).div(54f).reshape(2, 3, 3, 3);
      float[] plain = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow().toFloatArray();
      float[] last = Conv2d.conv2d(cl, w, null, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow().toFloatArray();
      for (int i = 0; i < plain.length; i++) {
        assertThat(last[i]).isCloseTo(plain[i], org.assertj.core.api.Assertions.within(1e-3f * Math.abs(plain[i]) + 1e-4f));
      }
      NDArray flat = m.arange(6f).reshape(2, 3);
      assertThat(ChannelsLast.copyOf(flat)).isSameAs(flat);
    }
  }

  /** Agreement allows 1e-4 of the largest plain value (at least 1): float reordering, not a faulty kernel. */
  @Test
  void layoutsAgreeWithinARelativeTenThousandth() {
    float[] plain = {1f, -2f, 30f};
    assertThat(ChannelsLast.agrees(new float[] {1f, -2f, 30.002f}, plain)).isTrue(); // 0.002 ≤ 1e-4 · 30
    assertThat(ChannelsLast.agrees(new float[] {1.004f, -2f, 30f}, plain)).isFalse(); // 0.004 > 0.003
    float[] small = {0.01f, 0.02f};
    assertThat(ChannelsLast.agrees(new float[] {0.01009f, 0.02f}, small)).isTrue(); // scale is at least 1
    assertThat(ChannelsLast.agrees(new float[] {0.0102f, 0.02f}, small)).isFalse();
    assertThat(ChannelsLast.agrees(new float[] {Float.NaN, 0.02f}, small)).isFalse();
    assertThat(ChannelsLast.agrees(new float[] {0.01f}, small)).isFalse();
  }
}
