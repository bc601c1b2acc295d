package io.camkit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.CamkitException;
import io.camkit.core.DataProblem;
import io.camkit.core.Interruption;
import io.camkit.dataset.io.CubFormat;
import io.camkit.dataset.io.DataProblems;
import io.camkit.explain.target.TargetSelector;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.FileResults;
import io.camkit.pipeline.ImageInputs;
import io.camkit.render.ResultFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code camkit localize}: heat maps and boxes for images and folders of images. */
@Command(name = "localize", mixinStandardHelpOptions = true,
    description = "For each image (files, or every image of a folder): the heat-map overlay (NAME-cam.png), the mask"
        + " of the largest component above τ (NAME-mask.png; with --mask every pixel ≥ τ) and its box and the top classes (NAME.json, COCO"
        + " [x, y, w, h]); localizations.json holds them all.")
final class LocalizeCommand implements Callable<Integer> {
  @Mixin MapMixin map;

  @Mixin CubMixin cub;

  @Parameters(arity = "1..*", paramLabel = "INPUT", description = "image files or folders of images, or a"
      + " CUB-200-2011 folder (the images of --cub-part)")
  List<Path> inputs;

  @Option(names = "--out", required = true, description = "output folder")
  Path out;

  @Option(names = "--class", description = "explain this class (name) instead of the predicted one")
  String className;

  @Option(names = "--top-k", description = "explain the k best classes of each image (default: 1, the predicted)")
  int topK = 1;

  @Option(names = "--region", description = "with --class: explain the class's maps summed over this region (a PNG"
      + " whose non-black pixels are the region, any size; a segmentation target: needs a class-map head)")
  Path region;

  @Option(names = "--output", description = "explain raw output K (a regression or single-output model) instead of a"
      + " class")
  Integer output;

  @Option(names = "--method", description = "cam, gradcam, gradcampp, smoothgradcampp, scorecam, xgradcam, layercam,"
      + " hirescam, augmentedgradcam, eigencam, eigengradcam, ablationcam, fullgrad, sscam, iscam (default: the method"
      + " and --tta the model's calibration prefers, chosen on its validation split; else cam)")
  String method;

  @Option(names = "--strict", description = "skip damaged images that decode only in part (default: explain them, with"
      + " a warning)")
  boolean strict;

  @Option(names = "--mask", description = "NAME-mask.png is the binary mask at τ: every pixel of the map ≥ τ, all"
      + " components (default without --mask: the largest component only)")
  boolean mask;

  @Option(names = "--mask-largest", description = "with --mask: keep only the largest connected component")
  boolean maskLargest;

  @Override
  public Integer call() throws Exception {
    if (maskLargest && !mask) {
      throw new CamkitException("--mask-largest goes with --mask");
    }
    ResultFiles.MaskKind maskKind = mask && !maskLargest ? ResultFiles.MaskKind.ALL : ResultFiles.MaskKind.LARGEST;
    if (io.camkit.model.supervised.SupervisedCard.isSupervised(map.model)) { // its own boxes or masks
      List<Path> all = new ArrayList<>();
      for (Path in : inputs) {
        all.addAll(Files.isDirectory(in) && CubFormat.isCub(in) ? CubFormat.imageFiles(in, cub.part(), cub.selection())
            : List.of(in));
      }
      return SupervisedRuns.localize(map.model, ImageInputs.list(all), map.tau, out);
    }
    if (method != null) {
      map.tau(method); // an unknown method fails first, before any file is listed
    }
    List<Path> paths = new ArrayList<>();
    for (Path in : inputs) { // a CUB-200-2011 folder: the images of its chosen part
      paths.addAll(Files.isDirectory(in) && CubFormat.isCub(in) ? CubFormat.imageFiles(in, cub.part(), cub.selection())
          : List.of(in));
    }
    List<Path> files = ImageInputs.list(paths);
    if (className != null && topK != 1) {
      throw new CamkitException("--class and --top-k exclude each other");
    }
    List<ObjectNode> summary = new ArrayList<>();
    List<DataProblem> problems = new ArrayList<>();
    int[] skipped = {0};
    int done;
    try (LayeredModel m = map.open()) {
      String method = map.methodsOrPreferred(this.method == null ? null : List.of(this.method), m, region == null)
          .get(0);
      Calibration.TauChoice choice = map.tau(method);
      Explainer explainer = new Explainer(m, map.request(m, method, choice).withTargets(targets(m)));
      Files.createDirectories(out);
      System.out.println("τ = " + choice.tau() + " (" + choice.source() + ")");
      try (Progress p = new Progress("localize", files.size(), 0, "images")) {
        int[] seen = {0};
        done = FileResults.explain(explainer, files, strict, new FileResults.Sink() {
          @Override
          public void accept(Path file, io.camkit.core.RgbImage image, io.camkit.pipeline.ImageResult r)
              throws Exception {
            if (r.classes().stream().anyMatch(io.camkit.pipeline.ClassResult::degenerate)) {
              System.err.println("warning: " + file + ": a " + r.first().provenance().method()
                  + " map is NaN or has no positive value; drawn as zeros");
            }
            summary.add(ResultFiles.write(out, ResultFiles.stem(file), image, r, 0.5, maskKind));
            p.step(++seen[0] + skipped[0], "");
          }

          @Override
          public void skipped(Path file, String reason) {
            System.err.println("skipped: " + reason);
            problems.add(new DataProblem(file.toString(), DataProblem.Kind.UNREADABLE_IMAGE, reason, true));
            skipped[0]++;
          }

          @Override
          public void partial(Path file, String reason) {
            System.err.println("warning: " + reason + "; explained as decoded (--strict skips it)");
            problems.add(new DataProblem(file.toString(), DataProblem.Kind.PARTIAL_IMAGE, reason, false));
          }
        });
      }
      DataProblems.writeJson(done, problems, out.resolve(DataProblems.FILE));
      if (Interruption.requested()) {
        // Each image's files are complete; the summary says by its name that it is not.
        Files.deleteIfExists(out.resolve("localizations.json"));
        ResultFiles.writeSummary(out.resolve("localizations.partial.json"), summary);
        throw new Interruption.Interrupted("interrupted after " + done + " of " + files.size() + " image(s); their"
            + " outputs and localizations.partial.json are in " + out);
      }
      ResultFiles.writeSummary(out.resolve("localizations.json"), summary);
      Files.deleteIfExists(out.resolve("localizations.partial.json"));
    }
    System.out.println("localized " + done + " image(s)" + (skipped[0] > 0 ? ", skipped " + skipped[0] : "")
        + " -> " + out + (problems.isEmpty() ? "" : "; " + DataProblems.summary(done, problems)));
    return done == 0 ? Camkit.USER_ERROR : 0;
  }

  private TargetSelector targets(LayeredModel m) {
    if (output != null) {
      if (className != null || region != null) {
        throw new CamkitException("--output explains a raw output; it does not go with --class or --region");
      }
      return TargetSelector.of(new io.camkit.explain.target.OutputTarget(output));
    }
    if (region != null) {
      if (className == null) {
        throw new CamkitException("--region needs --class: the class whose maps are summed over the region");
      }
      io.camkit.core.RgbImage r = io.camkit.core.ImageFiles.read(region);
      boolean[] bits = new boolean[r.width() * r.height()];
      for (int y = 0; y < r.height(); y++) {
        for (int x = 0; x < r.width(); x++) {
          bits[y * r.width() + x] = r.get(x, y, 0) + r.get(x, y, 1) + r.get(x, y, 2) > 0;
        }
      }
      int c = m.classes().indexOf(className);
      if (c < 0) {
        throw new CamkitException("unknown class '" + className + "'; the model knows " + m.classes());
      }
      return TargetSelector.of(new io.camkit.explain.target.SegmentationTarget(c,
          new io.camkit.core.Mask(r.width(), r.height(), bits)));
    }
    if (className == null) {
      return TargetSelector.topK(Math.min(topK, m.classes().size()));
    }
    int c = m.classes().indexOf(className);
    if (c < 0) {
      throw new CamkitException("unknown class '" + className + "'; the model knows " + m.classes());
    }
    return TargetSelector.classIndex(c);
  }
}
