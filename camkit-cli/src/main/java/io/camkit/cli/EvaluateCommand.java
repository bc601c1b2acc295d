package io.camkit.cli;

import io.camkit.dataset.io.CocoFormat;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.Reports;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.model.CamModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code camkit evaluate}: classification and localization scores of a model on a COCO folder. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score a model on an annotated folder: top-1, top-1 loc, GT-known loc, MaxBoxAcc, mean IoU;"
        + " on multi-label data (or for a multi-label model) per-class AP, mAP, per-class GT-known loc, pointing game.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "model folder (with model.json)")
  Path model;

  @Option(names = "--data", required = true, description = "folder with annotations.json (COCO) and images")
  Path data;

  @Option(names = "--out", required = true, description = "output folder for metrics.json, report.md, pictures")
  Path out;

  @Option(names = "--tau", description = "CAM threshold (default: ${DEFAULT-VALUE})")
  double tau = ThresholdLocalizer.DEFAULT_TAU;

  @Override
  public Integer call() throws Exception {
    CocoFormat.Loaded loaded = CocoFormat.read(data);
    loaded.skipped().forEach(s -> System.err.println("skipped: " + s));
    try (CamModel m = CamModel.load(model)) {
      if (!m.classes().equals(loaded.dataset().classes())) {
        throw new io.camkit.core.CamkitException("the data's classes " + loaded.dataset().classes()
            + " differ from the model's " + m.classes());
      }
      var trained = io.camkit.model.ModelCard.read(model).training();
      if (loaded.dataset().multiLabel() || (trained != null && trained.multiLabel())) {
        var r = Workflows.evaluateMultiLabel(m, loaded.dataset(), tau, out, Map.of("model", model.toString()),
            java.util.OptionalDouble.empty());
        System.out.println(Reports.markdownTable(r.metrics(), m.classes()));
      } else {
        Evaluation.Result r = Workflows.evaluate(m, loaded.dataset(), tau, out, Map.of("model", model.toString()),
            java.util.OptionalDouble.empty());
        System.out.println(Reports.markdownTable(r.metrics()));
      }
      System.out.println("written: " + out.resolve("metrics.json") + ", " + out.resolve("report.md"));
    }
    return 0;
  }
}
