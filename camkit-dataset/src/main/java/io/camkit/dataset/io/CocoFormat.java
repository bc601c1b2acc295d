package io.camkit.dataset.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.AtomicFiles;
import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.core.DataProblem;
import io.camkit.core.ImageFiles;
import io.camkit.core.Mask;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.ImageRef;
import io.camkit.dataset.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Reads and writes a dataset as an image folder plus a COCO object-detection annotation file
 * ({@code annotations.json}: {@code images}, {@code annotations} with {@code bbox = [x, y, w, h]},
 * {@code categories}). Masks are written as COCO's uncompressed run-length encoding (column-major
 * {@code counts}, starting with a run of zeros), which pycocotools and other COCO readers decode.
 *
 * <p>Layout: {@code dir/annotations.json} and {@code dir/images/<id>.png}. The annotation file is
 * written last and atomically, so a folder that has one is complete.
 */
public final class CocoFormat {
  public static final String ANNOTATIONS = "annotations.json";
  /** Reads NaN and Infinity as Python's {@code json.dump} writes them, so a NaN box is one problem, not a parse error. */
  private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private CocoFormat() {}

  /** Writes the images (as PNG) and then the annotation file under {@code dir}. */
  public static void write(Dataset data, Path dir) throws IOException {
    Path images = dir.resolve("images");
    Files.createDirectories(images);
    try {
      IntStream.range(0, data.size())
          .parallel()
          .forEach(
              i -> {
                Sample s = data.get(i);
                try {
                  ImageFiles.writePng(s.image().toBufferedImage(), images.resolve(s.id() + ".png"));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    AtomicFiles.writeString(
        dir.resolve(ANNOTATIONS), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(data)));
  }

  static ObjectNode toJson(Dataset data) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("info").put("description", data.name()).put("version", "1.0");
    ArrayNode images = root.putArray("images");
    ArrayNode annotations = root.putArray("annotations");
    ArrayNode categories = root.putArray("categories");
    for (int c = 0; c < data.classes().size(); c++) {
      categories.addObject().put("id", c + 1).put("name", data.classes().get(c));
    }
    int annId = 1;
    for (int i = 0; i < data.size(); i++) {
      Sample s = data.get(i);
      images
          .addObject()
          .put("id", i + 1)
          .put("file_name", "images/" + s.id() + ".png")
          .put("width", s.width())
          .put("height", s.height());
      for (ObjectAnnotation o : s.objects()) {
        ObjectNode a = annotations.addObject();
        a.put("id", annId++).put("image_id", i + 1).put("category_id", o.classIndex() + 1);
        ArrayNode bbox = a.putArray("bbox");
        for (int v : o.box().toXywh()) {
          bbox.add(v);
        }
        a.put("area", o.mask().map(Mask::count).map(Long::valueOf).orElse(o.box().area()));
        a.put("iscrowd", 0);
        o.mask().ifPresent(m -> a.set("segmentation", encodeRle(m)));
      }
    }
    return root;
  }

  /** COCO uncompressed RLE: column-major runs, alternating 0 and 1, starting with 0. */
  static ObjectNode encodeRle(Mask m) {
    ObjectNode rle = JSON.createObjectNode();
    rle.putArray("size").add(m.height()).add(m.width());
    ArrayNode counts = rle.putArray("counts");
    boolean current = false;
    int run = 0;
    for (int x = 0; x < m.width(); x++) {
      for (int y = 0; y < m.height(); y++) {
        if (m.get(x, y) != current) {
          counts.add(run);
          run = 0;
          current = !current;
        }
        run++;
      }
    }
    counts.add(run);
    return rle;
  }

  static Mask decodeRle(JsonNode rle, Path file) {
    int h = rle.path("size").path(0).asInt(-1);
    int w = rle.path("size").path(1).asInt(-1);
    JsonNode counts = rle.path("counts");
    if (h <= 0 || w <= 0 || !counts.isArray()) {
      throw new CamkitException(file + ": a segmentation is not an uncompressed RLE with a size");
    }
    boolean[] bits = new boolean[w * h];
    int pos = 0;
    boolean value = false;
    for (JsonNode c : counts) {
      int run = c.asInt();
      if (run < 0 || pos + run > bits.length) {
        throw new CamkitException(file + ": RLE counts overrun a " + w + "x" + h + " mask");
      }
      for (int k = 0; k < run; k++, pos++) {
        if (value) {
          bits[(pos % h) * w + pos / h] = true;
        }
      }
      value = !value;
    }
    return new Mask(w, h, bits);
  }

  /** As {@link #read(Path, boolean)}, lenient: problems are reported in {@link Loaded#problems()}. */
  public static Loaded read(Path dir) {
    return read(dir, false);
  }

  /**
   * Reads a folder written by {@link #write} or by another COCO tool. Category ids map to class
   * indices in the order of the {@code categories} list. A missing or unparseable {@code
   * annotations.json} is an error; every other mistake is one {@link DataProblem} and the rest of
   * the file is used: an image that is missing or does not decode (skipped), one that decodes only
   * in part (kept), an annotation with an unknown category, a malformed bbox or segmentation, or a
   * box that is inverted, empty, NaN or wholly outside its image (the annotation is dropped; an
   * image left without annotations is skipped, and the annotation's problem says so).
   *
   * @param strict whether the first problem ends the read with a {@link CamkitException}
   */
  public static Loaded read(Path dir, boolean strict) {
    Path file = dir.resolve(ANNOTATIONS);
    if (!Files.isRegularFile(file)) {
      throw new CamkitException("no " + ANNOTATIONS + " in " + dir + " (is it a camkit/COCO dataset folder?)");
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new CamkitException("cannot parse " + file + ": " + e.getMessage(), e);
    }
    DataProblems problems = new DataProblems(strict);
    List<String> classes = new ArrayList<>();
    Map<Integer, Integer> categoryToClass = new HashMap<>();
    for (JsonNode c : root.path("categories")) {
      categoryToClass.put(c.path("id").asInt(), classes.size());
      classes.add(c.path("name").asText("class" + classes.size()));
    }
    Map<Integer, List<ObjectAnnotation>> objects = new LinkedHashMap<>();
    Map<Integer, List<DataProblem>> dropped = new LinkedHashMap<>();
    for (JsonNode a : root.path("annotations")) {
      int imageId = a.path("image_id").asInt();
      String entry = "annotation " + a.path("id") + " (image " + imageId + "): ";
      try {
        objects.computeIfAbsent(imageId, k -> new ArrayList<>()).add(annotation(a, categoryToClass, file));
      } catch (BadAnnotation e) {
        dropped.computeIfAbsent(imageId, k -> new ArrayList<>())
            .add(new DataProblem(file.toString(), e.kind, entry + e.getMessage(), false));
      }
    }
    List<Sample> samples = new ArrayList<>();
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (JsonNode img : root.path("images")) {
      int imageId = img.path("id").asInt();
      seen.add(imageId);
      String name = img.path("file_name").asText();
      List<DataProblem> bad = new ArrayList<>(dropped.getOrDefault(imageId, List.of()));
      List<ObjectAnnotation> objs = new ArrayList<>(objects.getOrDefault(imageId, List.of()));
      if (name.isEmpty()) {
        problems.report(file, DataProblem.Kind.BAD_ENTRY, "image " + img.path("id") + " has no file_name", true);
        continue;
      }
      Path imageFile = dir.resolve(name);
      if (objs.isEmpty() && bad.isEmpty()) {
        problems.report(imageFile, DataProblem.Kind.NO_ANNOTATION, "no annotation in " + ANNOTATIONS, true);
        continue;
      }
      ImageFiles.Decoded decoded;
      try {
        decoded = ImageFiles.decode(imageFile);
      } catch (ImageFiles.UnreadableImageException e) {
        problems.report(imageFile, e.missing() ? DataProblem.Kind.MISSING_IMAGE : DataProblem.Kind.UNREADABLE_IMAGE,
            e.reason(), true);
        bad.forEach(problems::report);
        continue;
      }
      RgbImage image = decoded.image();
      for (java.util.Iterator<ObjectAnnotation> it = objs.iterator(); it.hasNext(); ) {
        Box b = it.next().box();
        if (b.x1() <= 0 || b.y1() <= 0 || b.x0() >= image.width() || b.y0() >= image.height()) {
          it.remove();
          bad.add(new DataProblem(file.toString(), DataProblem.Kind.BAD_BOX, "box [" + b.x0() + ", " + b.y0()
              + ", " + b.width() + ", " + b.height() + "] of image " + imageId + " lies outside its "
              + image.width() + "x" + image.height() + " pixels", false));
        }
      }
      boolean skip = objs.isEmpty();
      for (DataProblem p : bad) {
        problems.report(skip ? new DataProblem(p.file(), p.kind(), p.reason() + "; " + name
            + " has no other annotation and is left out", true) : p);
      }
      if (skip) {
        continue;
      }
      if (decoded.partial()) {
        problems.report(imageFile, DataProblem.Kind.PARTIAL_IMAGE, decoded.partialReason(), false);
      }
      String id = Path.of(name).getFileName().toString().replaceFirst("\\.[^.]*$", "");
      samples.add(new Sample(id, ImageRef.file(imageFile, image), objs));
    }
    for (Map.Entry<Integer, List<ObjectAnnotation>> e : objects.entrySet()) {
      if (!seen.contains(e.getKey())) {
        problems.report(file, DataProblem.Kind.BAD_ENTRY, e.getValue().size() + " annotation(s) point at image id "
            + e.getKey() + ", which is not in images", false);
      }
    }
    if (samples.isEmpty()) {
      throw problems.nothingUsable("no readable annotated image in " + dir);
    }
    return new Loaded(new Dataset(dir.getFileName().toString(), classes, samples), problems.list());
  }

  /** One annotation entry as an object, or why it cannot be one. */
  private static ObjectAnnotation annotation(JsonNode a, Map<Integer, Integer> categoryToClass, Path file)
      throws BadAnnotation {
    Integer cls = categoryToClass.get(a.path("category_id").asInt());
    if (cls == null) {
      throw new BadAnnotation(DataProblem.Kind.UNKNOWN_CLASS, "category_id " + a.path("category_id")
          + " is not in categories");
    }
    JsonNode b = a.path("bbox");
    if (!b.isArray() || b.size() != 4) {
      throw new BadAnnotation(DataProblem.Kind.BAD_ENTRY, "bbox " + b + " is not [x, y, width, height]");
    }
    double[] v = new double[4];
    for (int k = 0; k < 4; k++) {
      JsonNode n = b.path(k);
      v[k] = n.isNumber() ? n.asDouble() : parse(n.asText());
    }
    String xywh = "[" + b.path(0).asText() + ", " + b.path(1).asText() + ", " + b.path(2).asText() + ", "
        + b.path(3).asText() + "]";
    if (!(Double.isFinite(v[0]) && Double.isFinite(v[1]) && Double.isFinite(v[2]) && Double.isFinite(v[3]))) {
      throw new BadAnnotation(DataProblem.Kind.BAD_BOX, "bbox " + xywh + " has a non-finite coordinate");
    }
    if (v[2] < 0 || v[3] < 0) {
      throw new BadAnnotation(DataProblem.Kind.BAD_BOX, "bbox " + xywh + " is inverted (negative width or height)");
    }
    Box box;
    try {
      box = Box.fromXywh(v[0], v[1], v[2], v[3]);
    } catch (IllegalArgumentException e) {
      throw new BadAnnotation(DataProblem.Kind.BAD_BOX, "bbox " + xywh + " is empty (under a pixel wide or high)");
    }
    JsonNode seg = a.path("segmentation");
    Optional<Mask> mask = Optional.empty();
    if (seg.isObject() && seg.path("counts").isArray()) {
      try {
        mask = Optional.of(decodeRle(seg, file));
      } catch (CamkitException e) {
        throw new BadAnnotation(DataProblem.Kind.BAD_ENTRY, e.getMessage().replace(file + ": ", ""));
      }
    }
    return new ObjectAnnotation(cls, box, mask);
  }

  private static double parse(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Why one annotation entry was dropped. */
  private static final class BadAnnotation extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient DataProblem.Kind kind;

    BadAnnotation(DataProblem.Kind kind, String message) {
      super(message, null, false, false);
      this.kind = kind;
    }
  }

  /**
   * A dataset read from disk, with every problem met on the way ({@link DataProblem}: the images
   * that had to be skipped and why, the annotations dropped, the images used although damaged).
   */
  public record Loaded(Dataset dataset, List<DataProblem> problems) {
    public Loaded {
      problems = List.copyOf(problems);
    }

    /** Every problem as one line, {@code file: reason (skipped|kept)}, for printing. */
    public List<String> skipped() {
      return problems.stream().map(DataProblem::toString).toList();
    }

    /** {@code N images, M skipped: …}, see {@link DataProblems#summary}. */
    public String summary() {
      return DataProblems.summary(dataset.size(), problems);
    }
  }
}
