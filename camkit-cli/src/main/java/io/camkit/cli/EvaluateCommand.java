package io.camkit.cli;

import io.camkit.dataset.io.CocoFormat;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.Reports;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.model.CamModel;
import io.camkit.evaluate.MethodComparison;
import io.camkit.evaluate.faithfulness.DeletionInsertionOptions;
import io.camkit.explain.method.CamMethod;
import io.camkit.explain.method.CamMethods;
import io.camkit.interop.Models;
import io.camkit.model.layers.LayeredModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code camkit evaluate}: classification and localization scores of a model on a COCO folder. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score a model on an annotated folder: top-1, top-1 loc, GT-known loc, MaxBoxAcc, mean IoU;"
        + " on multi-label data (or for a multi-label model) per-class AP, mAP, per-class GT-known loc, pointing game.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "camkit model folder (or, with --method, a TorchScript .pt or ONNX .onnx file with its .json card)")
  Path model;

  @Option(names = "--data", required = true, description = "annotated folder: COCO (annotations.json), image list (dataset.txt + boxes.csv) or one subfolder per class (VOC XML beside the images)")
  Path data;

  @Option(names = "--out", required = true, description = "output folder for metrics.json, report.md, pictures")
  Path out;

  @Option(names = "--tau", description = "CAM threshold (default: ${DEFAULT-VALUE})")
  double tau = ThresholdLocalizer.DEFAULT_TAU;

  @Option(names = "--method", split = ",", description = "compare these methods side by side (comma-separated: "
      + "cam, gradcam, gradcampp, smoothgradcampp, scorecam, xgradcam, layercam, hirescam): localization and "
      + "faithfulness in one table (methods.md, methods.json)")
  List<String> methods = List.of();

  @Option(names = "--layer", description = "target layer of --method (see camkit layers; default: the last conv layer)")
  String layer;

  @Option(names = "--faithfulness-images", description = "images (from the start) that get deletion/insertion "
      + "curves and the confidence change, with --method (default: ${DEFAULT-VALUE})")
  int faithfulnessImages = MethodComparison.Settings.defaults().faithfulnessImages();

  @Option(names = "--card", description = "with a TorchScript or ONNX model: its card (default: MODEL.json beside it)")
  Path card;

  @Option(names = "--synsets", description = "class list of an image-list folder (default: its synset_words.txt)")
  Path synsets;

  @Option(names = "--no-relu", description = "with --method: min-max the raw map, without the ReLU (the convention of"
      + " Zhou et al.'s code and wsolevaluation), to compare with results computed that way")
  boolean noRelu;

  @Option(names = "--images", description = "with --method: score only the first N images (default: all)")
  Integer images;

  @Option(names = "--steps", description = "steps of the deletion/insertion curves (default: ${DEFAULT-VALUE})")
  int steps = DeletionInsertionOptions.DEFAULT_STEPS;

  @Override
  public Integer call() throws Exception {
    CocoFormat.Loaded loaded = synsets != null ? io.camkit.dataset.io.ImageListFormat.read(data, synsets)
        : io.camkit.dataset.io.DatasetFolders.read(data);
    loaded.skipped().forEach(s -> System.err.println("skipped: " + s));
    if (methods.isEmpty() && io.camkit.interop.transfer.TransferCard.isTransferFolder(model)) {
      methods = List.of("cam"); // a transfer model is a LayeredModel: scored by the method comparison
    }
    if (!methods.isEmpty()) {
      if (images != null && images < 1) {
        throw new IllegalArgumentException("option --images = " + images + " is out of range (allowed: >= 1)");
      }
      return compare(images == null ? loaded.dataset() : loaded.dataset().head(Math.min(images, loaded.dataset().size())));
    }
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

  private int compare(io.camkit.dataset.Dataset dataset) throws java.io.IOException {
    List<CamMethod> chosen = methods.stream().map(CamMethods::byName).toList();
    var settings = new MethodComparison.Settings(tau, faithfulnessImages,
        DeletionInsertionOptions.defaults().withSteps(steps), 0, !noRelu);
    try (LayeredModel m = Models.open(model, card)) {
      boolean unnamed = java.util.stream.IntStream.range(0, m.classes().size())
          .allMatch(i -> m.classes().get(i).equals(Integer.toString(i)));
      if (m.classes().size() != dataset.classes().size() || !unnamed && !m.classes().equals(dataset.classes())) {
        throw new io.camkit.core.CamkitException("the data's " + dataset.classes().size() + " classes differ from the"
            + " model's " + m.classes().size() + (unnamed ? "" : " named") + " classes");
      }
      String target = layer == null ? m.defaultLayer() : m.layer(layer).name();
      List<MethodComparison.Row> rows;
      try (Progress p = new Progress("evaluate", (long) dataset.size() * chosen.size(), 0, "maps")) {
        rows = MethodComparison.run(m, chosen, target, dataset, settings, done -> p.step(done, ""));
      }
      String table = MethodComparison.markdownTable(rows);
      java.nio.file.Files.createDirectories(out);
      java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
      json.put("model", model.toString());
      json.put("data", data.toString());
      json.put("images", dataset.size());
      json.put("settings", settings);
      json.put("methods", MethodComparison.toMaps(rows));
      io.camkit.core.AtomicFiles.writeString(out.resolve("methods.json"), io.camkit.model.ModelCard.toJson(json));
      io.camkit.core.AtomicFiles.writeString(out.resolve("methods.md"), "# camkit methods on " + dataset.name()
          + "\n\nModel `" + model + "`, layer `" + target + "`, τ = " + tau + "; faithfulness on the first "
          + Math.min(faithfulnessImages, dataset.size()) + " images (" + steps + " steps).\n\n" + table);
      System.out.println(table);
      System.out.println("written: " + out.resolve("methods.json") + ", " + out.resolve("methods.md"));
    }
    return 0;
  }
}
