package io.camkit.evaluate;

import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.explain.CamExplainer;
import io.camkit.explain.Explanation;
import io.camkit.model.CamModel;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs the explainer over a multi-label dataset and scores it ({@link MultiLabelAccumulator}):
 * per-class AP from the raw scores, and every present class localized from its own map.
 */
public final class MultiLabelEvaluation {
  private MultiLabelEvaluation() {}

  /** The scores of one run and the MaxBoxAcc curve over (image, present class) pairs. */
  public record Result(MultiLabelMetrics metrics, double[] maxBoxAccCurve) {
    public Result {
      maxBoxAccCurve = maxBoxAccCurve.clone();
    }

    @Override
    public double[] maxBoxAccCurve() {
      return maxBoxAccCurve.clone();
    }
  }

  /** @param progress called with the number of images done after each batch */
  public static Result run(CamModel model, Dataset data, double tau, IntConsumer progress) {
    CamExplainer explainer = new CamExplainer(model);
    int classes = model.classes().size();
    MultiLabelAccumulator acc = new MultiLabelAccumulator(classes, tau);
    int done = 0;
    for (int from = 0; from < data.size(); from += CamExplainer.BATCH) {
      List<Sample> part = data.samples().subList(from, Math.min(data.size(), from + CamExplainer.BATCH));
      List<RgbImage> images = part.stream().map(Sample::image).toList();
      List<Explanation> ex = explainer.explain(images);
      // Scoring is pure Java: one accumulator per image in parallel, merged in image order.
      MultiLabelAccumulator[] parts = new MultiLabelAccumulator[part.size()];
      IntStream.range(0, part.size()).parallel().forEach(i -> parts[i] =
          new MultiLabelAccumulator(classes, tau).add(part.get(i), ex.get(i).scores(), ex.get(i)::map));
      for (MultiLabelAccumulator p : parts) {
        acc.merge(p);
      }
      done += part.size();
      progress.accept(done);
    }
    return new Result(acc.snapshot(), acc.curve());
  }
}
