package io.camkit.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.MultiLabelEvaluation;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import io.camkit.pipeline.testing.CountingModel;
import io.camkit.pipeline.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationReportTest {
  @TempDir Path tmp;

  static EvaluationReport.Context context() {
    return new EvaluationReport.Context("test", Map.of("model", "tiny"), "chosen by the test");
  }

  @Test
  void nImagesWithPicturesCostOneForwardPerImagePerMethod() throws Exception {
    Dataset data = TinyModels.shapes(12);
    try (CamModelLayers camnet = TinyModels.camnet(data)) {
      CountingModel counting = new CountingModel(camnet);
      int[] progress = {0};
      var w = EvaluationReport.evaluate(List.of(new Explainer(counting, MapRequest.of("cam")),
          new Explainer(counting, MapRequest.of("gradcam"))), data, false,
          Evaluation.Settings.localizationOnly(), tmp, context(), done -> progress[0] = done);
      assertThat(counting.forwardImages()).isEqualTo(2 * 12);
      assertThat(progress[0]).isEqualTo(2 * 12);
      // the pictures and reports exist, and were drawn without another pass
      assertThat(tmp.resolve("metrics.json")).isNotEmptyFile();
      assertThat(tmp.resolve("report.md")).content().contains("τ = 0.20 (chosen by the test)");
      assertThat(tmp.resolve("methods.md")).content().contains("| cam |").contains("| gradcam |");
      long tiles = w.singleLabel().get(0).outcomes().stream().filter(o -> o.gtKnownLocalized()).count();
      assertThat(Files.exists(tmp.resolve("successes.png"))).isEqualTo(tiles > 0);
      assertThat(Files.exists(tmp.resolve("failures.png")))
          .isEqualTo(w.singleLabel().get(0).outcomes().stream().anyMatch(o -> !o.gtKnownLocalized() || !o.correct()));
      JsonNode metrics = new ObjectMapper().readTree(tmp.resolve("metrics.json").toFile());
      assertThat(metrics.path("provenance").path("method").asText()).isEqualTo("cam");
      assertThat(metrics.path("provenance").path("tauSource").asText()).isEqualTo("chosen by the test");
      assertThat(metrics.path("images")).hasSize(12);
      // Grad-CAM = CAM / (h·w) on a GAP + linear head: the same boxes, so the same figures
      assertThat(w.singleLabel().get(1).metrics()).isEqualTo(w.singleLabel().get(0).metrics());
    }
  }

  @Test
  void aStopAfterTheFirstChunkWritesAPartialReportOfThatChunkAndSkipsTheNextMethod() throws Exception {
    Dataset data = TinyModels.shapes(70); // chunks of 64 + 6
    try (CamModelLayers camnet = TinyModels.camnet(data)) {
      CountingModel counting = new CountingModel(camnet);
      EvaluationReport.Written w;
      try {
        w = EvaluationReport.evaluate(List.of(new Explainer(counting, MapRequest.of("cam")),
            new Explainer(counting, MapRequest.of("gradcam"))), data, false, Evaluation.Settings.localizationOnly(),
            tmp, context(), done -> io.camkit.core.Interruption.request()); // as Ctrl-C after the first chunk
      } finally {
        io.camkit.core.Interruption.clear();
      }
      assertThat(counting.forwardImages()).isEqualTo(64);
      assertThat(w.partial()).isEqualTo("interrupted after 64 of 70 images of cam; methods scored: 1 of 2");
      assertThat(w.singleLabel()).hasSize(1);
      assertThat(w.singleLabel().get(0).outcomes()).hasSize(64);
      JsonNode metrics = new ObjectMapper().readTree(tmp.resolve("metrics.json").toFile());
      assertThat(metrics.path("provenance").path("partial").asText()).startsWith("interrupted after 64 of 70 images");
      assertThat(metrics.path("provenance").path("images").asInt()).isEqualTo(64);
      assertThat(metrics.path("images")).hasSize(64);
      assertThat(tmp.resolve("report.md")).content().contains("(partial)").contains("**Partial evaluation**");
      assertThat(tmp.resolve("methods.md")).content().contains("**Partial evaluation**").contains("| cam |")
          .doesNotContain("| gradcam |");
    }
  }

  /** The single-label images combined two by two into two-class images (first object of each). */
  static Dataset twoClassImages(Dataset single) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i + 1 < single.size(); i += 2) {
      Sample a = single.get(i);
      Sample b = single.get(i + 1);
      List<ObjectAnnotation> objects = new ArrayList<>(a.objects());
      if (b.label() != a.label()) {
        objects.addAll(b.objects()); // b's box on a's image: a wrong box, a right label — enough for the plumbing
      }
      out.add(new Sample(a.id(), a.image(), objects));
    }
    return new Dataset("pairs", single.classes(), out);
  }

  @Test
  void multiLabelEvaluationTakesAnyMethodAndMapsOnlyThePresentClasses() throws Exception {
    Dataset data = twoClassImages(TinyModels.shapes(16));
    try (CamModelLayers camnet = TinyModels.camnet(data)) {
      CountingModel counting = new CountingModel(camnet);
      var w = EvaluationReport.evaluate(List.of(new Explainer(counting, MapRequest.of("cam")),
          new Explainer(counting, MapRequest.of("gradcam"))), data, true,
          Evaluation.Settings.localizationOnly(), tmp, context(), done -> {});
      assertThat(counting.forwardImages()).isEqualTo(2 * 8);
      MultiLabelEvaluation.Result cam = w.multiLabel().get(0);
      MultiLabelEvaluation.Result grad = w.multiLabel().get(1);
      long pairs = data.samples().stream().mapToLong(s -> s.labels().size()).sum();
      assertThat(cam.metrics().pairs()).isEqualTo(pairs);
      assertThat(grad.metrics().gtKnownLocalization()).isEqualTo(cam.metrics().gtKnownLocalization());
      assertThat(grad.metrics().mAP()).isEqualTo(cam.metrics().mAP());
      assertThat(grad.maxBoxAccCurve()).containsExactly(cam.maxBoxAccCurve());
      JsonNode metrics = new ObjectMapper().readTree(tmp.resolve("metrics.json").toFile());
      assertThat(metrics.path("multiLabel").asBoolean()).isTrue();
      assertThat(metrics.path("perClass")).hasSize(6);
      assertThat(tmp.resolve("methods.md")).content().contains("| gradcam |");
    }
  }
}
