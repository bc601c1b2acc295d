package io.camkit.serve;

import io.camkit.dataset.Dataset;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.faithfulness.DeletionInsertionOptions;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import io.camkit.pipeline.testing.TinyModels;
import io.camkit.render.EvaluationReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the server tests serve: an untrained 32-px camnet with a calibration (τ* of cam 0.35), 12
 * shapes images written as a COCO folder, and an evaluation folder written by the library's own
 * {@link EvaluationReport} for cam and gradcam.
 */
final class ServeFixtures implements AutoCloseable {
  static final double CAM_TAU = 0.35;

  final Path dir;
  final Dataset shapes;
  final LayeredModel model;
  final ServedModel served;
  final ServedDataset dataset;
  final ServedEvaluation evaluation;

  ServeFixtures(Path dir) throws IOException {
    this.dir = dir;
    shapes = TinyModels.shapes(12);
    CocoFormat.write(shapes, dir.resolve("data"));
    model = TinyModels.camnet(shapes);
    Calibration cal = new Calibration("val", 12, model.defaultLayer(),
        Map.of("cam", new Calibration.Entry(CAM_TAU, 0.5)), "2026-11-30T00:00:00Z");
    served = new ServedModel("tiny", model, Optional.of(cal));
    dataset = ServedDataset.read(dir.resolve("data"));
    Path eval = dir.resolve("eval");
    EvaluationReport.evaluate(List.of(new Explainer(model, MapRequest.of("cam").withTau(CAM_TAU)),
            new Explainer(model, MapRequest.of("gradcam"))), dataset.data(), false,
        new Evaluation.Settings(0, DeletionInsertionOptions.defaults(), 0), eval,
        new EvaluationReport.Context("camkit evaluation", Map.of("model", "tiny"), "test"), done -> { });
    evaluation = ServedEvaluation.of(eval);
  }

  CamkitServer server(ServeOptions options) {
    return new CamkitServer(options, List.of(served), List.of(dataset), List.of(evaluation)).start();
  }

  static ServeOptions loopback() {
    return ServeOptions.defaults().withPort(0);
  }

  @Override
  public void close() {
    model.close();
  }
}
