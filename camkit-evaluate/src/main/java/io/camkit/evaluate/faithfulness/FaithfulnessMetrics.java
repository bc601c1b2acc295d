package io.camkit.evaluate.faithfulness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One explanation method's faithfulness over a dataset, a snapshot of {@link
 * FaithfulnessAccumulator}. A figure whose count is 0 is NaN.
 *
 * @param method the explanation method
 * @param curveImages images behind the two AUCs
 * @param deletionAuc mean deletion AUC (RISE), in [0, 1]; lower is better
 * @param insertionAuc mean insertion AUC (RISE), in [0, 1]; higher is better
 * @param confidenceImages images behind the two confidence figures
 * @param averageDropPercent average drop (Grad-CAM++), in [0, 100]; lower is better
 * @param increaseInConfidencePercent increase in confidence (Grad-CAM++), in [0, 100]; higher is
 *     better
 * @param pointingTolerance r of the pointing game, in pixels
 * @param pointingTotal (image, class) pairs of the pointing game
 * @param pointingHits hits among them
 * @param pointingAccuracy hits / total, in [0, 1]; higher is better
 * @param roadImages images behind the three ROAD figures
 * @param roadMorf ROAD's mean probability change when the most relevant pixels are removed
 *     (imputed), over the percentiles; lower is better ({@link Road})
 * @param roadLerf the same when the least relevant pixels are removed; higher is better
 * @param roadCombined {@code (roadLerf − roadMorf) / 2}; higher is better
 */
public record FaithfulnessMetrics(
    String method,
    long curveImages,
    double deletionAuc,
    double insertionAuc,
    long confidenceImages,
    double averageDropPercent,
    double increaseInConfidencePercent,
    int pointingTolerance,
    long pointingTotal,
    long pointingHits,
    double pointingAccuracy,
    long roadImages,
    double roadMorf,
    double roadLerf,
    double roadCombined) {

  /** Without ROAD (not computed: its figures are NaN). */
  public FaithfulnessMetrics(String method, long curveImages, double deletionAuc, double insertionAuc,
      long confidenceImages, double averageDropPercent, double increaseInConfidencePercent, int pointingTolerance,
      long pointingTotal, long pointingHits, double pointingAccuracy) {
    this(method, curveImages, deletionAuc, insertionAuc, confidenceImages, averageDropPercent,
        increaseInConfidencePercent, pointingTolerance, pointingTotal, pointingHits, pointingAccuracy, 0, Double.NaN,
        Double.NaN, Double.NaN);
  }

  /**
   * The figures by name, in component order, for a JSON report; NaN becomes {@code null} (JSON has
   * no NaN).
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", method);
    m.put("curveImages", curveImages);
    m.put("deletionAuc", orNull(deletionAuc));
    m.put("insertionAuc", orNull(insertionAuc));
    m.put("confidenceImages", confidenceImages);
    m.put("averageDropPercent", orNull(averageDropPercent));
    m.put("increaseInConfidencePercent", orNull(increaseInConfidencePercent));
    m.put("pointingTolerance", pointingTolerance);
    m.put("pointingTotal", pointingTotal);
    m.put("pointingHits", pointingHits);
    m.put("pointingAccuracy", orNull(pointingAccuracy));
    m.put("roadImages", roadImages);
    m.put("roadMorf", orNull(roadMorf));
    m.put("roadLerf", orNull(roadLerf));
    m.put("roadCombined", orNull(roadCombined));
    return m;
  }

  /** The header of a Markdown table with one {@link #markdownRow()} per method; arrows say which way is better. */
  public static String markdownHeader() {
    return "| method | deletion AUC ↓ | insertion AUC ↑ | average drop ↓ | increase in confidence ↑ "
        + "| ROAD ↑ | pointing game ↑ |\n|---|---|---|---|---|---|---|\n";
  }

  /**
   * One Markdown table row (fixed locale): AUCs with 3 decimals, percentages with 1, the pointing
   * game as a percentage with its tolerance; "n/a" for a figure with no images.
   */
  public String markdownRow() {
    return "| " + method + " | " + fixed(deletionAuc, "%.3f") + " | " + fixed(insertionAuc, "%.3f")
        + " | " + fixed(averageDropPercent, "%.1f %%") + " | "
        + fixed(increaseInConfidencePercent, "%.1f %%") + " | " + fixed(roadCombined, "%.3f") + " | "
        + (Double.isNaN(pointingAccuracy)
            ? "n/a"
            : String.format(Locale.ROOT, "%.1f %% (r = %d px)", 100 * pointingAccuracy, pointingTolerance))
        + " |\n";
  }

  /** A Markdown table: {@link #markdownHeader()} then one row per method, in the given order. */
  public static String markdownTable(List<FaithfulnessMetrics> rows) {
    StringBuilder sb = new StringBuilder(markdownHeader());
    rows.forEach(r -> sb.append(r.markdownRow()));
    return sb.toString();
  }

  private static Object orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }

  private static String fixed(double v, String format) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, format, v);
  }
}
