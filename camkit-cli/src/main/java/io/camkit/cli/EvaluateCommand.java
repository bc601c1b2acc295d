package io.camkit.cli;

import io.camkit.core.CamkitException;
import io.camkit.core.Interruption;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.dataset.io.DatasetFolders;
import io.camkit.dataset.io.ImageListFormat;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.faithfulness.DeletionInsertionOptions;
import io.camkit.interop.Models;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.Explainer;
import io.camkit.render.EvaluationReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code camkit evaluate}: classification and localization scores of any model and method on annotated data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score a model on an annotated folder: top-1, top-5, top-1 loc, GT-known loc, MaxBoxAcc, the"
        + " baselines (centred box of half the area, whole image), faithfulness; on multi-label data (or for a multi-label model) per-class AP, mAP,"
        + " per-class GT-known loc, pointing game. Several --method side by side in methods.md.")
final class EvaluateCommand implements Callable<Integer> {
  @Mixin MapMixin map;

  @Mixin CubMixin cub;

  @Option(names = "--data", required = true, arity = "1..*", description = "annotated folder(s), scored as one set"
      + " (repeat the option or list several; same classes): COCO (annotations.json), image list"
      + " (dataset.txt + boxes.csv), CUB-200-2011 (images.txt, train_test_split.txt; --cub-part) or one subfolder per"
      + " class (VOC XML beside the images)")
  List<Path> data;

  @Option(names = "--out", required = true, description = "output folder for metrics.json, report.md, pictures")
  Path out;

  @Option(names = "--method", split = ",", description = "methods to score, side by side (comma-separated: "
      + "cam, gradcam, gradcampp, smoothgradcampp, scorecam, xgradcam, layercam, hirescam, augmentedgradcam,"
      + " eigencam, eigengradcam, ablationcam, fullgrad, sscam, iscam;"
      + " default: the method (and --tta) the model's calibration prefers, else cam): the first gives metrics.json,"
      + " report.md and the pictures; all give methods.md")
  List<String> methods;

  @Option(names = "--faithfulness-images", description = "images (from the start) that get deletion/insertion "
      + "curves and the confidence change (default: 0 for one method, 100 for several)")
  Integer faithfulnessImages;

  @Option(names = "--synsets", description = "class list of an image-list folder (default: its synset_words.txt)")
  Path synsets;

  @Option(names = "--no-relu", description = "min-max the raw map, without the ReLU (the convention of Zhou et al.'s"
      + " code and wsolevaluation), to compare with results computed that way")
  boolean noRelu;

  @Option(names = "--images", description = "score only the first N images (default: all)")
  Integer images;

  @Option(names = "--steps", description = "steps of the deletion/insertion curves (default: ${DEFAULT-VALUE})")
  int steps = DeletionInsertionOptions.DEFAULT_STEPS;

  @Option(names = "--road", defaultValue = "10,20,30,40,50,60,70,80,90", description = "percentiles of ROAD"
      + " (remove and debias: the most and least relevant pixels removed and filled by noisy linear imputation) on the"
      + " faithfulness images, comma-separated, or none (default: ${DEFAULT-VALUE}, as pytorch-grad-cam)")
  String road;

  @Option(names = "--strict", description = "stop at the first bad annotation or damaged image (default: report it"
      + " in problems.json and go on)")
  boolean strict;

  @Option(names = "--multi-label", description = "score as multi-label data even if every image holds one class")
  boolean multiLabel;

  @Override
  public Integer call() throws Exception {
    if (images != null && images < 1) {
      throw new IllegalArgumentException("option --images = " + images + " is out of range (allowed: >= 1)");
    }
    List<Dataset> parts = new java.util.ArrayList<>();
    List<io.camkit.core.DataProblem> problems = new java.util.ArrayList<>();
    for (Path d : data) {
      CocoFormat.Loaded loaded = synsets != null ? ImageListFormat.read(d, synsets, strict)
          : DatasetFolders.read(d, cub.part(), cub.selection(), strict);
      parts.add(data.size() == 1 ? loaded.dataset()
          : new Dataset(d.toString(), loaded.dataset().classes(), loaded.dataset().samples()));
      problems.addAll(loaded.problems());
    }
    Dataset all = Dataset.concat(parts);
    java.nio.file.Files.createDirectories(out);
    Workflows.reportProblems(all.size(), problems, out);
    Dataset dataset = images == null ? all : all.head(Math.min(images, all.size()));
    if (io.camkit.model.supervised.SupervisedCard.isSupervised(map.model)) { // a box head or a segmenter: no CAM
      if (methods != null && !methods.equals(List.of("cam"))) {
        throw new CamkitException("--method does not apply to a fully supervised model (" + map.model + "): its"
            + " boxes or masks are scored as they are");
      }
      return SupervisedRuns.evaluate(map.model, dataset, data, map.tau, out);
    }
    boolean multi = multiLabel || dataset.multiLabel() || Models.trainedMultiLabel(map.model);
    try (LayeredModel m = map.open()) {
      checkClasses(m, dataset);
      List<String> methods = map.methodsOrPreferred(this.methods, m, true);
      int faith = faithfulnessImages != null ? faithfulnessImages : methods.size() > 1 ? 100 : 0;
      var settings = new Evaluation.Settings(faith, DeletionInsertionOptions.defaults().withSteps(steps), 0,
          roadOptions(road));
      List<Calibration.TauChoice> taus = methods.stream().map(map::tau).toList();
      List<Explainer> explainers = new java.util.ArrayList<>();
      for (int i = 0; i < methods.size(); i++) {
        explainers.add(new Explainer(m, map.request(m, methods.get(i), taus.get(i)).withRelu(!noRelu)));
      }
      var context = new EvaluationReport.Context(multi ? "camkit multi-label evaluation" : "camkit evaluation",
          Map.of("model", map.model.toString(), "data", String.join(", ", data.stream().map(Path::toString).toList())),
          taus.get(0).source());
      EvaluationReport.Written w;
      try (Progress p = new Progress("evaluate", (long) dataset.size() * explainers.size(), 0, "images")) {
        w = EvaluationReport.evaluate(explainers, dataset, multi, settings, out, context, done -> p.step(done, ""));
      }
      System.out.println(w.table());
      if (w.partial() != null) {
        throw new Interruption.Interrupted("interrupted: " + (w.files().isEmpty() ? "no image was scored, nothing written"
            : "partial evaluation (" + w.partial() + ") written, marked partial, to " + out));
      }
      System.out.println("written: " + String.join(", ", w.files().stream().map(Path::toString).toList()));
    }
    return 0;
  }

  /** The data's classes must be the model's (by name; by count for a model whose classes are unnamed). */
  private static void checkClasses(LayeredModel m, Dataset dataset) {
    boolean unnamed = IntStream.range(0, m.classes().size()).allMatch(i -> m.classes().get(i).equals(Integer.toString(i)));
    if (m.classes().size() != dataset.classes().size() || !unnamed && !m.classes().equals(dataset.classes())) {
      throw new CamkitException("the data's classes " + dataset.classes() + " differ from the model's "
          + (unnamed ? m.classes().size() + " classes" : m.classes()));
    }
  }

  /** {@code --road}: "none", or comma-separated percentiles. */
  static io.camkit.evaluate.faithfulness.RoadOptions roadOptions(String text) {
    var d = io.camkit.evaluate.faithfulness.RoadOptions.defaults();
    if (text.trim().equalsIgnoreCase("none")) {
      return io.camkit.evaluate.faithfulness.RoadOptions.none();
    }
    int[] ps;
    try {
      ps = java.util.Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new io.camkit.core.CamkitException("--road takes comma-separated percentiles (1..99) or none, not '"
          + text + "'");
    }
    return new io.camkit.evaluate.faithfulness.RoadOptions(ps, d.noise(), d.seed(), d.batchSize());
  }
}
