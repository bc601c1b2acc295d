package io.camkit.evaluate;

import io.camkit.dataset.Dataset;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.Explainer;
import io.camkit.core.Interruption;
import io.camkit.dataset.Sample;
import io.camkit.localize.GuidedFilter;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.pipeline.ImageResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.stream.IntStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses τ on a validation split with boxes: for each explainer, its MaxBoxAcc τ* there (the τ
 * of best GT-known localization over the grid {0, 0.01, …, 1}; single-label or multi-label as the
 * data is), stored as a {@link Calibration} that localization and evaluation then use by default.
 * {@link #onValidation(List, Dataset, List, Progress)} chooses the map's refinement with it. Each
 * entry is stored under {@link Explainer#calibrationKey()}: maps averaged over test-time
 * augmentations get a τ of their own.
 */
public final class TauCalibration {
  private TauCalibration() {}

  /**
   * @param explainers one per method, on the same model and layer (their own τ does not matter:
   *     MaxBoxAcc sweeps every τ)
   * @param validation held-out images with boxes, never the test split
   */
  public static Calibration onValidation(List<Explainer> explainers, Dataset validation) {
    if (validation.size() == 0) {
      throw new IllegalArgumentException("the validation split is empty: no τ can be chosen on it");
    }
    Map<String, Calibration.Entry> methods = new LinkedHashMap<>();
    for (Explainer e : explainers) {
      double tau;
      double acc;
      if (validation.multiLabel()) {
        MultiLabelMetrics m = MultiLabelEvaluation.run(e, validation, new Evaluation.Listener() {}).metrics();
        tau = m.tauStar();
        acc = m.maxBoxAcc();
      } else {
        LocalizationMetrics m = Evaluation.run(e, validation).metrics();
        tau = m.tauStar();
        acc = m.maxBoxAcc();
      }
      methods.put(e.calibrationKey(), new Calibration.Entry(tau, acc));
    }
    return new Calibration(validation.name(), validation.size(), explainers.get(0).layer(), methods,
        Instant.now().toString());
  }

  /** Progress of a calibration: {@code done} of {@code total} settings scored. */
  @FunctionalInterface
  public interface Progress {
    void step(int done, int total);
  }

  /**
   * τ and the map's refinement chosen together: each image of the validation split is explained
   * once, then every setting in {@code refinements} (and no refinement) is scored over the whole τ
   * grid on the same maps; the setting and τ of best MaxBoxAcc win (no refinement on a tie, then
   * the first in the list). Single-label entries also store MaxBoxAccV2 and the mean IoU at τ*,
   * and the calibration names its {@link Calibration#preferred} entry. Multi-label validation data is scored as {@link MultiLabelEvaluation}
   * scores it (each present class from its own map).
   *
   * @param refinements the settings to try, e.g. {@link GuidedFilter#candidates()}
   */
  public static Calibration onValidation(List<Explainer> explainers, Dataset validation,
      List<GuidedFilter> refinements, Progress progress) {
    if (validation.size() == 0 || refinements.isEmpty()) {
      return onValidation(explainers, validation);
    }
    boolean multi = validation.multiLabel();
    List<GuidedFilter> settings = new ArrayList<>();
    settings.add(null);
    settings.addAll(refinements);
    int total = explainers.size() * (settings.size() + 1);
    int done = 0;
    Map<String, Calibration.Entry> methods = new LinkedHashMap<>();
    List<Sample> samples = validation.samples();
    int[] truth = samples.stream().mapToInt(Sample::label).toArray();
    for (Explainer e : explainers) {
      Interruption.check("stopped while choosing τ on the validation split");
      List<ImageResult> results = e.explain(samples.stream().map(Sample::image).toList(),
          samples.stream().map(Sample::id).toList(), multi
              ? (first, y) -> MultiLabelEvaluation.presentClasses(samples.subList(first, first + y.length))
              : Evaluation.predictedAndTrue(truth));
      progress.step(++done, total);
      Calibration.Entry best = null;
      Calibration.Entry unrefined = null;
      for (GuidedFilter f : settings) {
        Interruption.check("stopped while choosing the map's refinement on the validation split");
        double[] tauAndAcc = multi ? multiLabel(samples, results, f, e.model().classes().size())
            : singleLabel(samples, results, f, ThresholdLocalizer.DEFAULT_TAU);
        if (f == null) {
          unrefined = new Calibration.Entry(tauAndAcc[0], tauAndAcc[1]);
        }
        if (best == null || tauAndAcc[1] > best.maxBoxAcc()) {
          best = new Calibration.Entry(tauAndAcc[0], tauAndAcc[1], f, null);
        }
        progress.step(++done, total);
      }
      Calibration.Entry entry = best.guidedFilter() == null ? best
          : new Calibration.Entry(best.tau(), best.maxBoxAcc(), best.guidedFilter(), unrefined);
      if (!multi) { // what breaks a tie between methods (Calibration#preferredOf): V2 and the mean IoU at τ*
        double[] atTau = singleLabel(samples, results, best.guidedFilter(), best.tau());
        entry = entry.withTieBreakers(atTau[2], atTau[3], Math.max(1, e.request().tta().size()));
      }
      methods.put(e.calibrationKey(), entry);
    }
    return new Calibration(validation.name(), validation.size(), explainers.get(0).layer(), methods,
        Instant.now().toString()).withPreferredChosen();
  }

  /**
   * τ*, MaxBoxAcc, MaxBoxAccV2 (mean) and the mean GT-known IoU at {@code tau}, as {@link
   * Evaluation#run} finds them, on maps already computed.
   */
  private static double[] singleLabel(List<Sample> samples, List<ImageResult> results, GuidedFilter f, double tau) {
    Scorer scorer = new Scorer(tau);
    ImageOutcome[] scored = new ImageOutcome[samples.size()];
    IntStream.range(0, samples.size()).parallel().forEach(i ->
        scored[i] = Evaluation.score(scorer, samples.get(i), results.get(i).withRefinement(f)));
    LocalizationAccumulator acc = new LocalizationAccumulator(tau);
    for (int i = 0; i < samples.size(); i++) {
      acc.add(scored[i], samples.get(i).width(), samples.get(i).height());
    }
    LocalizationMetrics m = acc.snapshot();
    return new double[] {m.tauStar(), m.maxBoxAcc(), m.maxBoxAccV2().mean(), m.meanIou()};
  }

  /** τ* and MaxBoxAcc as {@link MultiLabelEvaluation#run} finds them (each present class from its own map). */
  private static double[] multiLabel(List<Sample> samples, List<ImageResult> results, GuidedFilter f, int classes) {
    MultiLabelAccumulator[] parts = new MultiLabelAccumulator[samples.size()];
    IntStream.range(0, samples.size()).parallel().forEach(i -> {
      ImageResult r = results.get(i).withRefinement(f);
      parts[i] = new MultiLabelAccumulator(classes, ThresholdLocalizer.DEFAULT_TAU).add(samples.get(i), r.scores(),
          c -> r.forClass(c).orElseThrow(() -> new IllegalStateException("no map of class " + c + " for "
              + r.source())).normalized());
    });
    MultiLabelAccumulator acc = new MultiLabelAccumulator(classes, ThresholdLocalizer.DEFAULT_TAU);
    for (MultiLabelAccumulator p : parts) {
      acc.merge(p);
    }
    MultiLabelMetrics m = acc.snapshot();
    return new double[] {m.tauStar(), m.maxBoxAcc()};
  }
}
