package io.camkit.evaluate;

import io.camkit.dataset.Dataset;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.Explainer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses τ on a validation split with boxes: for each explainer, its MaxBoxAcc τ* there (the τ
 * of best GT-known localization over the grid {0, 0.01, …, 1}; single-label or multi-label as the
 * data is), stored as a {@link Calibration} that localization and evaluation then use by default.
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
      methods.put(e.request().methodName(), new Calibration.Entry(tau, acc));
    }
    return new Calibration(validation.name(), validation.size(), explainers.get(0).layer(), methods,
        Instant.now().toString());
  }
}
