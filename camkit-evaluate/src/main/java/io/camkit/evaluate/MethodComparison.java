package io.camkit.evaluate;

import io.camkit.dataset.Dataset;
import io.camkit.evaluate.faithfulness.FaithfulnessMetrics;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Several CAM methods side by side on one single-label dataset: one {@link Evaluation} per
 * request (localization from the maps of the predicted and the true class, faithfulness from the
 * predicted class's map on the first images, the pointing game from the true class's map), and
 * the table that sets them side by side.
 */
public final class MethodComparison {
  private MethodComparison() {}

  /**
   * Evaluates each request in turn. Every request is checked against the model first, so a method
   * the model cannot serve fails before any image is explained.
   *
   * @param progress called with the number of (method, image) pairs done
   */
  public static List<Evaluation.Result> run(LayeredModel model, List<MapRequest> requests, Dataset data,
      Evaluation.Settings settings, IntConsumer progress) {
    List<Explainer> explainers = requests.stream().map(r -> new Explainer(model, r)).toList();
    List<Evaluation.Result> rows = new ArrayList<>();
    for (Explainer e : explainers) {
      int before = rows.size() * data.size();
      rows.add(Evaluation.run(e, data, settings, new Evaluation.Listener() {
        @Override
        public void progress(int images) {
          progress.accept(before + images);
        }
      }));
    }
    return rows;
  }

  /** One Markdown table: a line per method, localization then faithfulness (fixed locale). */
  public static String markdownTable(List<Evaluation.Result> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| method | layer | top-1 cls | top-5 cls | top-1 loc | GT-known loc | MaxBoxAcc (τ*) | deletion AUC ↓"
        + " | insertion AUC ↑ | avg drop % ↓ | increase % ↑ | ROAD ↑ | pointing | ms/image |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Evaluation.Result r : rows) {
      LocalizationMetrics l = r.metrics();
      FaithfulnessMetrics f = r.faithfulness();
      sb.append(String.format(java.util.Locale.ROOT,
          "| %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s | %s |%n",
          r.method(), r.layer(), Reports.pct(l.top1Accuracy()), Reports.pct(r.top5Accuracy()),
          Reports.pct(l.top1Localization()),
          Reports.pct(l.gtKnownLocalization()), Reports.pct(l.maxBoxAcc()), Reports.fmt(l.tauStar()),
          Reports.decimal(f.deletionAuc(), 4), Reports.decimal(f.insertionAuc(), 4),
          Reports.decimal(f.averageDropPercent(), 1), Reports.decimal(f.increaseInConfidencePercent(), 1),
          Reports.decimal(f.roadCombined(), 4),
          Reports.pct(f.pointingAccuracy()), Reports.decimal(r.msPerImage(), 1)));
    }
    if (rows.stream().anyMatch(r -> Double.isNaN(r.faithfulness().deletionAuc()))) {
      sb.append("\n").append(Reports.NOT_COMPUTED).append(" not computed: the deletion/insertion curves and the"
          + " confidence drop were run on no image (faithfulnessImages = 0, or no image in the data).\n");
    } else if (rows.stream().anyMatch(r -> Double.isNaN(r.faithfulness().roadCombined()))) {
      sb.append("\n").append(Reports.NOT_COMPUTED).append(" ROAD not computed: turned off (no percentiles).\n");
    }
    return sb.toString();
  }

  /** The rows as JSON-ready maps. */
  public static List<java.util.Map<String, Object>> toMaps(List<Evaluation.Result> rows) {
    List<java.util.Map<String, Object>> out = new ArrayList<>();
    for (Evaluation.Result r : rows) {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("method", r.method());
      m.put("layer", r.layer());
      m.put("localization", r.metrics());
      m.put("faithfulness", r.faithfulness().toMap());
      m.put("msPerImage", r.msPerImage());
      m.put("top5Accuracy", r.top5Accuracy());
      out.add(m);
    }
    return out;
  }
}
