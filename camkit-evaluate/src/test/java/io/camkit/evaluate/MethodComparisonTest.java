package io.camkit.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Split;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.evaluate.faithfulness.DeletionInsertionOptions;
import io.camkit.explain.method.Cam;
import io.camkit.explain.method.GradCam;
import io.camkit.explain.method.ScoreCam;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.layers.CamModelLayers;
import java.util.List;
import org.junit.jupiter.api.Test;

class MethodComparisonTest {
  @Test
  void camAndGradCamAgreeOnAGapNetAndEveryRowIsFilled() {
    ShapesOptions tiny = new ShapesOptions(32, 8, 16, 1, 1, 1, 1, 0.02, 12, 0, 0, 5L);
    Dataset data = new ShapesGenerator(tiny).generate(Split.TRAIN);
    Engine.getEngine("PyTorch").setRandomSeed(3);
    try (CamModel m = CamModel.create(new CamNetOptions(32, 6, 4, 8, 0.5f, 0.25f, null), data.classes())) {
      CamModelLayers layers = new CamModelLayers(m);
      var settings = new MethodComparison.Settings(0.2, 4, DeletionInsertionOptions.defaults().withSteps(8), 0, true);
      int[] calls = {0};
      List<MethodComparison.Row> rows = MethodComparison.run(layers,
          List.of(new Cam(), new GradCam().batchSize(5), new ScoreCam()), layers.defaultLayer(), data, settings,
          done -> calls[0] = done);
      assertThat(calls[0]).isEqualTo(3 * 12);
      assertThat(rows).extracting(MethodComparison.Row::method).containsExactly("cam", "gradcam", "scorecam");
      MethodComparison.Row cam = rows.get(0);
      MethodComparison.Row grad = rows.get(1);
      // for a GAP + linear head Grad-CAM = CAM / (h·w): same normalised maps, same boxes and curves
      assertThat(grad.localization()).isEqualTo(cam.localization());
      assertThat(grad.faithfulness().deletionAuc()).isCloseTo(cam.faithfulness().deletionAuc(), within(1e-6));
      assertThat(grad.faithfulness().insertionAuc()).isCloseTo(cam.faithfulness().insertionAuc(), within(1e-6));
      assertThat(grad.faithfulness().pointingHits()).isEqualTo(cam.faithfulness().pointingHits());
      for (MethodComparison.Row r : rows) {
        assertThat(r.localization().images()).isEqualTo(12);
        assertThat(r.faithfulness().curveImages()).isEqualTo(4);
        assertThat(r.faithfulness().confidenceImages()).isEqualTo(4);
        assertThat(r.faithfulness().pointingTotal()).isEqualTo(12);
        assertThat(r.faithfulness().deletionAuc()).isBetween(0.0, 1.0);
        assertThat(r.msPerImage()).isPositive();
      }
    }
  }
}
