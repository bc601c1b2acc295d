package io.camkit.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.dataset.Dataset;
import io.camkit.localize.GuidedFilter;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import io.camkit.pipeline.testing.CountingModel;
import io.camkit.pipeline.testing.TinyModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TauCalibrationTest {

  @Test
  void refinementAndTauAreChosenOnOnePassAndAgreeWithAnEvaluationAtThatSetting() {
    Dataset val = TinyModels.shapes(24);
    try (CamModelLayers camnet = TinyModels.camnet(val)) {
      CountingModel counting = new CountingModel(camnet);
      List<GuidedFilter> settings = List.of(new GuidedFilter(0.1, 0.001), new GuidedFilter(0.25, 0.01),
          new GuidedFilter(0.5, 0.1));
      List<int[]> steps = new ArrayList<>();
      Calibration c = TauCalibration.onValidation(List.of(new Explainer(counting, MapRequest.of("cam"))), val,
          settings, (done, total) -> steps.add(new int[] {done, total}));
      // one pass over the validation images, then the four settings (none + 3) scored on the same maps
      assertThat(counting.forwardImages()).isEqualTo(24);
      assertThat(steps).hasSize(5);
      assertThat(steps.get(4)).containsExactly(5, 5);
      Calibration.Entry e = c.methods().get("cam");
      // the winner is at least as good as τ alone on the unrefined map (which competes) ...
      Calibration plain = TauCalibration.onValidation(List.of(new Explainer(camnet, MapRequest.of("cam"))), val);
      assertThat(e.maxBoxAcc()).isGreaterThanOrEqualTo(plain.methods().get("cam").maxBoxAcc());
      if (e.guidedFilter() != null) {
        assertThat(e.unrefined()).isEqualTo(plain.methods().get("cam"));
      }
      // ... and an evaluation run with the chosen setting finds the same MaxBoxAcc at the same τ*
      LocalizationMetrics m = Evaluation.run(new Explainer(camnet, MapRequest.of("cam").withRefinement(e.guidedFilter())),
          val).metrics();
      assertThat(m.maxBoxAcc()).isEqualTo(e.maxBoxAcc());
      assertThat(m.tauStar()).isEqualTo(e.tau());
      // every other setting does no better there
      for (GuidedFilter f : settings) {
        double other = Evaluation.run(new Explainer(camnet, MapRequest.of("cam").withRefinement(f)), val).metrics()
            .maxBoxAcc();
        assertThat(other).isLessThanOrEqualTo(e.maxBoxAcc());
      }
    }
  }

  @Test
  void noSettingsMeansTauAlone() {
    Dataset val = TinyModels.shapes(8);
    try (CamModelLayers camnet = TinyModels.camnet(val)) {
      List<Explainer> e = List.of(new Explainer(camnet, MapRequest.of("cam")));
      Calibration c = TauCalibration.onValidation(e, val, List.of(), (done, total) -> {});
      assertThat(c.methods().get("cam").guidedFilter()).isNull();
      assertThat(c.methods()).isEqualTo(TauCalibration.onValidation(e, val).methods());
    }
  }

  @Test
  void multiLabelDataIsScoredPerPresentClassAsItsEvaluationDoes() {
    Dataset val = new io.camkit.dataset.shapes.ShapesGenerator(new io.camkit.dataset.shapes.ShapesOptions(32, 8, 12, 1,
        3, 1, 1, 0.02, 20, 0, 0, 9L)).generate(io.camkit.dataset.Split.TRAIN);
    assertThat(val.multiLabel()).isTrue();
    try (CamModelLayers camnet = TinyModels.camnet(val)) {
      GuidedFilter g = new GuidedFilter(0.25, 0.01);
      Calibration c = TauCalibration.onValidation(List.of(new Explainer(camnet, MapRequest.of("cam"))), val,
          List.of(g), (done, total) -> {});
      Calibration.Entry e = c.methods().get("cam");
      MultiLabelMetrics m = MultiLabelEvaluation.run(new Explainer(camnet, MapRequest.of("cam")
          .withRefinement(e.guidedFilter())), val, new Evaluation.Listener() {}).metrics();
      assertThat(m.maxBoxAcc()).isEqualTo(e.maxBoxAcc());
      assertThat(m.tauStar()).isEqualTo(e.tau());
      MultiLabelMetrics plain = MultiLabelEvaluation.run(new Explainer(camnet, MapRequest.of("cam")), val,
          new Evaluation.Listener() {}).metrics();
      assertThat(e.maxBoxAcc()).isGreaterThanOrEqualTo(plain.maxBoxAcc());
    }
  }
}
