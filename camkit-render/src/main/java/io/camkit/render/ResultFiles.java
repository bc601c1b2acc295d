package io.camkit.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.AtomicFiles;
import io.camkit.core.ImageFiles;
import io.camkit.core.RgbImage;
import io.camkit.evaluate.Reports;
import io.camkit.pipeline.ClassResult;
import io.camkit.pipeline.ImageResult;
import io.camkit.pipeline.Prediction;
import io.camkit.pipeline.Provenance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of one explained image, as {@code camkit localize} writes them: for the first map
 * {@code STEM-cam.png} (the map over the image with its box), {@code STEM-mask.png} (the binary
 * mask at τ: the largest component, or every pixel ≥ τ with {@link MaskKind#ALL}) and {@code STEM.json} (predictions, and every map's box and provenance); for
 * each further map (top-k targets) {@code STEM-cam-CLASS.png} and {@code STEM-mask-CLASS.png}.
 * Every file is written to a temporary file and moved into place, so a file is whole or absent.
 */
public final class ResultFiles {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Overlays of small images are enlarged to about this many pixels. */
  private static final int OVERLAY_SIDE = 256;

  private ResultFiles() {}

  /** {@code file}'s name without its extension: "cat" for "photos/cat.jpg". */
  public static String stem(Path file) {
    return file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
  }

  /**
   * Writes the overlays, masks and JSON of {@code result} into {@code dir}.
   *
   * @param image the image the result explains, as read
   * @param alpha weight of the heat map in the overlay, in [0, 1]
   * @return the JSON written (for a summary file)
   */
  public static ObjectNode write(Path dir, String stem, RgbImage image, ImageResult result, double alpha)
      throws IOException {
    return write(dir, stem, image, result, alpha, MaskKind.LARGEST);
  }

  /** Which binary mask {@code STEM-mask.png} holds, at the image's resolution (set pixels white). */
  public enum MaskKind {
    /** Every pixel of the normalised map ≥ τ, all connected components: the weakly supervised mask. */
    ALL,
    /** The largest 8-connected component of those pixels (the support of the box). */
    LARGEST
  }

  /**
   * Writes the overlays, masks of {@code kind} and JSON of {@code result} into {@code dir}.
   *
   * @param image the image the result explains, as read
   * @param alpha weight of the heat map in the overlay, in [0, 1]
   * @return the JSON written (for a summary file)
   */
  public static ObjectNode write(Path dir, String stem, RgbImage image, ImageResult result, double alpha,
      MaskKind kind) throws IOException {
    int scale = Math.max(1, OVERLAY_SIDE / Math.max(image.width(), image.height()));
    List<ClassResult> maps = result.classes();
    for (int i = 0; i < maps.size(); i++) {
      ClassResult c = maps.get(i);
      String suffix = i == 0 ? "" : "-" + safe(c.className());
      ImageFiles.writePng(Overlay.render(image, c.normalized(), alpha, List.of(), c.box(), scale),
          dir.resolve(stem + "-cam" + suffix + ".png"));
      io.camkit.core.Mask mask = kind == MaskKind.ALL ? c.localization().foreground() : c.localization().component();
      ImageFiles.writePng(mask.toBufferedImage(), dir.resolve(stem + "-mask" + suffix + ".png"));
    }
    ObjectNode n = json(result);
    AtomicFiles.writeString(dir.resolve(stem + ".json"), JSON.writeValueAsString(n));
    return n;
  }

  /**
   * One image's result as JSON: {@code image}, {@code width}, {@code height}; the first map's
   * {@code class}, {@code probability}, {@code method}, {@code layer}, {@code resolution}, {@code
   * tau} and {@code box} (COCO {@code [x, y, w, h]}, absent when no pixel reaches τ) at the top
   * level; {@code predictions} (top-k: class, index, probability, score) and {@code maps} (every
   * map with its box and provenance).
   */
  public static ObjectNode json(ImageResult r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("image", r.source()).put("width", r.width()).put("height", r.height());
    ClassResult first = r.first();
    Provenance p = first.provenance();
    n.put("class", p.className()).put("probability", p.probability()).put("method", p.method())
        .put("layer", p.layer()).put("resolution", p.resolution()).put("tau", p.tau());
    first.box().ifPresent(b -> n.set("box", Reports.boxJson(b)));
    ArrayNode preds = n.putArray("predictions");
    for (Prediction pr : r.top()) {
      preds.addObject().put("class", pr.className()).put("index", pr.classIndex()).put("probability", pr.probability())
          .put("score", pr.score());
    }
    ArrayNode maps = n.putArray("maps");
    for (ClassResult c : r.classes()) {
      ObjectNode m = maps.addObject();
      Provenance q = c.provenance();
      m.put("class", q.className()).put("index", q.classIndex()).put("probability", q.probability())
          .put("score", q.score()).put("method", q.method()).put("layer", q.layer()).put("resolution", q.resolution())
          .put("tau", q.tau()).put("augmentations", q.augmentations()).put("degenerate", c.degenerate())
          .put("explainMillis", Math.round(q.explainMillis() * 100) / 100.0);
      c.box().ifPresent(b -> m.set("box", Reports.boxJson(b)));
    }
    return n;
  }

  /** Writes the results of a run as one JSON array (e.g. {@code localizations.json}). */
  public static void writeSummary(Path file, List<ObjectNode> results) throws IOException {
    ArrayNode all = JSON.createArrayNode();
    all.addAll(new ArrayList<>(results));
    AtomicFiles.writeString(file, JSON.writeValueAsString(all));
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9_.-]+", "_");
  }
}
