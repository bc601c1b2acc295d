package io.camkit.model.wsol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class AcolTest {
  @Test
  void erasesTheFeaturesWhereTheNormalisedMapReachesDelta() {
    try (NDManager m = NDManager.newBaseManager()) {
      // Two channels of one image; branch A's map [[2, 7], [12, 10]] normalises to [[0, .5], [1, .8]].
      NDArray f = m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(1, 2, 2, 2));
      NDArray map = m.create(new float[] {2, 7, 12, 10}, new Shape(1, 1, 2, 2));
      assertThat(Acol.normalise(map).toFloatArray()).usingComparatorWithPrecision(1e-6f)
          .containsExactly(0f, 0.5f, 1f, 0.8f);
      // δ = 0.5: 0.5, 1 and 0.8 are ≥ δ and erased in every channel; only (0, 0) is kept.
      assertThat(Acol.erase(f, map, 0.5).toFloatArray()).containsExactly(1, 0, 0, 0, 5, 0, 0, 0);
      // δ = 0.9: only the maximum is erased.
      assertThat(Acol.erase(f, map, 0.9).toFloatArray()).containsExactly(1, 2, 0, 4, 5, 6, 0, 8);
    }
  }

  @Test
  void classMapOfEachImagesLabelAndFusedMapByHand() {
    try (NDManager m = NDManager.newBaseManager()) {
      // f: 2 images, K = 2 channels, 1×2 maps; w = [[1, 0], [1, -1]] (C = 2 classes).
      NDArray f = m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 9}, new Shape(2, 2, 1, 2));
      NDArray w = m.create(new float[] {1, 0, 1, -1}, new Shape(2, 2));
      NDArray maps = Acol.classMap(f, w, m.create(new long[] {0, 1}));
      assertThat(maps.getShape()).isEqualTo(new Shape(2, 1, 1, 2));
      // image 0, class 0: channel 0 = [1, 2]; image 1, class 1: [5 − 7, 6 − 9] = [−2, −3].
      assertThat(maps.toFloatArray()).containsExactly(1, 2, -2, -3);
      // fused: max(norm A, norm B) position-wise; A = [0, 4, 2] → [0, 1, .5], B = [1, 0, 3] → [1/3, 0, 1].
      NDArray a = m.create(new float[] {0, 4, 2}, new Shape(1, 1, 1, 3));
      NDArray b = m.create(new float[] {1, 0, 3}, new Shape(1, 1, 1, 3));
      float[] fused = Acol.fuse(a, b).toFloatArray();
      assertThat(fused[0]).isCloseTo(1f / 3, within(1e-6f));
      assertThat(fused[1]).isCloseTo(1f, within(1e-6f));
      assertThat(fused[2]).isCloseTo(1f, within(1e-6f));
    }
  }
}
