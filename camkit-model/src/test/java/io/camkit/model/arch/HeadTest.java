package io.camkit.model.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.camkit.model.CamNet;
import io.camkit.model.CamNetOptions;
import io.camkit.model.HeadOptions;
import org.junit.jupiter.api.Test;

class HeadTest {
  private static CamNetOptions options(String arch, HeadOptions h) {
    return new CamNetOptions(32, 2, 4, 2, 0.5f, 0.25f, h, arch);
  }

  @Test
  void theKindFollowsTheArchitectureAndThePooling() {
    HeadOptions lse = new HeadOptions("lse", 5, 5, 0.7, 5, 1);
    assertThat(Head.of(options("camnet", HeadOptions.gap()))).isInstanceOf(Head.GapLinear.class)
        .extracting(Head::childName).isEqualTo("classifier");
    assertThat(Head.of(options("cnn-gap", lse))).isInstanceOf(Head.ClassMaps.class)
        .extracting(Head::childName).isEqualTo("head");
    assertThat(Head.of(options("nin", HeadOptions.gap()))).isInstanceOf(Head.ClassMaps.class);
    assertThat(Head.of(options("cnn-flatten", HeadOptions.gap()))).isInstanceOf(Head.Dense.class)
        .extracting(Head::childName).isEqualTo("dense");
    CamNet net = new CamNet(options("nin", HeadOptions.gap()));
    assertThat(net.classMapHead()).isSameAs(((Head.ClassMaps) net.scoreHead()).maps());
    assertThat(net.hasLinearClassifier()).isFalse();
  }

  @Test
  void gapLinearScoresAreTheLinearLayerOfTheAveragedMaps() {
    try (NDManager m = NDManager.newBaseManager()) {
      Head.GapLinear h = (Head.GapLinear) Head.of(options("camnet", HeadOptions.gap()));
      Shape f = new Shape(1, 2, 2, 2);
      h.initialize(m, DataType.FLOAT32, f);
      h.weights().set(new float[] {1, 2, 0, -1}); // w = [[1, 2], [0, −1]]
      h.bias().set(new float[] {0.5f, 0});
      NDArray x = m.create(new float[] {1, 2, 3, 4, 0, 0, 0, 4}, f); // GAP = (2.5, 1)
      // y_0 = 1·2.5 + 2·1 + 0.5 = 5; y_1 = 0·2.5 − 1·1 + 0 = −1.
      assertThat(h.scores(new ParameterStore(m, false), x, false).toFloatArray())
          .containsExactly(new float[] {5, -1}, within(1e-6f));
    }
  }
}
