package io.camkit.render;

import io.camkit.core.AtomicFiles;
import io.camkit.core.Interruption;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.ImageOutcome;
import io.camkit.evaluate.MethodComparison;
import io.camkit.evaluate.MultiLabelEvaluation;
import io.camkit.evaluate.Reports;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.ImageResult;
import io.camkit.pipeline.MapRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * An evaluation folder: runs one evaluation per request (single- or multi-label, any model and
 * method) and writes what a person reads. For the first request: {@code metrics.json} (every
 * figure, the MaxBoxAcc curve, every image), {@code report.md}, and for single-label data {@code
 * successes.png} / {@code failures.png} drawn from the same results. For every request, one
 * method or several: one line of {@code methods.md} / {@code methods.json}.
 */
public final class EvaluationReport {
  /** Tiles per contact sheet. */
  public static final int TILES = 24;

  private EvaluationReport() {}

  /**
   * Where the evaluation's τ came from, for every report: e.g. "the default of Zhou et al. 2016",
   * "chosen by the user", "τ* of cam on the validation split".
   */
  public record Context(String title, Map<String, Object> provenance, String tauSource) {
    public Context {
      provenance = new LinkedHashMap<>(provenance);
    }
  }

  /**
   * What was written, for the caller to print.
   *
   * @param partial null for a complete evaluation; after an interruption ({@link Interruption}),
   *     what the written files cover, e.g. "interrupted after 40 of 200 images (method cam)"; the
   *     files say so too
   */
  public record Written(List<Evaluation.Result> singleLabel, List<MultiLabelEvaluation.Result> multiLabel,
      String table, List<Path> files, String partial) {}

  /**
   * @param explainers one per method to score, all on the same model (build them first: their
   *     constructors check that the model can serve each request, before any work)
   * @param multiLabel score as multi-label data (per-class AP, each present class localized)
   * @param progress called with the number of (request, image) pairs done
   *
   * <p>When a stop is requested ({@link Interruption#requested()}), the method in progress stops at
   * a batch boundary, the later ones do not start, and the files cover the images scored by the
   * first method, marked partial in {@code metrics.json} ({@code partial}), {@code report.md} and
   * {@code methods.md}.
   */
  public static Written evaluate(List<Explainer> explainers, Dataset data, boolean multiLabel,
      Evaluation.Settings settings, Path out, Context context, IntConsumer progress) throws IOException {
    if (explainers.isEmpty()) {
      throw new IllegalArgumentException("no request to evaluate");
    }
    LayeredModel model = explainers.get(0).model();
    List<MapRequest> requests = explainers.stream().map(Explainer::request).toList();
    Files.createDirectories(out);
    List<Evaluation.Result> single = new ArrayList<>();
    List<MultiLabelEvaluation.Result> multi = new ArrayList<>();
    EvaluationPictures pictures = new EvaluationPictures(model.classes(), TILES);
    for (int i = 0; i < explainers.size(); i++) {
      int before = i * data.size();
      boolean first = i == 0;
      Evaluation.Listener listener = new Evaluation.Listener() {
        @Override
        public void image(Sample sample, ImageResult result, ImageOutcome outcome) {
          if (first) {
            pictures.image(sample, result, outcome);
          }
        }

        @Override
        public void progress(int images) {
          progress.accept(before + images);
        }
      };
      if (multiLabel) {
        multi.add(MultiLabelEvaluation.run(explainers.get(i), data, listener));
      } else {
        single.add(Evaluation.run(explainers.get(i), data, settings, listener));
      }
      if (Interruption.requested()) {
        break;
      }
    }
    int scored = multiLabel ? multi.get(0).images() : single.get(0).outcomes().size();
    String partial = null;
    if (scored < data.size() || single.size() + multi.size() < explainers.size()) {
      partial = "interrupted after " + scored + " of " + data.size() + " images of " + requests.get(0).methodName()
          + (explainers.size() > 1 ? "; methods scored: " + (single.size() + multi.size()) + " of " + explainers.size()
              : "");
      if (scored == 0) {
        return new Written(single, multi, "", List.of(), partial);
      }
    }
    Map<String, Object> prov = new LinkedHashMap<>(context.provenance());
    prov.put("dataset", data.name());
    prov.put("images", scored);
    if (partial != null) {
      prov.put("partial", partial + ": every figure covers only the images scored");
    }
    prov.put("method", explainers.get(0).request().methodName());
    prov.put("layer", explainers.get(0).layer());
    prov.put("tau", requests.get(0).tau());
    prov.put("tauSource", context.tauSource());
    prov.put("refinement", requests.get(0).refine() == null ? "none" : requests.get(0).refine().spec());
    List<Path> files = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    if (partial != null) {
      notes.add("**Partial evaluation**: " + partial + "; every figure below covers only those images.");
    }
    notes.add(String.format(Locale.ROOT, "Method `%s` at layer `%s` of %s; τ = %s (%s).", prov.get("method"),
        prov.get("layer"), model.description(), Reports.fmt(requests.get(0).tau()), context.tauSource()));
    String table;
    double[] firstCurve = multiLabel ? multi.get(0).maxBoxAccCurve() : single.get(0).maxBoxAccCurve();
    if (requests.get(0).tau() != io.camkit.localize.ThresholdLocalizer.DEFAULT_TAU) {
      notes.add(atTauLine(firstCurve, io.camkit.localize.ThresholdLocalizer.DEFAULT_TAU,
          "the default of Zhou et al. 2016, for comparison"
              + (requests.get(0).refine() == null ? "" : ", on the same refined map")));
    }
    if (multiLabel) {
      MultiLabelEvaluation.Result r = multi.get(0);
      Reports.writeJson(r, model.classes(), prov, out.resolve("metrics.json"));
      notes.add("Multi-label: each class present in an image is localized from its own map and scored against that"
          + " class's boxes; AP ranks the raw class scores over the images. Every figure: `metrics.json`.");
      table = Reports.markdownTable(r.metrics(), model.classes()) + masks(r.masks(), model.classes());
    } else {
      Evaluation.Result r = single.get(0);
      Reports.writeJson(r, model.classes(), prov, out.resolve("metrics.json"));
      files.addAll(pictures.write(out, requests.get(0).tau()));
      notes.add("Pictures: `successes.png`, `failures.png`. Every image: `metrics.json`.");
      table = Reports.markdownTable(r.metrics()) + masks(r.masks(), model.classes());
    }
    Reports.writeMarkdown(context.title() + ": " + data.name() + (partial == null ? "" : " (partial)"), table, notes, out.resolve("report.md"));
    files.add(out.resolve("metrics.json"));
    files.add(out.resolve("report.md"));
    String methods = (multiLabel ? multiLabelMethods(multi) : MethodComparison.markdownTable(single)) + "\n"
        + (multiLabel ? Reports.baselineLine(multi.get(0).metrics()) : Reports.baselineLine(single.get(0).metrics()))
        + "\n";
    Map<String, Object> json = new LinkedHashMap<>(prov);
    json.remove("method");
    json.put("settings", settings);
    json.put("methods", multiLabel ? multi : MethodComparison.toMaps(single));
    AtomicFiles.writeString(out.resolve("methods.json"), io.camkit.model.ModelCard.toJson(json));
    AtomicFiles.writeString(out.resolve("methods.md"), "# camkit methods on " + data.name() + "\n\n"
        + (partial == null ? "" : "**Partial evaluation**: " + partial + ".\n\n")
        + String.format(Locale.ROOT, "%s, layer `%s`, τ = %s (%s)%s.%n%n", model.description(),
            explainers.get(0).layer(), Reports.fmt(requests.get(0).tau()), context.tauSource(),
            multiLabel ? "" : "; faithfulness on the first " + Math.min(settings.faithfulnessImages(), data.size())
                + " images (" + settings.curves().steps() + " steps)")
        + methods);
    files.add(out.resolve("methods.json"));
    files.add(out.resolve("methods.md"));
    if (requests.size() > 1) {
      table = methods; // several methods: the side-by-side table is what to read
    }
    return new Written(single, multi, table, files, partial);
  }

  /** One line per method of a multi-label evaluation. */
  static String multiLabelMethods(List<MultiLabelEvaluation.Result> rows) {
    StringBuilder sb = new StringBuilder("| method | layer | mAP | GT-known loc | MaxBoxAcc (τ*) | pointing |\n");
    sb.append("|---|---|---|---|---|---|\n");
    for (MultiLabelEvaluation.Result r : rows) {
      var m = r.metrics();
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s (%.2f) | %s |%n", r.method(), r.layer(),
          Reports.pct(m.mAP()), Reports.pct(m.gtKnownLocalization()), Reports.pct(m.maxBoxAcc()), m.tauStar(),
          Reports.pct(m.pointingGame())));
    }
    return sb.toString();
  }

  /** GT-known localization at {@code tau} read from a MaxBoxAcc curve over the τ grid {0, 1/(n−1), …, 1}. */
  public static double atTau(double[] curve, double tau) {
    return curve[(int) Math.round(tau * (curve.length - 1))];
  }

  /** GT-known localization read off {@code curve} at {@code tau}, saying where that τ comes from. */
  public static String atTauLine(double[] curve, double tau, String source) {
    double v = atTau(curve, tau);
    return String.format(Locale.ROOT, "GT-known localization at τ = %.2f (%s): %s", tau, source, Reports.pct(v));
  }

  /** The mask table after a blank line, or nothing when the data has no masks. */
  private static String masks(io.camkit.evaluate.MaskIouMetrics m, List<String> classes) {
    String t = Reports.maskTable(m, classes);
    return t.isEmpty() ? "" : "\n" + t;
  }
}
