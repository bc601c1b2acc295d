package io.camkit.interop.torchscript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.CamkitException;
import io.camkit.core.io.Npy;
import io.camkit.core.testing.SharedData;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The reference ResNet-18 of {@code ../shared/refs} loaded through its features/head splits. */
@Tag("shared-data")
class TorchScriptModelRefsTest {
  static TorchScriptModel model;

  static TorchScriptCard card() {
    return new TorchScriptCard(224, 224, null, null, null, List.of(
        new TorchScriptCard.Split("layer3", "features3", "head3"),
        new TorchScriptCard.Split("layer4", "features", "head")));
  }

  @BeforeAll
  static void load() {
    model = TorchScriptModel.load(SharedData.ref("resnet18_seed0_split.torchscript.pt"), card());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  static float maxAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  @Test
  void layersAndOutputsMatchPython() {
    assertThat(model.layers()).extracting(l -> l.name()).containsExactly("layer3", "layer4");
    assertThat(model.layers().get(0).shape()).containsExactly(256, 14, 14);
    assertThat(model.layers().get(1).shape()).containsExactly(512, 7, 7);
    assertThat(model.classes()).hasSize(1000);
    Npy in = SharedData.npy("input_1x3x224x224.npy");
    try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
      NDArray x = scope.create(in.data(), new Shape(in.shape()));
      assertThat(maxAbsDiff(model.logits(scope, x).toFloatArray(), SharedData.npy("logits.npy").data())).isLessThan(1e-4f);
      assertThat(maxAbsDiff(model.features(scope, x, "layer4").toFloatArray(),
          SharedData.npy("layer4_features.npy").data())).isLessThan(1e-4f);
      assertThat(maxAbsDiff(model.features(scope, x, "layer3").toFloatArray(),
          SharedData.npy("layer3_features.npy").data())).isLessThan(1e-4f);
    }
  }

  @Test
  void classifierWeightsAreMeasuredAtTheGapLayerOnly() {
    float[] w = model.classifierWeights("layer4").orElseThrow().toFloatArray();
    assertThat(maxAbsDiff(w, SharedData.npy("fc_weight.npy").data())).isLessThan(1e-4f);
    // the head after layer3 contains layer4: not GAP + linear, so no CAM weights
    assertThat(model.classifierWeights("layer3")).isEmpty();
  }

  @Test
  void unknownLayerListsTheValidOnes() {
    try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
      assertThatThrownBy(() -> model.features(scope, scope.zeros(new Shape(1, 3, 224, 224)), "layer5"))
          .isInstanceOf(CamkitException.class)
          .hasMessage("no layer named 'layer5'; valid layers: layer3, layer4");
    }
  }
}
