package io.camkit.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ClassActivationMapsTest {
  @Test
  void camIsTheWeightedSumOfFeatureMaps() {
    try (NDManager m = NDManager.newBaseManager()) {
      // N = 1, K = 2, 2×2 maps: f_0 = [[1, 2], [3, 4]], f_1 = [[0, 1], [0, 1]].
      NDArray f = m.create(new float[] {1, 2, 3, 4, 0, 1, 0, 1}, new Shape(1, 2, 2, 2));
      // C = 2: w^0 = (1, 10), w^1 = (-1, 0.5).
      NDArray w = m.create(new float[] {1, 10, -1, 0.5f}, new Shape(2, 2));
      // M_0 = f_0 + 10 f_1 = [[1, 12], [3, 14]];  M_1 = -f_0 + 0.5 f_1 = [[-1, -1.5], [-3, -3.5]].
      assertThat(ClassActivationMaps.cam(f, w, new int[] {0}).toFloatArray())
          .containsExactly(new float[] {1, 12, 3, 14}, within(1e-6f));
      assertThat(ClassActivationMaps.cam(f, w, new int[] {1}).toFloatArray())
          .containsExactly(new float[] {-1, -1.5f, -3, -3.5f}, within(1e-6f));
    }
  }

  @Test
  void gapOfTheCamPlusBiasIsTheClassScore() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(3);
      NDArray f = m.randomUniform(0, 1, new Shape(3, 4, 5, 5));
      NDArray w = m.randomNormal(new Shape(6, 4));
      // y_c - b_c = Σ_k w_k^c GAP(f_k) = GAP(M_c): Zhou et al. 2016, Eq. 1-2.
      NDArray gap = f.reshape(3, 4, 25).mean(new int[] {2}); // [N, K]
      NDArray scores = gap.matMul(w.transpose()); // [N, C]
      NDArray cams = ClassActivationMaps.cam(f, w, new int[] {0, 5, 2});
      float[] camMeans = cams.reshape(3, 25).mean(new int[] {1}).toFloatArray();
      assertThat(camMeans[0]).isCloseTo(scores.getFloat(0, 0), within(1e-5f));
      assertThat(camMeans[1]).isCloseTo(scores.getFloat(1, 5), within(1e-5f));
      assertThat(camMeans[2]).isCloseTo(scores.getFloat(2, 2), within(1e-5f));
      // All classes at once agree with one class at a time.
      NDArray all = ClassActivationMaps.allClasses(f, w); // [3, 6, 5, 5]
      assertThat(all.get(1, 5).toFloatArray()).containsExactly(cams.get(1).toFloatArray(), within(1e-6f));
    }
  }

  @Test
  void classOutOfRangeIsAClearError() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray f = m.zeros(new Shape(1, 2, 2, 2));
      NDArray w = m.zeros(new Shape(3, 2));
      assertThatThrownBy(() -> ClassActivationMaps.cam(f, w, new int[] {3}))
          .hasMessageContaining("class index 3 is out of range [0, 3)");
    }
  }
}
