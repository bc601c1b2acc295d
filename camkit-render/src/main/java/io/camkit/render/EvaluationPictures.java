package io.camkit.render;

import io.camkit.core.ImageFiles;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.ImageOutcome;
import io.camkit.explain.CamExplainer;
import io.camkit.explain.Explanation;
import io.camkit.model.CamModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * The pictures of an evaluation: a contact sheet of successes (GT-known IoU ≥ 0.5) and one of
 * failures, each tile the predicted class's CAM over the image with the true box (green) and the
 * predicted box (red).
 */
public final class EvaluationPictures {
  private static final int SCALE = 2;
  private static final double ALPHA = 0.5;

  private EvaluationPictures() {}

  /** Writes {@code successes.png} and {@code failures.png} (up to {@code perSheet} tiles each). */
  public static List<Path> write(CamModel model, Dataset data, Evaluation.Result result, Path dir, int perSheet)
      throws IOException {
    List<Path> written = new ArrayList<>();
    written.addAll(sheet(model, data, result, dir.resolve("successes.png"), "Successes", ImageOutcome::gtKnownLocalized, perSheet));
    written.addAll(sheet(model, data, result, dir.resolve("failures.png"), "Failures", o -> !o.gtKnownLocalized() || !o.correct(), perSheet));
    return written;
  }

  private static List<Path> sheet(
      CamModel model, Dataset data, Evaluation.Result result, Path file, String title,
      Predicate<ImageOutcome> keep, int n) throws IOException {
    int[] idx = IntStream.range(0, result.outcomes().size()).filter(i -> keep.test(result.outcomes().get(i))).limit(n).toArray();
    if (idx.length == 0) {
      return List.of();
    }
    List<Sample> samples = IntStream.of(idx).mapToObj(data::get).toList();
    List<Explanation> ex = new CamExplainer(model).explain(samples.stream().map(Sample::image).toList());
    List<ContactSheet.Tile> tiles = new ArrayList<>();
    for (int j = 0; j < idx.length; j++) {
      ImageOutcome o = result.outcomes().get(idx[j]);
      var img = Overlay.render(samples.get(j).image(), ex.get(j).predictedMap(), ALPHA, o.groundTruth(), o.predictedBox(), SCALE);
      String l1 = "true " + model.classes().get(o.trueClass()) + " / pred " + model.classes().get(o.predictedClass());
      String l2 = String.format(Locale.ROOT, "p=%.2f IoU=%.2f", o.confidence(), o.predictedIou());
      tiles.add(new ContactSheet.Tile(img, l1, l2));
    }
    String full = title + " (green: ground truth, red: CAM box at τ=" + result.metrics().tau() + ")";
    ImageFiles.writePng(ContactSheet.render(full, tiles, 6), file);
    return List.of(file);
  }
}
