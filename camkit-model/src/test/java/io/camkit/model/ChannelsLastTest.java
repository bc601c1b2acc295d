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
}
