package io.camkit.explain.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.explain.target.ClassTarget;
import io.camkit.explain.target.TargetSelector;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.model.layers.LayerInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** camkit's own network cut at each of its layers. */
class CamModelLayersTest {
  static CamModel model() {
    Engine.getEngine("PyTorch").setRandomSeed(11);
    return CamModel.create(new CamNetOptions(32, 3, 4, 8, 0.5f, 0.25f, null), List.of("a", "b", "c"));
  }

  @Test
  void everyCutRecomposesTheForwardPassAndListsItsShape() {
    try (CamModel m = model(); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      CamModelLayers l = new CamModelLayers(m);
      assertThat(l.layers()).extracting(LayerInfo::name)
          .containsExactly("features.0", "features.1", "features.2", "features.3", "features.4", "features.5",
              "features.6");
      assertThat(l.layers().get(0).shape()).containsExactly(4, 16, 16); // stride 2
      assertThat(l.layers().get(2).shape()).containsExactly(4, 8, 8); // max pool
      assertThat(l.layers().get(6).shape()).containsExactly(8, 8, 8); // K maps
      assertThat(l.defaultLayer()).isEqualTo("features.6");
      NDArray x = scope.randomNormal(new Shape(2, 3, 32, 32));
      float[] y = l.logits(scope, x).toFloatArray();
      for (LayerInfo layer : l.layers()) {
        NDArray a = l.features(scope, x, layer.name());
        assertThat(a.getShape().getShape()).containsExactly(2, layer.shape()[0], layer.shape()[1], layer.shape()[2]);
        assertThat(l.head(scope, a, layer.name()).toFloatArray()).as(layer.name()).containsExactly(y, within(1e-5f));
      }
      assertThat(l.classifierWeights("features.6")).isPresent();
      assertThat(l.classifierWeights("features.5")).isEmpty();
    }
  }

  @Test
  void gradientAtAnInnerLayerMatchesFiniteDifferences() {
    try (CamModel m = model(); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      CamModelLayers l = new CamModelLayers(m);
      NDArray x = scope.randomNormal(new Shape(1, 3, 32, 32));
      String layer = "features.3";
      NDArray a = l.features(scope, x, layer);
      NDArray g = CamMethod.scoreAndGradient(l, layer, a, new ClassTarget(1))[1];
      float[] av = a.toFloatArray();
      float[] gv = g.toFloatArray();
      double h = 1e-2;
      int checked = 0;
      for (int i = 0; i < av.length && checked < 12; i += 13) {
        if (av[i] <= 0.05f) {
          continue; // stay away from the next ReLU's kink
        }
        float[] plus = av.clone();
        float[] minus = av.clone();
        plus[i] += (float) h;
        minus[i] -= (float) h;
        double yp = l.head(scope, scope.create(plus, a.getShape()), layer).getFloat(0, 1);
        double ym = l.head(scope, scope.create(minus, a.getShape()), layer).getFloat(0, 1);
        assertThat(gv[i]).as("∂y1/∂A[%d]", i).isCloseTo((float) ((yp - ym) / (2 * h)), within(2e-3f));
        checked++;
      }
      assertThat(checked).isGreaterThanOrEqualTo(6);
      // and a method runs there end to end
      ClassMap map = new GradCam().explain(l, scope, x, layer, TargetSelector.predicted()).get(0);
      assertThat(map.resolution()).isEqualTo("8×8");
    }
  }

  /**
   * Score-CAM's channels-last masked inputs change the memory layout only: on a convolutional net
   * (a 3×32×24 input, so a transposed height and width would not even fit) the weights of every
   * channel, hence the map, equal those of plain NCHW inputs up to the order of float sums.
   */
  @Test
  void scoreCamChannelsLastGivesThePlainLayoutsMap() {
    try (CamModel m = model(); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      CamModelLayers l = new CamModelLayers(m);
      NDArray x = scope.randomNormal(new Shape(2, 3, 32, 24));
      for (String layer : List.of("features.3", "features.6")) {
        float[] last = new ScoreCam().maskBatch(3).explain(l, scope, x, layer, TargetSelector.classIndex(2))
            .get(1).raw().values();
        float[] plain = new ScoreCam().maskBatch(3).channelsLast(false)
            .explain(l, scope, x, layer, TargetSelector.classIndex(2)).get(1).raw().values();
        assertThat(last).as(layer).containsExactly(plain, within(1e-5f));
      }
    }
  }
}
