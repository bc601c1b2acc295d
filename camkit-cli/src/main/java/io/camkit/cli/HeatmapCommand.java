package io.camkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.ImageFiles;
import io.camkit.core.ImageRegions;
import io.camkit.core.RgbImage;
import io.camkit.core.io.Npy;
import io.camkit.localize.PeakCounter;
import io.camkit.model.CamModel;
import io.camkit.model.fcn.FullyConvolutionalNet;
import io.camkit.model.fcn.ReceptiveField;
import io.camkit.model.fcn.ScoreGrid;
import io.camkit.model.fcn.TiledScorer;
import io.camkit.render.Overlay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code camkit heatmap}: per-class heat maps (and counts) over an image of any size. */
@Command(name = "heatmap", mixinStandardHelpOptions = true,
    description = {"Run a camkit model fully convolutionally over an image of any size (in overlapping tiles"
        + " when it exceeds --tile; the result equals one pass) and write, into --out: scores.npy (raw class"
        + " scores, float32 [C, H', W']), probabilities.npy (their softmax over classes at each location),"
        + " heatmap.json (grid geometry: location (x', y') sees the window starting at stride·x' − padding,"
        + " of receptiveField pixels), and CLASS-heat.png (the probability laid over a preview of the image)."
        + " With --count: objects counted as probability peaks, printed and written to counts.json."})
final class HeatmapCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--model", required = true, description = "camkit model folder (any --arch)")
  Path model;

  @Option(names = "--image", required = true, description = "the image (any size; decoded a tile at a time)")
  Path image;

  @Option(names = "--out", description = "output folder (default: IMAGE-NAME-heatmap)")
  Path out;

  @Option(names = "--tile", description = "largest tile side in input pixels; the image goes in one pass when it"
      + " fits (default: ${DEFAULT-VALUE})")
  int tile = 1024;

  @Option(names = "--classes", split = ",", description = "classes to draw and count (default: all)")
  List<String> classes;

  @Option(names = "--count", description = "count objects: local maxima of each class's probability above"
      + " --threshold, at least --min-distance apart")
  boolean count;

  @Option(names = "--threshold", description = "least probability of a counted peak (default: ${DEFAULT-VALUE})")
  double threshold = 0.5;

  @Option(names = "--min-distance", description = "least distance between two counted peaks of a class, image"
      + " pixels (default: half the model's training image size)")
  Double minDistance;

  @Option(names = "--overlay-size", description = "longer side of the overlay PNGs (default: ${DEFAULT-VALUE})")
  int overlaySize = 1600;

  @Option(names = "--stats", description = "print wall time, peak Java heap and peak process RSS (VmHWM)")
  boolean stats;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    if (tile < 1 || overlaySize < 16 || !(threshold >= 0 && threshold <= 1) || (minDistance != null && !(minDistance >= 0))) {
      throw new CamkitException("--tile must be ≥ 1, --overlay-size ≥ 16, --threshold in [0, 1], --min-distance ≥ 0");
    }
    if (!Files.isDirectory(model)) {
      throw new CamkitException("heatmap needs a camkit model folder (TorchScript is not supported): " + model);
    }
    Path dir = out != null ? out : Path.of(stem(image) + "-heatmap");
    try (CamModel m = CamModel.load(model);
        FullyConvolutionalNet fcn = FullyConvolutionalNet.of(m);
        ImageRegions src = ImageRegions.open(image)) {
      List<Integer> selected = select(m.classes());
      fcn.checkInput(src.width(), src.height());
      ReceptiveField rf = fcn.receptiveField();
      int tiles = TiledScorer.tiles(fcn, src, tile);
      System.out.printf(Locale.ROOT, "%s: %d×%d, %s model, stride %d, receptive field %d, %d tile(s)%n",
          image, src.width(), src.height(), m.options().arch(), rf.stride(), rf.size(), tiles);
      ScoreGrid scores;
      try (Progress p = new Progress("heatmap", tiles, 0, "tiles")) {
        scores = TiledScorer.score(fcn, src, tile, (d, t) -> p.step(d, "tile " + d + "/" + t));
      }
      ScoreGrid probs = scores.softmax();
      Files.createDirectories(dir);
      long[] shape = {scores.classes(), scores.height(), scores.width()};
      new Npy(shape, scores.values()).write(dir.resolve("scores.npy"));
      new Npy(shape, probs.values()).write(dir.resolve("probabilities.npy"));
      writeOverlays(src, probs, rf, m.classes(), selected, dir);
      ObjectNode meta = describe(src, m, rf, scores, tiles);
      if (count) {
        double d = minDistance != null ? minDistance : m.options().imageSize() / 2.0;
        meta.set("counts", count(probs, rf, m.classes(), selected, d, dir));
      }
      AtomicFiles.writeString(dir.resolve("heatmap.json"), JSON.writeValueAsString(meta));
    }
    System.out.println("heat maps -> " + dir);
    if (stats) {
      printStats((System.nanoTime() - t0) / 1e9);
    }
    return 0;
  }

  private List<Integer> select(List<String> names) {
    List<Integer> out = new ArrayList<>();
    if (classes == null) {
      for (int c = 0; c < names.size(); c++) {
        out.add(c);
      }
      return out;
    }
    for (String n : classes) {
      int c = names.indexOf(n.trim());
      if (c < 0) {
        throw new CamkitException("unknown class '" + n + "'; the model knows " + names);
      }
      out.add(c);
    }
    return out;
  }

  private void writeOverlays(ImageRegions src, ScoreGrid probs, ReceptiveField rf, List<String> names,
      List<Integer> selected, Path dir) throws java.io.IOException {
    RgbImage preview = src.preview(overlaySize);
    double f = (double) src.width() / preview.width();
    f = Math.round(f); // the preview keeps every f-th pixel
    for (int c : selected) {
      var map = probs.atPixels(c, rf, preview.width(), preview.height(), f);
      ImageFiles.writePng(Overlay.render(preview, map, 0.5, List.of(), Optional.empty(), 1),
          dir.resolve(names.get(c) + "-heat.png"));
    }
  }

  private ObjectNode describe(ImageRegions src, CamModel m, ReceptiveField rf, ScoreGrid g, int tiles) {
    ObjectNode n = JSON.createObjectNode();
    n.put("image", image.toString()).put("width", src.width()).put("height", src.height());
    n.put("model", model.toString()).put("arch", m.options().arch()).put("trainingSize", m.options().imageSize());
    ArrayNode cls = n.putArray("classes");
    m.classes().forEach(cls::add);
    ObjectNode grid = n.putObject("grid");
    grid.put("width", g.width()).put("height", g.height()).put("stride", rf.stride())
        .put("receptiveField", rf.size()).put("padding", rf.padding()).put("firstCentre", rf.centre(0));
    grid.put("layout", "[C, H', W'] float32, C order; location (x', y') sees pixels [stride·x' − padding,"
        + " stride·x' − padding + receptiveField) (same in y), centred at firstCentre + stride·x'");
    n.put("scores", "scores.npy: raw class scores (logits of the classifier on each window for cnn-flatten,"
        + " pre-pooling class maps w·f + b for GAP and class-map heads)");
    n.put("probabilities", "probabilities.npy: softmax over classes at each location");
    n.put("tile", tile).put("tiles", tiles);
    return n;
  }

  private ObjectNode count(ScoreGrid probs, ReceptiveField rf, List<String> names, List<Integer> selected,
      double distancePx, Path dir) throws java.io.IOException {
    PeakCounter counter = new PeakCounter(threshold, distancePx / rf.stride());
    ObjectNode root = JSON.createObjectNode();
    root.put("threshold", threshold).put("minDistance", distancePx);
    ObjectNode perClass = root.putObject("classes");
    int total = 0;
    for (int c : selected) {
      List<PeakCounter.Peak> peaks = counter.peaks(probs.plane(c));
      ObjectNode k = perClass.putObject(names.get(c));
      k.put("count", peaks.size());
      ArrayNode arr = k.putArray("peaks");
      for (PeakCounter.Peak p : peaks) {
        arr.addObject().put("x", rf.centre(p.x())).put("y", rf.centre(p.y())).put("probability", p.value());
      }
      System.out.printf(Locale.ROOT, "%-10s %6d%n", names.get(c), peaks.size());
      total += peaks.size();
    }
    root.put("total", total);
    System.out.printf(Locale.ROOT, "%-10s %6d (threshold %.2f, min distance %.1f px)%n", "total", total, threshold, distancePx);
    AtomicFiles.writeString(dir.resolve("counts.json"), JSON.writeValueAsString(root));
    ObjectNode summary = root.deepCopy();
    summary.remove("classes");
    return summary;
  }

  private static String stem(Path p) {
    return p.getFileName().toString().replaceFirst("\\.[^.]*$", "");
  }

  /** Wall time, the sum of the heap pools' peak use, and the kernel's peak resident set size. */
  static void printStats(double seconds) {
    long heap = 0;
    for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        heap += pool.getPeakUsage().getUsed();
      }
    }
    String hwm = "n/a";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = String.format(Locale.ROOT, "%.0f MiB", Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // not Linux: no VmHWM
    }
    System.out.printf(Locale.ROOT, "stats: wall %.1f s, peak heap %.0f MiB, peak RSS (VmHWM) %s%n",
        seconds, heap / 1048576.0, hwm);
  }
}
