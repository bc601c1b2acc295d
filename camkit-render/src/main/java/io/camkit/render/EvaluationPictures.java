package io.camkit.render;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.ImageFiles;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Sample;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.ImageOutcome;
import io.camkit.pipeline.ClassResult;
import io.camkit.pipeline.ImageResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The pictures of an evaluation: a contact sheet of successes (GT-known IoU ≥ 0.5) and one of
 * failures, each tile the predicted class's map over the image with the true box (green) and the
 * predicted box (red). It listens to the evaluation ({@link Evaluation.Listener}) and draws the
 * first tiles of each kind from the results the evaluation computed: the model never runs again.
 *
 * <p>A tile's longer side is at most {@value #MAX_TILE_SIDE} px: images up to half that are drawn
 * at twice their size (the demo's shapes), larger ones at their own size, and photos larger still
 * are drawn at a reduced size (image, map and boxes scaled alike). A sheet of 24 photos of 500 px
 * is then about 2 000 px wide instead of 6 000, and the tiles held during an evaluation take 24 ×
 * 0.4 MB rather than 24 × 3 MB of heap.
 */
public final class EvaluationPictures implements Evaluation.Listener {
  /** The longest side of a tile, in pixels. */
  public static final int MAX_TILE_SIDE = 320;

  private static final int SCALE = 2;
  private static final double ALPHA = 0.5;

  private final List<String> classes;
  private final int perSheet;
  private final List<ContactSheet.Tile> successes = new ArrayList<>();
  private final List<ContactSheet.Tile> failures = new ArrayList<>();

  /**
   * @param classes the model's class names, for the tiles' captions
   * @param perSheet tiles per sheet (the first successes and failures in dataset order)
   */
  public EvaluationPictures(List<String> classes, int perSheet) {
    this.classes = List.copyOf(classes);
    this.perSheet = perSheet;
  }

  @Override
  public void image(Sample sample, ImageResult result, ImageOutcome o) {
    if (o == null) {
      return; // multi-label: no sheets
    }
    if (o.gtKnownLocalized()) {
      add(successes, sample, result, o);
    }
    if (!o.gtKnownLocalized() || !o.correct()) {
      add(failures, sample, result, o);
    }
  }

  private void add(List<ContactSheet.Tile> sheet, Sample sample, ImageResult result, ImageOutcome o) {
    if (sheet.size() >= perSheet) {
      return;
    }
    ClassResult predicted = result.forClass(o.predictedClass()).orElseThrow();
    var img = tile(sample.image(), predicted.normalized(), o.groundTruth(), o.predictedBox());
    String l1 = "true " + classes.get(o.trueClass()) + " / pred " + classes.get(o.predictedClass());
    String l2 = String.format(Locale.ROOT, "p=%.2f IoU=%.2f", o.confidence(), o.predictedIou());
    sheet.add(new ContactSheet.Tile(img, l1, l2));
  }

  /** One tile: the map over the image with the boxes, its longer side at most {@link #MAX_TILE_SIDE}. */
  static BufferedImage tile(RgbImage image, HeatMap map, List<Box> truth, Optional<Box> predicted) {
    int side = Math.max(image.width(), image.height());
    if (side * SCALE <= MAX_TILE_SIDE) {
      return Overlay.render(image, map, ALPHA, truth, predicted, SCALE);
    }
    if (side <= MAX_TILE_SIDE) {
      return Overlay.render(image, map, ALPHA, truth, predicted, 1);
    }
    double f = MAX_TILE_SIDE / (double) side;
    int w = Math.max(1, (int) Math.round(image.width() * f));
    int h = Math.max(1, (int) Math.round(image.height() * f));
    List<Box> smallTruth = truth.stream().map(b -> shrink(b, f, w, h)).toList();
    return Overlay.render(image.resize(w, h), map.resize(w, h), ALPHA, smallTruth,
        predicted.map(b -> shrink(b, f, w, h)), 1);
  }

  /** A box scaled by {@code f} (outward to whole pixels, at least one pixel, inside {@code w × h}). */
  static Box shrink(Box b, double f, int w, int h) {
    int x0 = Math.max(0, Math.min(w - 1, (int) Math.floor(b.x0() * f)));
    int y0 = Math.max(0, Math.min(h - 1, (int) Math.floor(b.y0() * f)));
    int x1 = Math.max(x0 + 1, Math.min(w, (int) Math.ceil(b.x1() * f)));
    int y1 = Math.max(y0 + 1, Math.min(h, (int) Math.ceil(b.y1() * f)));
    return new Box(x0, y0, x1, y1);
  }

  /**
   * Writes {@code successes.png} and {@code failures.png} (a sheet with no tile is not written).
   *
   * @param tau the τ of the red boxes, for the title
   * @return the files written
   */
  public List<Path> write(Path dir, double tau) throws IOException {
    List<Path> written = new ArrayList<>();
    written.addAll(sheet(successes, dir.resolve("successes.png"), "Successes", tau));
    written.addAll(sheet(failures, dir.resolve("failures.png"), "Failures", tau));
    return written;
  }

  private static List<Path> sheet(List<ContactSheet.Tile> tiles, Path file, String title, double tau)
      throws IOException {
    if (tiles.isEmpty()) {
      return List.of();
    }
    String full = title + " (green: ground truth, red: box at τ=" + tau + ")";
    ImageFiles.writePng(ContactSheet.render(full, tiles, 6), file);
    return List.of(file);
  }
}
