package io.camkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.ImageFiles;
import io.camkit.core.ImageRegions;
import io.camkit.core.PeakMemory;
import io.camkit.core.RgbImage;
import io.camkit.core.io.Npy;
import io.camkit.localize.CountScore;
import io.camkit.localize.ObjectCounter;
import io.camkit.localize.PeakCounter;
import io.camkit.model.CamModel;
import io.camkit.model.ModelCard;
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
        + " With --count: objects counted as probability peaks, printed and written to counts.json, drawn in"
        + " peaks.png (the whole image, downscaled) and peaks-detail.png (its top-left corner at full size); a model"
        + " trained with a background class (train --background-class) counts the peaks of 1 − p(background), each"
        + " as its most probable class; with the image's true counts (--truth, or the mosaic.json beside a"
        + " generated mosaic) the count error per class is printed too."})
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

  @Option(names = "--count", description = "count objects: with a background class, local maxima of 1 − p(background)"
      + " above --threshold, at least --min-distance apart, each of its most probable class; without one, local"
      + " maxima of each class's probability")
  boolean count;

  @Option(names = "--threshold", description = "least probability (1 − p(background) with a background class) of a"
      + " counted peak (default: " + DEFAULT_THRESHOLD + ")")
  Double threshold;

  @Option(names = "--min-distance", description = "least distance between two counted peaks, image pixels (default:"
      + " 5/12 of the model's training image size with a background class, 20 px for 48-px crops; else half)")
  Double minDistance;

  @Option(names = "--window", description = "average each class's scores over K×K grid locations before the softmax"
      + " (probabilities.npy, the overlays and --count use the averaged ones; scores.npy stays raw): for a GAP head, K ="
      + " training size ÷ stride gives the classifier's own window; smaller K smooths (default: 1, each"
      + " location's own scores; with a background class and a GAP or class-map head: half the training window,"
      + " training size ÷ stride ÷ 2, 6 for 48-px camnet crops)")
  Integer window;

  @Option(names = "--fit-class-offsets", description = "with --count, a background class and the truth: fit per-class"
      + " log offsets that make the peaks' class decisions match the true counts on this (validation) image, write"
      + " them to class-offsets.json, and count with them; give that file to --class-offsets on other images")
  boolean fitClassOffsets;

  @Option(names = "--class-offsets", description = "with --count and a background class: the class-offsets.json of"
      + " --fit-class-offsets; each peak is then the class of largest log p + offset (the peaks do not move)")
  Path classOffsets;

  @Option(names = "--truth", description = "with --count: the image's objects, a mosaic.json of generate --mosaic"
      + " (default: mosaic.json beside the image, when there is one), to print the count error per class")
  Path truth;

  /**
   * Default τ with a background class: chosen on a validation mosaic (generate --mosaic --split val), see
   * docs/BENCHMARKS.md; without one, the old 0.5 on each class's probability.
   */
  static final double DEFAULT_THRESHOLD = 0.5;

  /**
   * Default least peak distance with a background class, as a fraction of the training size (20 px at
   * 48 px): chosen with the threshold and the window on a validation mosaic, see docs/BENCHMARKS.md.
   */
  static final double DEFAULT_DISTANCE = 5.0 / 12;

  @Option(names = "--overlay-size", description = "longer side of the overlay PNGs (default: ${DEFAULT-VALUE})")
  int overlaySize = 1600;

  @Option(names = "--stats", description = "print wall time, peak Java heap and peak process RSS (VmHWM)")
  boolean stats;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    if (tile < 1 || (window != null && window < 1) || overlaySize < 16 || (threshold != null && !(threshold >= 0 && threshold <= 1))
        || (minDistance != null && !(minDistance >= 0))) {
      throw new CamkitException("--tile and --window must be ≥ 1, --overlay-size ≥ 16, --threshold in [0, 1], --min-distance ≥ 0");
    }
    if (!Files.isDirectory(model)) {
      throw new CamkitException("heatmap needs a camkit model folder (TorchScript is not supported): " + model);
    }
    if (truth != null && !count) {
      throw new CamkitException("--truth gives the true counts to compare with: add --count");
    }
    if (truth != null && !Files.isRegularFile(truth)) {
      throw new CamkitException("no such truth file: " + truth + " (expected the mosaic.json of generate --mosaic)");
    }
    if ((fitClassOffsets || classOffsets != null) && !count) {
      throw new CamkitException("--fit-class-offsets and --class-offsets change how --count decides classes: add --count");
    }
    if (fitClassOffsets && classOffsets != null) {
      throw new CamkitException("--fit-class-offsets fits offsets, --class-offsets applies fitted ones: give one of them");
    }
    if (classOffsets != null && !Files.isRegularFile(classOffsets)) {
      throw new CamkitException("no such class offsets file: " + classOffsets + " (write one with --fit-class-offsets)");
    }
    ModelCard card = ModelCard.read(model);
    if ((fitClassOffsets || classOffsets != null) && card.backgroundIndex() < 0) {
      throw new CamkitException("class offsets need a model with a background class (train --background-class); "
          + model + " has none");
    }
    Path truthFile = !count ? null : truth != null ? truth : beside(image);
    if (fitClassOffsets && truthFile == null) {
      throw new CamkitException("--fit-class-offsets needs the true counts: give --truth mosaic.json");
    }
    List<CountScore.Truth> known = truthFile == null ? null : readTruth(truthFile, card.classes());
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
      if (window == null) {
        window = card.backgroundIndex() >= 0 && !m.options().arch().equals("cnn-flatten")
            ? Math.max(1, (int) Math.round(m.options().imageSize() / (2.0 * rf.stride()))) : 1;
      }
      ScoreGrid probs = scores.windowMean(window).softmax();
      Files.createDirectories(dir);
      long[] shape = {scores.classes(), scores.height(), scores.width()};
      new Npy(shape, scores.values()).write(dir.resolve("scores.npy"));
      new Npy(shape, probs.values()).write(dir.resolve("probabilities.npy"));
      writeOverlays(src, probs, rf, m.classes(), selected, dir);
      ObjectNode meta = describe(src, m, rf, scores, tiles);
      if (count) {
        int background = card.backgroundIndex();
        double d = minDistance != null ? minDistance
            : m.options().imageSize() * (background >= 0 ? DEFAULT_DISTANCE : 0.5);
        double tau = threshold != null ? threshold : DEFAULT_THRESHOLD;
        ObjectNode counted = background >= 0
            ? countObjects(probs, rf, m.classes(), selected, background, tau, d, known, dir)
            : count(probs, rf, m.classes(), selected, tau, d, known);
        if (known != null) {
          counted.put("truth", truthFile.toString());
        }
        AtomicFiles.writeString(dir.resolve("counts.json"), JSON.writeValueAsString(counted));
        CountPictures.write(src, counted, m.classes(), known, overlaySize, dir);
        ObjectNode summary = counted.deepCopy();
        summary.remove("classes");
        summary.remove("peaks");
        meta.set("counts", summary);
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
    n.put("probabilities", window == 1 ? "probabilities.npy: softmax over classes at each location"
        : "probabilities.npy: softmax over classes of the scores averaged over " + window + "×" + window
        + " locations around each location");
    n.put("window", window);
    n.put("tile", tile).put("tiles", tiles);
    return n;
  }

  /** Without a background class: the peaks of each selected class's probability, class by class. */
  private ObjectNode count(ScoreGrid probs, ReceptiveField rf, List<String> names, List<Integer> selected,
      double tau, double distancePx, List<CountScore.Truth> known) {
    PeakCounter counter = new PeakCounter(tau, distancePx / rf.stride());
    ObjectNode root = JSON.createObjectNode();
    root.put("mode", "per class: peaks of each class's probability (the model has no background class)");
    root.put("threshold", tau).put("minDistance", distancePx);
    ObjectNode perClass = root.putObject("classes");
    List<CountScore.Point> points = new ArrayList<>();
    int total = 0;
    for (int c : selected) {
      List<PeakCounter.Peak> peaks = counter.peaks(probs.plane(c));
      ObjectNode k = perClass.putObject(names.get(c));
      k.put("count", peaks.size());
      ArrayNode arr = k.putArray("peaks");
      for (PeakCounter.Peak p : peaks) {
        arr.addObject().put("x", rf.centre(p.x())).put("y", rf.centre(p.y())).put("probability", p.value());
        points.add(new CountScore.Point(rf.centre(p.x()), rf.centre(p.y()), c));
      }
      total += peaks.size();
    }
    root.put("total", total);
    report(root, points, known, names, selected, -1, tau, distancePx);
    return root;
  }

  /**
   * With a background class: the peaks of {@code 1 − p(background)} across classes, each counted
   * once as its most probable class; only the selected classes are kept.
   */
  private ObjectNode countObjects(ScoreGrid probs, ReceptiveField rf, List<String> names, List<Integer> selected,
      int background, double tau, double distancePx, List<CountScore.Truth> known, Path dir) {
    ObjectCounter counter = new ObjectCounter(tau, distancePx / rf.stride());
    double[] offsets = new double[names.size()];
    String offsetsSource = null;
    if (classOffsets != null) {
      offsets = readOffsets(classOffsets, names, background);
      offsetsSource = classOffsets.toString();
    }
    List<ObjectCounter.Detection> found =
        counter.detect(probs.classes(), probs.width(), probs.height(), probs.values(), background, offsets);
    if (fitClassOffsets) {
      List<float[]> at = new ArrayList<>();
      for (ObjectCounter.Detection d : found) {
        float[] p = new float[names.size()];
        for (int c = 0; c < p.length; c++) {
          p[c] = probs.get(c, d.x(), d.y());
        }
        at.add(p);
      }
      int[] trueCounts = new int[names.size()];
      known.forEach(t -> trueCounts[t.classIndex()]++);
      offsets = ObjectCounter.fitOffsets(at, trueCounts, background);
      found = counter.detect(probs.classes(), probs.width(), probs.height(), probs.values(), background, offsets);
      ObjectNode f = JSON.createObjectNode();
      f.put("kind", "camkit class offsets").put("model", model.toString()).put("fittedOn", image.toString())
          .put("truth", (truth != null ? truth : beside(image)).toString()).put("threshold", tau)
          .put("minDistance", distancePx).put("window", window).put("peaks", found.size());
      ObjectNode o = f.putObject("offsets");
      for (int c = 0; c < names.size(); c++) {
        if (c != background) {
          o.put(names.get(c), offsets[c]);
        }
      }
      try {
        AtomicFiles.writeString(dir.resolve("class-offsets.json"), JSON.writeValueAsString(f));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      offsetsSource = "fitted here: " + dir.resolve("class-offsets.json");
      System.out.println("class offsets fitted on this image's true counts (so its class errors are ~0 by"
          + " construction) -> " + dir.resolve("class-offsets.json"));
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("mode", "objects: peaks of 1 − p(" + names.get(background) + "), each of its most probable class"
        + (offsetsSource != null ? " after class offsets" : ""));
    root.put("backgroundClass", names.get(background));
    root.put("window", window);
    if (offsetsSource != null) {
      root.put("classOffsets", offsetsSource);
      ObjectNode o = root.putObject("offsets");
      for (int c = 0; c < names.size(); c++) {
        if (c != background) {
          o.put(names.get(c), offsets[c]);
        }
      }
    }
    root.put("threshold", tau).put("minDistance", distancePx);
    ObjectNode perClass = root.putObject("classes");
    for (int c : selected) {
      if (c != background) {
        perClass.putObject(names.get(c)).put("count", 0);
      }
    }
    ArrayNode arr = root.putArray("peaks");
    List<CountScore.Point> points = new ArrayList<>();
    for (ObjectCounter.Detection d : found) {
      if (!selected.contains(d.classIndex())) {
        continue;
      }
      ObjectNode k = (ObjectNode) perClass.get(names.get(d.classIndex()));
      k.put("count", k.get("count").asInt() + 1);
      arr.addObject().put("x", rf.centre(d.x())).put("y", rf.centre(d.y())).put("class", names.get(d.classIndex()))
          .put("objectness", d.objectness()).put("probability", d.probability());
      points.add(new CountScore.Point(rf.centre(d.x()), rf.centre(d.y()), d.classIndex()));
    }
    root.put("total", points.size());
    report(root, points, known, names, selected, background, tau, distancePx);
    return root;
  }

  /** Prints the counts (and, with the truth, the error per class) and adds the truth's figures to {@code root}. */
  private static void report(ObjectNode root, List<CountScore.Point> points, List<CountScore.Truth> known,
      List<String> names, List<Integer> selected, int background, double tau, double distancePx) {
    ObjectNode perClass = (ObjectNode) root.get("classes");
    if (known == null) {
      for (int c : selected) {
        if (c != background) {
          System.out.printf(Locale.ROOT, "%-10s %6d%n", names.get(c), perClass.path(names.get(c)).path("count").asInt());
        }
      }
      System.out.printf(Locale.ROOT, "%-10s %6d (threshold %.2f, min distance %.1f px)%n", "total",
          root.get("total").asInt(), tau, distancePx);
      return;
    }
    CountScore.Line[] lines = CountScore.score(points, known, names.size());
    System.out.printf(Locale.ROOT, "%-10s %9s %6s %8s %8s%n", "class", "predicted", "true", "error", "located");
    int p = 0;
    int t = 0;
    int l = 0;
    double worst = 0;
    for (int c : selected) {
      if (c == background) {
        continue;
      }
      CountScore.Line line = lines[c];
      ObjectNode k = (ObjectNode) perClass.get(names.get(c));
      k.put("true", line.truth()).put("located", line.located());
      if (line.truth() > 0) {
        k.put("error", line.error());
        worst = Math.max(worst, Math.abs(line.error()));
      }
      System.out.printf(Locale.ROOT, "%-10s %9d %6d %8s %8d%n", names.get(c), line.predicted(), line.truth(),
          pct(line.error()), line.located());
      p += line.predicted();
      t += line.truth();
      l += line.located();
    }
    CountScore.Line all = new CountScore.Line(p, t, l);
    root.put("trueTotal", t).put("located", l).put("maxAbsError", worst);
    if (t > 0) {
      root.put("error", all.error());
    }
    System.out.printf(Locale.ROOT, "%-10s %9d %6d %8s %8d (threshold %.2f, min distance %.1f px; largest class error"
        + " %s; located: inside a true box of its class)%n", "total", p, t, pct(all.error()), l, tau, distancePx,
        String.format(Locale.ROOT, "%.1f %%", 100 * worst));
  }

  private static String pct(double e) {
    return Double.isNaN(e) ? "–" : String.format(Locale.ROOT, "%+.1f %%", 100 * e);
  }

  /** The offsets of a class-offsets.json, for the model's classes (a class it does not name: 0). */
  static double[] readOffsets(Path file, List<String> names, int background) {
    com.fasterxml.jackson.databind.JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (java.io.IOException e) {
      throw new CamkitException("cannot read the class offsets " + file + ": " + e.getMessage(), e);
    }
    var o = root.path("offsets");
    if (!o.isObject()) {
      throw new CamkitException("the class offsets file " + file + " has no offsets object (write one with"
          + " --fit-class-offsets)");
    }
    double[] out = new double[names.size()];
    var it = o.fields();
    while (it.hasNext()) {
      var e = it.next();
      int c = names.indexOf(e.getKey());
      if (c < 0 || c == background || !e.getValue().isNumber()) {
        throw new CamkitException("the class offsets file " + file + " has an offset for '" + e.getKey()
            + "', not a counted class of this model " + names);
      }
      out[c] = e.getValue().asDouble();
    }
    return out;
  }

  /** The mosaic.json beside a generated mosaic's image, or null. */
  private static Path beside(Path image) {
    Path dir = image.toAbsolutePath().getParent();
    Path f = dir == null ? null : dir.resolve("mosaic.json");
    return f != null && Files.isRegularFile(f) && image.getFileName().toString().equals("mosaic.png") ? f : null;
  }

  /** The objects of a mosaic.json ({@code objects: [{class, box: [x, y, w, h]}]}) as class indices of the model. */
  static List<CountScore.Truth> readTruth(Path file, List<String> names) {
    com.fasterxml.jackson.databind.JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (java.io.IOException e) {
      throw new CamkitException("cannot read the truth file " + file + ": " + e.getMessage(), e);
    }
    if (!root.path("objects").isArray()) {
      throw new CamkitException("the truth file " + file + " has no objects list (expected generate --mosaic's"
          + " mosaic.json)");
    }
    List<CountScore.Truth> out = new ArrayList<>();
    for (var o : root.path("objects")) {
      String cls = o.path("class").asText();
      int c = names.indexOf(cls);
      var b = o.path("box");
      if (c < 0 || b.size() != 4) {
        throw new CamkitException("the truth file " + file + " has an object of class '" + cls + "', not one of the"
            + " model's classes " + names + ", or a box that is not [x, y, w, h]");
      }
      out.add(new CountScore.Truth(io.camkit.core.Box.fromXywh(b.get(0).asDouble(), b.get(1).asDouble(),
          b.get(2).asDouble(), b.get(3).asDouble()), c));
    }
    return out;
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
    String hwm = PeakMemory.describe();
    System.out.printf(Locale.ROOT, "stats: wall %.1f s, peak heap %.0f MiB, peak RSS (VmHWM) %s%n",
        seconds, heap / 1048576.0, hwm);
  }
}
