package io.camkit.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.AtomicFiles;
import io.camkit.core.Box;
import io.camkit.core.Version;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes an evaluation as JSON (every figure and every image) and as a Markdown report. */
public final class Reports {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Reports() {}

  /** {@code metrics.json}: provenance, the metrics, the MaxBoxAcc curve and each image. */
  public static void writeJson(Evaluation.Result r, List<String> classes, Map<String, Object> provenance, Path file)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("camkitVersion", Version.get());
    root.set("provenance", JSON.valueToTree(provenance));
    root.set("metrics", JSON.valueToTree(r.metrics()));
    root.set("masks", masksJson(r.masks(), classes));
    ArrayNode curve = root.putArray("maxBoxAccCurve");
    for (int i = 0; i < r.maxBoxAccCurve().length; i++) {
      curve.addObject().put("tau", LocalizationMetrics.tauAt(i)).put("gtKnownLoc", r.maxBoxAccCurve()[i]);
    }
    ArrayNode images = root.putArray("images");
    for (ImageOutcome o : r.outcomes()) {
      ObjectNode n = images.addObject();
      n.put("id", o.id())
          .put("trueClass", classes.get(o.trueClass()))
          .put("predictedClass", classes.get(o.predictedClass()))
          .put("confidence", o.confidence())
          .put("predictedIou", o.predictedIou())
          .put("gtKnownIou", o.gtKnownIou());
      ArrayNode gt = n.putArray("groundTruth");
      o.groundTruth().forEach(b -> gt.add(boxJson(b)));
      o.predictedBox().ifPresent(b -> n.set("predictedBox", boxJson(b)));
      o.gtKnownBox().ifPresent(b -> n.set("gtKnownBox", boxJson(b)));
    }
    AtomicFiles.writeString(file, JSON.writeValueAsString(root));
  }

  /** {@code metrics.json} of a multi-label run: provenance, the metrics with per-class figures, the curve. */
  public static void writeJson(MultiLabelEvaluation.Result r, List<String> classes, Map<String, Object> provenance,
      Path file) throws IOException {
    MultiLabelMetrics m = r.metrics();
    ObjectNode root = JSON.createObjectNode();
    root.put("camkitVersion", Version.get());
    root.set("provenance", JSON.valueToTree(provenance));
    root.put("multiLabel", true);
    ObjectNode metrics = root.putObject("metrics");
    metrics.put("images", m.images()).put("pairs", m.pairs()).put("tau", m.tau()).put("mAP", m.mAP())
        .put("gtKnownLocalization", m.gtKnownLocalization()).put("maxBoxAcc", m.maxBoxAcc())
        .put("tauStar", m.tauStar()).put("pointingGame", m.pointingGame())
        .put("centredBaseline", m.centredBaseline()).put("centredBaselineV2", m.centredBaselineV2())
        .put("wholeImageBaseline", m.wholeImageBaseline()).put("wholeImageBaselineV2", m.wholeImageBaselineV2());
    ArrayNode perClass = root.putArray("perClass");
    for (int c = 0; c < classes.size(); c++) {
      perClass.addObject().put("class", classes.get(c)).put("averagePrecision", m.averagePrecision()[c])
          .put("pairs", m.classPairs()[c]).put("gtKnownLocalization", m.classGtKnown()[c])
          .put("pointingGame", m.classPointing()[c]);
    }
    root.set("masks", masksJson(r.masks(), classes));
    ArrayNode curve = root.putArray("maxBoxAccCurve");
    for (int i = 0; i < r.maxBoxAccCurve().length; i++) {
      curve.addObject().put("tau", LocalizationMetrics.tauAt(i)).put("gtKnownLoc", r.maxBoxAccCurve()[i]);
    }
    AtomicFiles.writeString(file, JSON.writeValueAsString(root));
  }

  /** The multi-label metrics and the per-class table in Markdown (percent, fixed locale). */
  public static String markdownTable(MultiLabelMetrics m, List<String> classes) {
    StringBuilder sb = new StringBuilder();
    sb.append("| metric | value |\n|---|---|\n");
    row(sb, "images", String.valueOf(m.images()));
    row(sb, "(image, present class) pairs", String.valueOf(m.pairs()));
    row(sb, "mAP (mean per-class average precision)", pct(m.mAP()));
    row(sb, "GT-known localization per present class (IoU ≥ 0.5, τ = " + fmt(m.tau()) + ")", pct(m.gtKnownLocalization()));
    row(sb, "MaxBoxAcc (best over τ ∈ {0, 0.01, …, 1})", pct(m.maxBoxAcc()));
    row(sb, "τ* (best τ)", fmt(m.tauStar()));
    row(sb, "pointing game", pct(m.pointingGame()));
    baselineRows(sb, m.centredBaseline(), m.centredBaselineV2(), m.wholeImageBaseline(), m.wholeImageBaselineV2());
    sb.append("\n| class | AP | pairs | GT-known loc | pointing game |\n|---|---|---|---|---|\n");
    for (int c = 0; c < classes.size(); c++) {
      sb.append("| ").append(classes.get(c)).append(" | ").append(pct(m.averagePrecision()[c])).append(" | ")
          .append(m.classPairs()[c]).append(" | ").append(pct(m.classGtKnown()[c])).append(" | ")
          .append(pct(m.classPointing()[c])).append(" |\n");
    }
    return sb.toString();
  }

  /** {@code report.md}: a title, a table already rendered, notes. */
  public static void writeMarkdown(String title, String table, List<String> notes, Path file) throws IOException {
    StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
    sb.append(table).append('\n');
    for (String n : notes) {
      sb.append(n).append("\n\n");
    }
    AtomicFiles.writeString(file, sb.toString());
  }

  /**
   * The mask figures as JSON: {@code tau}, {@code pairs}, {@code meanIou}, {@code mIoU} and {@code
   * classIou} by class name (null for a class without pairs, and for every figure without masks).
   */
  public static ObjectNode masksJson(MaskIouMetrics m, List<String> classes) {
    ObjectNode n = JSON.createObjectNode();
    n.put("tau", m.tau()).put("pairs", m.pairs());
    putFinite(n, "meanIou", m.meanIou());
    putFinite(n, "mIoU", m.mIoU());
    ObjectNode per = n.putObject("classIou");
    double[] c = m.classIou();
    for (int i = 0; i < c.length && i < classes.size(); i++) {
      putFinite(per, classes.get(i), c[i]);
    }
    return n;
  }

  private static void putFinite(ObjectNode n, String key, double v) {
    if (Double.isNaN(v)) {
      n.putNull(key);
    } else {
      n.put(key, v);
    }
  }

  /**
   * The weakly supervised masks as a Markdown table (mask IoU, mIoU and each class's IoU, in
   * percent), or the empty string when no image has masks.
   */
  public static String maskTable(MaskIouMetrics m, List<String> classes) {
    if (m.pairs() == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    sb.append("| mask (map ≥ τ = ").append(fmt(m.tau())).append(", all components) vs ground-truth masks | value |\n");
    sb.append("|---|---|\n");
    row(sb, "mask IoU (mean over " + m.pairs() + " image–class pairs)", pct(m.meanIou()));
    row(sb, "mIoU (mean over classes of the pooled per-class IoU)", pct(m.mIoU()));
    double[] c = m.classIou();
    for (int i = 0; i < c.length && i < classes.size(); i++) {
      if (!Double.isNaN(c[i])) {
        row(sb, "IoU " + classes.get(i), pct(c[i]));
      }
    }
    return sb.toString();
  }

  /** A box as COCO {@code [x, y, width, height]}. */
  public static ArrayNode boxJson(Box b) {
    ArrayNode a = JSON.createArrayNode();
    for (int v : b.toXywh()) {
      a.add(v);
    }
    return a;
  }

  /** The metrics as a Markdown table (figures in percent, fixed locale). */
  public static String markdownTable(LocalizationMetrics m) {
    StringBuilder sb = new StringBuilder();
    sb.append("| metric | value |\n|---|---|\n");
    row(sb, "images", String.valueOf(m.images()));
    row(sb, "top-1 classification", pct(m.top1Accuracy()));
    row(sb, "top-1 localization (IoU ≥ 0.5, τ = " + fmt(m.tau()) + ")", pct(m.top1Localization()));
    row(sb, "GT-known localization (IoU ≥ 0.5, τ = " + fmt(m.tau()) + ")", pct(m.gtKnownLocalization()));
    row(sb, "MaxBoxAcc (best over τ ∈ {0, 0.01, …, 1})", pct(m.maxBoxAcc()));
    row(sb, "τ* (best τ)", fmt(m.tauStar()));
    row(sb, "mean GT-known IoU", fmt(m.meanIou()));
    baselineRows(sb, m.centredBaseline(), m.centredBaselineV2(), m.wholeImageBaseline(), m.wholeImageBaselineV2());
    if (!Double.isNaN(m.maxBoxAccV2().mean())) {
      row(sb, "MaxBoxAccV2 (any component, mean over IoU 0.3 / 0.5 / 0.7)", pct(m.maxBoxAccV2().mean()));
      row(sb, "MaxBoxAcc at IoU 0.3 / 0.5 / 0.7, any component", perIou(m.maxBoxAccV2()));
      row(sb, "MaxBoxAcc at IoU 0.3 / 0.5 / 0.7, largest component", perIou(m.maxBoxAccLargest()));
    }
    if (m.maskedImages() > 0) {
      row(sb, "PxAP (pixel average precision; images with masks: " + m.maskedImages() + ")", pct(m.pxap()));
      row(sb, "PIoU (best pixel IoU, at threshold " + fmt(m.piouThreshold()) + ")", pct(m.piou()));
    }
    return sb.toString();
  }

  public static void writeMarkdown(String title, LocalizationMetrics m, List<String> notes, Path file) throws IOException {
    writeMarkdown(title, markdownTable(m), notes, file);
  }

  /** The two rows of the fixed baseline boxes ({@link BaselineBox}): GT-known loc / MaxBoxAccV2. */
  private static void baselineRows(StringBuilder sb, double centred, double centredV2, double whole, double wholeV2) {
    row(sb, "baseline: " + BaselineBox.CENTRED_HALF_AREA.description() + ", GT-known loc / MaxBoxAccV2",
        pct(centred) + " / " + pct(centredV2));
    row(sb, "baseline: " + BaselineBox.WHOLE_IMAGE.description() + ", GT-known loc / MaxBoxAccV2",
        pct(whole) + " / " + pct(wholeV2));
  }

  /**
   * One line giving the baselines on the images of a run, for under a table of methods (the
   * baselines do not depend on the method).
   */
  public static String baselineLine(double centred, double centredV2, double whole, double wholeV2) {
    return "Baselines on the same images (GT-known loc / MaxBoxAccV2): " + BaselineBox.CENTRED_HALF_AREA.description()
        + " " + pct(centred) + " / " + pct(centredV2) + "; " + BaselineBox.WHOLE_IMAGE.description() + " "
        + pct(whole) + " / " + pct(wholeV2) + ".";
  }

  /** {@link #baselineLine(double, double, double, double)} of single-label metrics. */
  public static String baselineLine(LocalizationMetrics m) {
    return baselineLine(m.centredBaseline(), m.centredBaselineV2(), m.wholeImageBaseline(), m.wholeImageBaselineV2());
  }

  /** {@link #baselineLine(double, double, double, double)} of multi-label metrics. */
  public static String baselineLine(MultiLabelMetrics m) {
    return baselineLine(m.centredBaseline(), m.centredBaselineV2(), m.wholeImageBaseline(), m.wholeImageBaselineV2());
  }

  /** "a / b / c (τ* = x / y / z)". */
  private static String perIou(MaxBoxAccV2 v) {
    return pct(v.iou30()) + " / " + pct(v.iou50()) + " / " + pct(v.iou70()) + " (τ* = " + fmt(v.tauStar30())
        + " / " + fmt(v.tauStar50()) + " / " + fmt(v.tauStar70()) + ")";
  }

  private static void row(StringBuilder sb, String k, String v) {
    sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
  }

  /** What a table shows for a figure that was not computed (NaN): an en dash, never {@code NaN}. */
  public static final String NOT_COMPUTED = "–";

  /** {@code v} as a percentage with one decimal ({@code 0.1234 → "12.3 %"}); NaN → {@link #NOT_COMPUTED}. */
  public static String pct(double v) {
    return Double.isNaN(v) ? NOT_COMPUTED : String.format(Locale.ROOT, "%.1f %%", 100 * v);
  }

  /** {@code v} with two decimals; NaN → {@link #NOT_COMPUTED}. */
  public static String fmt(double v) {
    return decimal(v, 2);
  }

  /** {@code v} with {@code digits} decimals (fixed locale); NaN → {@link #NOT_COMPUTED}. */
  public static String decimal(double v, int digits) {
    return Double.isNaN(v) ? NOT_COMPUTED : String.format(Locale.ROOT, "%." + digits + "f", v);
  }
}
