package io.camkit.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.evaluate.Evaluation;
import io.camkit.explain.method.CamMethod;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Throughput of {@code camkit evaluate} (classification + one map per method and target +
 * localization + scoring, faithfulness off) against plain classification of the same decoded
 * images, measured in one run: each round times a classification pass and then one evaluate pass
 * per method over all images; the reported figures are the medians over rounds, and the ratio is
 * evaluate time ÷ classification time, so that machine load affects both alike.
 */
public final class EvaluateBenchmark {
  private EvaluateBenchmark() {}

  /**
   * One measured pass kind.
   *
   * @param model the model's description
   * @param what "classify" or a method name
   * @param images images per pass
   * @param imagesPerSecond median over rounds
   * @param ratio this pass's time ÷ the classification pass's time (1 for classify)
   * @param top1 top-1 accuracy seen in the pass (a check that both passes did the same work)
   */
  public record Line(String model, String what, int images, double imagesPerSecond, double ratio, double top1) {}

  /**
   * @param batch images per classification call (the methods use their own batch size)
   * @param rounds timed repetitions (after one warm-up pass on the first batch)
   */
  public static List<Line> run(LayeredModel model, String name, Dataset data, List<CamMethod> methods, int batch,
      int rounds, double tau, Consumer<String> log) {
    List<Explainer> explainers = methods.stream()
        .map(m -> new Explainer(model, MapRequest.of(m).withTau(tau).withRelu(false))).toList();
    Dataset warm = data.head(Math.min(data.size(), batch));
    classify(model, warm, batch);
    for (Explainer e : explainers) {
      Evaluation.run(e, warm);
    }
    double[][] seconds = new double[methods.size() + 1][rounds];
    double[] top1 = new double[methods.size() + 1];
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      top1[0] = classify(model, data, batch);
      seconds[0][r] = (System.nanoTime() - t0) / 1e9;
      log.accept(String.format(Locale.ROOT, "%s round %d: classify %.1f images/s", name, r + 1,
          data.size() / seconds[0][r]));
      for (int i = 0; i < methods.size(); i++) {
        long t1 = System.nanoTime();
        var row = Evaluation.run(explainers.get(i), data);
        seconds[i + 1][r] = (System.nanoTime() - t1) / 1e9;
        top1[i + 1] = row.metrics().top1Accuracy();
        log.accept(String.format(Locale.ROOT, "%s round %d: evaluate %s %.1f images/s (%.2f× classify)", name,
            r + 1, methods.get(i).name(), data.size() / seconds[i + 1][r], seconds[i + 1][r] / seconds[0][r]));
      }
    }
    List<Line> out = new ArrayList<>();
    double base = ExplainBenchmark.median(seconds[0]);
    for (int i = 0; i <= methods.size(); i++) {
      double s = ExplainBenchmark.median(seconds[i]);
      out.add(new Line(name, i == 0 ? "classify" : methods.get(i - 1).name(), data.size(), data.size() / s, s / base,
          top1[i]));
    }
    return out;
  }

  /** Plain classification of every image, batch by batch; returns the top-1 accuracy. */
  static double classify(LayeredModel model, Dataset data, int batch) {
    int right = 0;
    for (int from = 0; from < data.size(); from += batch) {
      List<Sample> part = data.samples().subList(from, Math.min(data.size(), from + batch));
      List<RgbImage> images = part.stream().map(Sample::image).toList();
      try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
        NDArray y = model.logits(scope, model.input(scope, images));
        long[] best = y.argMax(1).toLongArray();
        for (int i = 0; i < part.size(); i++) {
          right += best[i] == part.get(i).label() ? 1 : 0;
        }
      }
    }
    return data.size() == 0 ? Double.NaN : (double) right / data.size();
  }

  /** A Markdown table of the lines (fixed locale). */
  public static String markdownTable(List<Line> lines) {
    StringBuilder sb = new StringBuilder("| model | pass | images | images/s | time ÷ classify | top-1 |\n"
        + "|---|---|---|---|---|---|\n");
    for (Line l : lines) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.2f× | %.1f %% |%n", l.model(), l.what(),
          l.images(), l.imagesPerSecond(), l.ratio(), 100 * l.top1()));
    }
    return sb.toString();
  }
}
