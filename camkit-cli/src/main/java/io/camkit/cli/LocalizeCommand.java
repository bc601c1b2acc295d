package io.camkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.HeatMap;
import io.camkit.core.ImageFiles;
import io.camkit.core.RgbImage;
import io.camkit.evaluate.Reports;
import io.camkit.explain.method.CamMethod;
import io.camkit.explain.method.CamMethods;
import io.camkit.explain.method.ClassMap;
import io.camkit.explain.target.TargetSelector;
import io.camkit.interop.Models;
import io.camkit.model.layers.LayeredModel;
import io.camkit.localize.Localization;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.render.Overlay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code camkit localize}: heat maps and boxes for an image or every image of a folder. */
@Command(name = "localize", mixinStandardHelpOptions = true,
    description = "For an image or each image in a folder: the heat-map overlay (NAME-cam.png), the mask of the"
        + " largest component above τ (NAME-mask.png) and its box (NAME.json, COCO [x, y, w, h]).")
final class LocalizeCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--model", required = true,
      description = "camkit model folder, or a TorchScript .pt / ONNX .onnx file with its .json card")
  Path model;

  @Option(names = "--card", description = "with a TorchScript or ONNX model: its card (default: beside the model)")
  Path card;

  @Parameters(index = "0", description = "an image file or a folder of images")
  Path input;

  @Option(names = "--out", required = true, description = "output folder")
  Path out;

  @Option(names = "--tau", description = "CAM threshold (default: ${DEFAULT-VALUE})")
  double tau = ThresholdLocalizer.DEFAULT_TAU;

  @Option(names = "--class", description = "explain this class (name) instead of the predicted one")
  String className;

  @Option(names = "--method", description = "cam, gradcam, gradcampp, smoothgradcampp, scorecam, xgradcam, layercam,"
      + " hirescam (default: ${DEFAULT-VALUE})")
  String method = "cam";

  @Option(names = "--layer", description = "target layer (see camkit layers; default: the last conv layer)")
  String layer;

  @Override
  public Integer call() throws Exception {
    List<Path> files = listInputs(input);
    ThresholdLocalizer localizer = new ThresholdLocalizer(tau);
    CamMethod cm = CamMethods.byName(method);
    int done = 0;
    int skipped = 0;
    try (LayeredModel m = Models.open(model, card)) {
      String target = layer == null ? m.defaultLayer() : m.layer(layer).name();
      int forced = className == null ? -1 : m.classes().indexOf(className);
      if (className != null && forced < 0) {
        throw new CamkitException("unknown class '" + className + "'; the model knows " + m.classes());
      }
      TargetSelector selector = forced >= 0 ? TargetSelector.classIndex(forced) : TargetSelector.predicted();
      ArrayNode summary = JSON.createArrayNode();
      for (Path f : files) {
        RgbImage img;
        try {
          img = ImageFiles.read(f);
        } catch (CamkitException e) {
          System.err.println("skipped: " + e.getMessage());
          skipped++;
          continue;
        }
        ClassMap cmap = cm.explain(m, List.of(img), target, selector).get(0);
        int cls = cmap.classIndex();
        if (cmap.isDegenerate()) {
          System.err.println("warning: " + f + ": the " + cm.name() + " map of " + m.classes().get(cls)
              + " is NaN or has no positive value; drawn as zeros");
        }
        HeatMap map = cmap.upsampled(img.width(), img.height());
        Localization loc = localizer.localizeNormalised(map);
        String stem = f.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        int scale = Math.max(1, 256 / Math.max(img.width(), img.height()));
        ImageFiles.writePng(Overlay.render(img, map, 0.5, List.of(), loc.box(), scale), out.resolve(stem + "-cam.png"));
        ImageFiles.writePng(loc.component().toBufferedImage(), out.resolve(stem + "-mask.png"));
        ObjectNode n = JSON.createObjectNode();
        n.put("image", f.toString()).put("class", m.classes().get(cls)).put("probability", cmap.probability())
            .put("method", cm.name()).put("layer", target).put("resolution", cmap.resolution()).put("tau", tau);
        loc.box().ifPresent(b -> n.set("box", Reports.boxJson(b)));
        AtomicFiles.writeString(out.resolve(stem + ".json"), JSON.writeValueAsString(n));
        summary.add(n);
        done++;
      }
      AtomicFiles.writeString(out.resolve("localizations.json"), JSON.writeValueAsString(summary));
    }
    System.out.println("localized " + done + " image(s)" + (skipped > 0 ? ", skipped " + skipped : "") + " -> " + out);
    return done == 0 ? Camkit.USER_ERROR : 0;
  }

  private static List<Path> listInputs(Path input) throws java.io.IOException {
    if (Files.isRegularFile(input)) {
      return List.of(input);
    }
    if (!Files.isDirectory(input)) {
      throw new CamkitException("no such image or folder: " + input);
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(input)) {
      s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(files::add);
    }
    if (files.isEmpty()) {
      throw new CamkitException("the folder " + input + " holds no file");
    }
    return files;
  }
}
