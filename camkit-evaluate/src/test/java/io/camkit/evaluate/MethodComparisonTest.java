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
import io.camkit.pipeline.MapRequest;
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
      var settings = new Evaluation.Settings(4, DeletionInsertionOptions.defaults().withSteps(8), 0);
      int[] calls = {0};
      List<Evaluation.Result> rows = MethodComparison.run(layers,
          List.of(MapRequest.of(new Cam()), MapRequest.of(new GradCam().batchSize(5)), MapRequest.of(new ScoreCam())),
          data, settings, done -> calls[0] = done);
      assertThat(calls[0]).isEqualTo(3 * 12);
      assertThat(rows).extracting(Evaluation.Result::method).containsExactly("cam", "gradcam", "scorecam");
      Evaluation.Result cam = rows.get(0);
      Evaluation.Result grad = rows.get(1);
      // for a GAP + linear head Grad-CAM = CAM / (h·w): same normalised maps, same boxes and curves
      assertThat(grad.metrics()).isEqualTo(cam.metrics());
      assertThat(grad.faithfulness().deletionAuc()).isCloseTo(cam.faithfulness().deletionAuc(), within(1e-6));
      assertThat(grad.faithfulness().insertionAuc()).isCloseTo(cam.faithfulness().insertionAuc(), within(1e-6));
      assertThat(grad.faithfulness().pointingHits()).isEqualTo(cam.faithfulness().pointingHits());
      for (Evaluation.Result r : rows) {
        assertThat(r.metrics().images()).isEqualTo(12);
        assertThat(r.faithfulness().curveImages()).isEqualTo(4);
        assertThat(r.faithfulness().confidenceImages()).isEqualTo(4);
        assertThat(r.faithfulness().pointingTotal()).isEqualTo(12);
        assertThat(r.faithfulness().deletionAuc()).isBetween(0.0, 1.0);
        assertThat(r.msPerImage()).isPositive();
      }
    }
  }
}
