package io.camkit.render;

import io.camkit.core.ImageFiles;
import io.camkit.dataset.Sample;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.ImageOutcome;
import io.camkit.pipeline.ClassResult;
import io.camkit.pipeline.ImageResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pictures of an evaluation: a contact sheet of successes (GT-known IoU ≥ 0.5) and one of
 * failures, each tile the predicted class's map over the image with the true box (green) and the
 * predicted box (red). It listens to the evaluation ({@link Evaluation.Listener}) and draws the
 * first tiles of each kind from the results the evaluation computed: the model never runs again.
 */
public final class EvaluationPictures implements Evaluation.Listener {
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
    var img = Overlay.render(sample.image(), predicted.normalized(), ALPHA, o.groundTruth(), o.predictedBox(), SCALE);
    String l1 = "true " + classes.get(o.trueClass()) + " / pred " + classes.get(o.predictedClass());
    String l2 = String.format(Locale.ROOT, "p=%.2f IoU=%.2f", o.confidence(), o.predictedIou());
    sheet.add(new ContactSheet.Tile(img, l1, l2));
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
