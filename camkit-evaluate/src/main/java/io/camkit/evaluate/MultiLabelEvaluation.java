package io.camkit.evaluate;

import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.explain.target.ClassTarget;
import io.camkit.explain.target.Target;
import io.camkit.pipeline.ClassResult;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.ImageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Multi-label evaluation of any model and method ({@link MultiLabelAccumulator}): per-class AP
 * from the raw scores, and every class present in an image localized from its own map. The
 * explainer maps only the classes present: target r of a batch is each image's r-th present class
 * (its first again where it has fewer), so an image with k classes costs k maps, not C.
 */
public final class MultiLabelEvaluation {
  private MultiLabelEvaluation() {}

  /**
   * The scores of one run and the MaxBoxAcc curve over (image, present class) pairs.
   *
   * @param method the method's report name
   * @param layer the layer the maps read
   * @param masks each present class's mask at τ against its objects' masks (mask IoU, mIoU)
   * @param images the images scored: fewer than the data's after an interruption
   */
  public record Result(String method, String layer, MultiLabelMetrics metrics, double[] maxBoxAccCurve,
      MaskIouMetrics masks, int images) {
    public Result {
      maxBoxAccCurve = maxBoxAccCurve.clone();
      masks = masks == null ? MaskIouMetrics.none(0, metrics.tau()) : masks;
    }

    /** A result without mask figures. */
    public Result(String method, String layer, MultiLabelMetrics metrics, double[] maxBoxAccCurve, int images) {
      this(method, layer, metrics, maxBoxAccCurve, null, images);
    }

    @Override
    public double[] maxBoxAccCurve() {
      return maxBoxAccCurve.clone();
    }
  }

  public static Result run(Explainer explainer, Dataset data, Evaluation.Listener listener) {
    int classes = explainer.model().classes().size();
    double tau = explainer.request().tau();
    MultiLabelAccumulator acc = new MultiLabelAccumulator(classes, tau);
    MaskIouAccumulator masks = new MaskIouAccumulator(classes, tau);
    int done = 0;
    int chunk = Evaluation.chunk(explainer);
    for (int from = 0; from < data.size(); from += chunk) {
      List<Sample> part = data.samples().subList(from, Math.min(data.size(), from + chunk));
      var explained = explainer.explainUnlessStopped(part.stream().map(Sample::image).toList(),
          part.stream().map(Sample::id).toList(), (first, y) -> presentClasses(part.subList(first, first + y.length)));
      if (explained.isEmpty()) {
        break; // stopped: the result covers the chunks before this one
      }
      List<ImageResult> results = explained.get();
      // Scoring is pure Java: one accumulator per image in parallel, merged in image order.
      MultiLabelAccumulator[] parts = new MultiLabelAccumulator[part.size()];
      IntStream.range(0, part.size()).parallel().forEach(i -> parts[i] = new MultiLabelAccumulator(classes, tau)
          .add(part.get(i), results.get(i).scores(), c -> mapOf(results.get(i), c)));
      for (int i = 0; i < parts.length; i++) {
        acc.merge(parts[i]);
        Sample s = part.get(i);
        for (int c : new java.util.TreeSet<>(s.labels())) {
          io.camkit.core.HeatMap map = mapOf(results.get(i), c);
          Scorer.truthMask(map.width(), map.height(), s.objectsOf(c)).ifPresent(t -> masks.add(c, map, t));
        }
        listener.image(part.get(i), results.get(i), null);
      }
      done += part.size();
      listener.progress(done);
    }
    return new Result(explainer.request().methodName(), explainer.layer(), acc.snapshot(), acc.curve(),
        masks.snapshot(), done);
  }

  /** Target r: each image's r-th present class, or its first where it has fewer than r + 1. */
  static List<Target> presentClasses(List<Sample> batch) {
    int most = batch.stream().mapToInt(s -> s.labels().size()).max().orElse(0);
    List<Target> targets = new ArrayList<>(most);
    for (int r = 0; r < most; r++) {
      int[] cls = new int[batch.size()];
      for (int i = 0; i < cls.length; i++) {
        List<Integer> labels = batch.get(i).labels();
        cls[i] = labels.get(Math.min(r, labels.size() - 1));
      }
      targets.add(new ClassTarget(cls));
    }
    return targets;
  }

  private static io.camkit.core.HeatMap mapOf(ImageResult r, int c) {
    return r.forClass(c).map(ClassResult::normalized).orElseThrow(
        () -> new IllegalStateException("no map of class " + c + " for " + r.source()));
  }
}
