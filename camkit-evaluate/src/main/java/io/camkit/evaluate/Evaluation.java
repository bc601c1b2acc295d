package io.camkit.evaluate;

import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.explain.CamExplainer;
import io.camkit.explain.Explanation;
import io.camkit.model.CamModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs the explainer over a dataset and scores every image: the glue between explain, localize
 * and evaluate that every front end (CLI, tests, benchmarks) calls.
 */
public final class Evaluation {
  private Evaluation() {}

  /** The scores of one run, with every image's outcome in dataset order. */
  public record Result(LocalizationMetrics metrics, double[] maxBoxAccCurve, List<ImageOutcome> outcomes) {
    public Result {
      outcomes = List.copyOf(outcomes);
      maxBoxAccCurve = maxBoxAccCurve.clone();
    }
  }

  /**
   * @param progress called with the number of images done after each batch
   */
  public static Result run(CamModel model, Dataset data, double tau, IntConsumer progress) {
    CamExplainer explainer = new CamExplainer(model);
    Scorer scorer = new Scorer(tau);
    List<ImageOutcome> outcomes = new ArrayList<>(data.size());
    LocalizationAccumulator acc = new LocalizationAccumulator(tau);
    for (int from = 0; from < data.size(); from += CamExplainer.BATCH) {
      List<Sample> part = data.samples().subList(from, Math.min(data.size(), from + CamExplainer.BATCH));
      List<RgbImage> images = part.stream().map(Sample::image).toList();
      List<Explanation> ex = explainer.explain(images);
      // Scoring (101 thresholds × connected components per image) is pure Java: spread it.
      ImageOutcome[] scored = new ImageOutcome[part.size()];
      IntStream.range(0, part.size())
          .parallel()
          .forEach(
              i -> {
                Explanation e = ex.get(i);
                Sample s = part.get(i);
                scored[i] = scorer.score(s, e.predicted(), e.confidence(), e.predictedMap(), e.map(s.label()));
              });
      for (int i = 0; i < scored.length; i++) {
        outcomes.add(scored[i]);
        acc.add(scored[i], part.get(i).image().width(), part.get(i).image().height());
      }
      progress.accept(outcomes.size());
    }
    return new Result(acc.snapshot(), acc.curve(), outcomes);
  }
}
