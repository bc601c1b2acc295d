package io.camkit.dataset.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.AtomicFiles;
import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.core.ImageFiles;
import io.camkit.core.Mask;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
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
  private static final ObjectMapper JSON = new ObjectMapper();

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
          .put("width", s.image().width())
          .put("height", s.image().height());
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

  /**
   * Reads a folder written by {@link #write} or by another COCO tool. Category ids map to class
   * indices in the order of the {@code categories} list. Images that cannot be decoded are reported
   * in the returned {@link Loaded#skipped()} list, never fatal.
   */
  public static Loaded read(Path dir) {
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
    List<String> classes = new ArrayList<>();
    Map<Integer, Integer> categoryToClass = new HashMap<>();
    for (JsonNode c : root.path("categories")) {
      categoryToClass.put(c.path("id").asInt(), classes.size());
      classes.add(c.path("name").asText("class" + classes.size()));
    }
    Map<Integer, List<ObjectAnnotation>> objects = new LinkedHashMap<>();
    for (JsonNode a : root.path("annotations")) {
      Integer cls = categoryToClass.get(a.path("category_id").asInt());
      if (cls == null) {
        throw new CamkitException(file + ": annotation " + a.path("id") + " names an unknown category");
      }
      JsonNode b = a.path("bbox");
      Box box;
      try {
        box = Box.fromXywh(b.path(0).asDouble(), b.path(1).asDouble(), b.path(2).asDouble(), b.path(3).asDouble());
      } catch (IllegalArgumentException e) {
        throw new CamkitException(file + ": annotation " + a.path("id") + ": " + e.getMessage());
      }
      JsonNode seg = a.path("segmentation");
      Optional<Mask> mask =
          seg.isObject() && seg.path("counts").isArray() ? Optional.of(decodeRle(seg, file)) : Optional.empty();
      objects.computeIfAbsent(a.path("image_id").asInt(), k -> new ArrayList<>()).add(new ObjectAnnotation(cls, box, mask));
    }
    List<Sample> samples = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (JsonNode img : root.path("images")) {
      String name = img.path("file_name").asText();
      List<ObjectAnnotation> objs = objects.getOrDefault(img.path("id").asInt(), List.of());
      if (objs.isEmpty()) {
        skipped.add(name + ": no annotation");
        continue;
      }
      try {
        RgbImage image = ImageFiles.read(dir.resolve(name));
        String id = Path.of(name).getFileName().toString().replaceFirst("\\.[^.]*$", "");
        samples.add(new Sample(id, image, objs));
      } catch (CamkitException e) {
        skipped.add(e.getMessage());
      }
    }
    if (samples.isEmpty()) {
      throw new CamkitException("no readable annotated image in " + dir);
    }
    return new Loaded(new Dataset(dir.getFileName().toString(), classes, samples), skipped);
  }

  /** A dataset read from disk, with the images that had to be skipped and why. */
  public record Loaded(Dataset dataset, List<String> skipped) {
    public Loaded {
      skipped = List.copyOf(skipped);
    }
  }
}
