package io.camkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.ImageFiles;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesMosaic;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.evaluate.Reports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a {@link ShapesMosaic} as {@code mosaic.png} + {@code mosaic.json} (objects and counts). */
final class MosaicFiles {
  private MosaicFiles() {}

  /** The split named by {@code --split} (test or val; train is kept for training crops). */
  static io.camkit.dataset.Split split(String name) {
    for (io.camkit.dataset.Split s : io.camkit.dataset.Split.values()) {
      if (s.label().equals(name)) {
        return s;
      }
    }
    throw new CamkitException("--split must be test, val or train, not '" + name + "'");
  }

  static void write(ShapesOptions o, String size, Path out) throws java.io.IOException {
    write(o, size, io.camkit.dataset.Split.TEST, out);
  }

  static void write(ShapesOptions o, String size, io.camkit.dataset.Split split, Path out) throws java.io.IOException {
    String[] wh = size.toLowerCase(java.util.Locale.ROOT).split("x");
    int w;
    int h;
    try {
      w = Integer.parseInt(wh[0].trim());
      h = Integer.parseInt(wh[1].trim());
    } catch (RuntimeException e) {
      throw new CamkitException("--mosaic wants WIDTHxHEIGHT, e.g. 6000x4000, not '" + size + "'");
    }
    if (w < o.imageSize() || h < o.imageSize() || (long) w * h > 100_000_000L) {
      throw new CamkitException("--mosaic " + size + ": each side must be at least --image-size " + o.imageSize()
          + " and the area at most 100 megapixels");
    }
    ShapesMosaic m = ShapesMosaic.of(new ShapesGenerator(o), w, h, split);
    List<String> names = ShapesGenerator.classNames();
    Files.createDirectories(out);
    ImageFiles.writePng(m.image(), out.resolve("mosaic.png"));
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("width", w).put("height", h).put("cell", m.cell()).put("seed", o.seed()).put("split", split.label());
    ObjectNode counts = root.putObject("counts");
    int[] n = m.counts(names.size());
    for (int c = 0; c < n.length; c++) {
      counts.put(names.get(c), n[c]);
    }
    root.put("total", m.objects().size());
    ArrayNode objects = root.putArray("objects");
    for (ObjectAnnotation a : m.objects()) {
      objects.addObject().put("class", names.get(a.classIndex())).set("box", Reports.boxJson(a.box()));
    }
    AtomicFiles.writeString(out.resolve("mosaic.json"), json.writeValueAsString(root));
    System.out.printf("wrote a %dx%d mosaic of %d %d-px %s cells (%d objects) to %s%n", w, h,
        (w / m.cell()) * (h / m.cell()), m.cell(), split.label(), m.objects().size(), out.resolve("mosaic.png"));
  }
}
