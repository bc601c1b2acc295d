package io.camkit.experiments;

import io.camkit.dataset.Dataset;
import io.camkit.dataset.Split;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.LocalizationMetrics;
import io.camkit.evaluate.MultiLabelEvaluation;
import io.camkit.evaluate.MultiLabelMetrics;
import io.camkit.evaluate.Reports;
import io.camkit.evaluate.TauCalibration;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.model.train.CamNetTrainer;
import io.camkit.model.train.TrainOptions;
import io.camkit.model.train.TrainingListener;
import io.camkit.model.wsol.WsolOptions;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import io.camkit.render.BarChart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * CAM vs HaS vs ACoL vs ADL vs CutMix on the built-in benchmark, evaluated as Choe et al.
 * ("Evaluating Weakly Supervised Object Localization Methods Right", CVPR 2020) ask: the same
 * network and training recipe for every method ({@link WsolOptions} with each method's default
 * hyper-parameters), τ* chosen on the validation split (its MaxBoxAcc τ, {@link TauCalibration},
 * as {@code camkit train} does), then on the test split top-1 classification, GT-known
 * localization at the customary τ = 0.2 and at τ*, the τ-free MaxBoxAccV2 and PxAP, the mask mIoU
 * at τ*, and the training time. Every method is scored through camkit's CAM (for ACoL: branch A's,
 * the network's classifier, {@link CamModelLayers#acolBranchA}); ACoL is scored a second time with
 * the paper's fused map {@code max(norm A, norm B)} ({@link io.camkit.model.CamNet#acolFusedMaps}),
 * the map camkit's CAM reads on an ACoL net by default, on both splits.
 */
public final class WsolExperiment {
  private WsolExperiment() {}

  /** The methods compared, in table order. */
  public static final List<String> METHODS = List.of("cam", "has", "acol", "adl", "cutmix");

  /**
   * @param data the benchmark (train, validation and test splits)
   * @param training the recipe every method shares
   * @param wsol every method's hyper-parameters (the method field is set per row)
   * @param grid whether each method's own hyper-parameters are chosen on validation among {@link
   *     #candidates} (else every method runs at {@code wsol})
   */
  public record Settings(ShapesOptions data, TrainOptions training, WsolOptions wsol, boolean grid) {
    /** Every method at its default hyper-parameters ({@code wsol}), no grid. */
    public Settings(ShapesOptions data, TrainOptions training, WsolOptions wsol) {
      this(data, training, wsol, false);
    }

    /** The same settings, each method's hyper-parameters chosen on validation from {@link #candidates}. */
    public Settings withGrid(boolean g) {
      return new Settings(data, training, wsol, g);
    }

    /**
     * The candidates of {@code method}: its defaults ({@code wsol} with the method set), and with
     * {@link #grid} a second value of each of its own hyper-parameters, one changed at a time — HaS
     * patch side s and 2s (s = 8 px at 48 px, 16 px at 96), ADL γ 0.9 and 0.8 and drop rate 0.75 and
     * 0.5, ACoL δ 0.7 and 0.5, CutMix probability 1 and 0.5. Plain CAM has none.
     */
    public List<WsolOptions> candidates(String method) {
      WsolOptions d = wsol.withMethod(method);
      if (!grid) {
        return List.of(d);
      }
      return switch (method) {
        case "has" -> List.of(d, new WsolOptions(method, 2 * d.hasPatch(), d.hasProb(), d.adlGamma(), d.adlDropRate(),
            d.acolDelta(), d.cutMixAlpha(), d.cutMixProb()));
        case "adl" -> List.of(d, new WsolOptions(method, d.hasPatch(), d.hasProb(), 0.8, d.adlDropRate(), d.acolDelta(),
            d.cutMixAlpha(), d.cutMixProb()), new WsolOptions(method, d.hasPatch(), d.hasProb(), d.adlGamma(), 0.5,
            d.acolDelta(), d.cutMixAlpha(), d.cutMixProb()));
        case "acol" -> List.of(d, new WsolOptions(method, d.hasPatch(), d.hasProb(), d.adlGamma(), d.adlDropRate(), 0.5,
            d.cutMixAlpha(), d.cutMixProb()));
        case "cutmix" -> List.of(d, new WsolOptions(method, d.hasPatch(), d.hasProb(), d.adlGamma(), d.adlDropRate(),
            d.acolDelta(), d.cutMixAlpha(), 0.5));
        default -> List.of(d);
      };
    }

    /** Whether the benchmark holds several objects per image (multi-label training and scoring). */
    public boolean multiObject() {
      return data.multiLabel();
    }

    /**
     * {@code camkit demo --quick --multi-object}'s benchmark with {@link #quick()}'s recipe: 64×64
     * images with 1–3 objects of distinct classes, 12–24 px, 2400 / 200 / 300 images, 12 epochs.
     */
    public static Settings quickMultiObject() {
      Settings q = quick();
      ShapesOptions d = q.data();
      return new Settings(new ShapesOptions(64, 12, 24, 1, 3, d.distractors(), d.lines(), d.noiseSigma(),
          d.trainSize(), d.valSize(), d.testSize(), d.seed()), q.training(), q.wsol(), q.grid());
    }

    /** The pooling experiment's multi-object benchmark at 64×64 (1–3 objects, 12–24 px), 4000 / 500 / 500 images, 16 epochs. */
    public static Settings multiObjectDefaults() {
      ShapesOptions d = ShapesOptions.defaults();
      WsolOptions w = WsolOptions.none();
      return new Settings(new ShapesOptions(64, 12, 24, 1, 3, 1, 2, d.noiseSigma(), 4000, 500, 500, d.seed()),
          TrainOptions.defaults(), new WsolOptions("cam", 8, w.hasProb(), w.adlGamma(), w.adlDropRate(),
              w.acolDelta(), w.cutMixAlpha(), w.cutMixProb()));
    }

    /** The {@code camkit demo} benchmark and recipe: 96×96, 8000 / 500 / 1000 images, 8 epochs at 3·10⁻³. */
    public static Settings defaults() {
      return new Settings(ShapesOptions.defaults(), TrainOptions.demoSchedule(), WsolOptions.none());
    }

    /**
     * {@code camkit demo --quick}'s benchmark and recipe: 48×48 images with objects of 14–26 px,
     * 2400 / 200 / 300 images, 12 epochs; HaS patches of 8 px (16 px would hide a third of such an
     * image per patch).
     */
    public static Settings quick() {
      ShapesOptions d = ShapesOptions.defaults();
      WsolOptions w = WsolOptions.none();
      return new Settings(new ShapesOptions(48, 14, 26, 1, 1, 1, 2, d.noiseSigma(), 2400, 200, 300, d.seed()),
          TrainOptions.defaults().withEpochs(12),
          new WsolOptions("cam", 8, w.hasProb(), w.adlGamma(), w.adlDropRate(), w.acolDelta(), w.cutMixAlpha(),
              w.cutMixProb()));
    }
  }

  /**
   * One method's scores on the test split.
   *
   * @param method the method (with "fused" for ACoL's fused map)
   * @param top1 top-1 classification
   * @param gtKnownAt02 GT-known localization at τ = 0.2
   * @param tauStar τ* chosen on the validation split
   * @param gtKnownAtTauStar GT-known localization at τ*
   * @param testMaxBoxAcc MaxBoxAcc on the test split (its own best τ: the ceiling τ* aims at)
   * @param maxBoxAccV2 MaxBoxAccV2 (mean over IoU 0.3 / 0.5 / 0.7, any component)
   * @param pxap pixel average precision against the masks
   * @param maskMIoU mIoU over classes of the masks at τ*
   * @param trainSeconds training time (the fused row repeats ACoL's; with a grid, the chosen
   *     candidate's)
   * @param hyper the method's own hyper-parameters of this row ("" for plain CAM)
   * @param valMaxBoxAcc MaxBoxAcc on the validation split (at τ*), what the grid chooses by
   * @param candidates how many settings of the method were trained (1 without a grid)
   * @param gtKnownRefined GT-known localization with the map's guided-filter refinement and its τ
   *     both chosen on the validation split (NaN for multi-label data: not computed)
   * @param refinement the refinement validation chose ("none", or the guided filter's RADIUS,EPS)
   */
  public record Row(String method, double top1, double gtKnownAt02, double tauStar, double gtKnownAtTauStar,
      double testMaxBoxAcc, double maxBoxAccV2, double pxap, double maskMIoU, double trainSeconds, String hyper,
      double valMaxBoxAcc, int candidates, double gtKnownRefined, String refinement) {}

  /** The method's own hyper-parameters, as written in the table: "s = 8 px", "γ = 0.90, rate 0.75"… */
  static String hyper(WsolOptions w) {
    return switch (w.method()) {
      case "has" -> String.format(Locale.ROOT, "s = %d px, p = %.2f", w.hasPatch(), w.hasProb());
      case "adl" -> String.format(Locale.ROOT, "γ = %.2f, rate %.2f", w.adlGamma(), w.adlDropRate());
      case "acol" -> String.format(Locale.ROOT, "δ = %.2f", w.acolDelta());
      case "cutmix" -> String.format(Locale.ROOT, "α = %.1f, p = %.2f", w.cutMixAlpha(), w.cutMixProb());
      default -> "";
    };
  }

  public static List<Row> run(Settings s, Path out, Function<String, TrainingListener> listeners) throws IOException {
    ShapesGenerator gen = new ShapesGenerator(s.data());
    Dataset train = gen.generate(Split.TRAIN);
    Dataset val = gen.generate(Split.VAL);
    Dataset test = gen.generate(Split.TEST);
    List<Row> rows = new ArrayList<>();
    TrainOptions recipe = s.training().withMultiLabel(s.multiObject());
    for (String method : METHODS) {
      if (s.multiObject() && method.equals("acol")) {
        continue; // branch B erases by each image's one class: single-label only (CamNetTrainer refuses it)
      }
      // Each candidate is trained and scored on validation only; the best validation MaxBoxAcc (of
      // the map CAM reads: for ACoL the fused one) is kept, and only it sees the test split.
      List<WsolOptions> candidates = s.candidates(method);
      CamModel best = null;
      double bestVal = -1;
      double bestSecs = 0;
      try {
        for (WsolOptions w : candidates) {
          CamNetOptions net = CamNetOptions.defaults(s.data().imageSize(), train.classes().size()).withWsol(w);
          CamModel model = CamNetTrainer.newModel(net, train.classes(), s.training().seed());
          long t0 = System.nanoTime();
          try {
            new CamNetTrainer(recipe, listeners.apply(method)).fit(model, train, val, Optional.empty());
          } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
          }
          double secs = (System.nanoTime() - t0) / 1e9;
          double v = candidates.size() == 1 ? Double.NaN : validationMaxBoxAcc(model, val);
          if (best == null || v > bestVal) {
            if (best != null) {
              best.close();
            }
            best = model;
            bestVal = v;
            bestSecs = secs;
          } else {
            model.close();
          }
        }
        // ACoL: branch A's CAM, then the paper's fused map (what localize and evaluate read)
        String h = hyper(best.options().wsol());
        rows.add(scoreWithCam(method, CamModelLayers.acolBranchA(best), val, test, bestSecs, h, candidates.size()));
        if (method.equals("acol")) {
          rows.add(scoreWithCam("acol (fused map)", new CamModelLayers(best), val, test, bestSecs, h,
              candidates.size()));
        }
      } finally {
        if (best != null) {
          best.close();
        }
      }
    }
    write(rows, s, out);
    return rows;
  }

  /** The validation MaxBoxAcc of the map camkit's CAM reads on {@code model} (ACoL: the fused map). */
  private static double validationMaxBoxAcc(CamModel model, Dataset val) {
    try (CamModelLayers layers = new CamModelLayers(model)) { // a view: closing it leaves the model open
      return TauCalibration.onValidation(List.of(new Explainer(layers, MapRequest.of("cam"))), val)
          .methods().get("cam").maxBoxAcc();
    }
  }

  /** τ* on validation through camkit's CAM explainer on {@code view}, then the test split at τ*. */
  private static Row scoreWithCam(String method, CamModelLayers view, Dataset val, Dataset test, double secs,
      String hyper, int candidates) {
    Calibration.Entry chosen;
    Evaluation.Result r;
    double refined;
    String refineSpec;
    try (CamModelLayers layers = view) { // a view: closing it leaves the model open
      chosen = TauCalibration.onValidation(List.of(new Explainer(layers, MapRequest.of("cam"))), val)
          .methods().get("cam");
      Explainer atTauStar = new Explainer(layers, MapRequest.of("cam").withTau(chosen.tau()));
      if (test.multiLabel()) {
        // per (image, present class) pair, each class localized from its own map; no MaxBoxAccV2 or PxAP
        MultiLabelEvaluation.Result ml = MultiLabelEvaluation.run(atTauStar, test, new Evaluation.Listener() {});
        MultiLabelMetrics mm = ml.metrics();
        return new Row(method, mm.mAP(), atTau(ml.maxBoxAccCurve(), ThresholdLocalizer.DEFAULT_TAU), chosen.tau(),
            mm.gtKnownLocalization(), mm.maxBoxAcc(), Double.NaN, Double.NaN, ml.masks().mIoU(), secs, hyper,
            chosen.maxBoxAcc(), candidates, Double.NaN, "–");
      }
      r = Evaluation.run(atTauStar, test);
      // the same map refined by the guided filter validation prefers (or none), at its own τ*
      Calibration.Entry withRefine = TauCalibration.onValidation(List.of(new Explainer(layers, MapRequest.of("cam"))),
          val, io.camkit.localize.GuidedFilter.candidates(), (done, total) -> {}).methods().get("cam");
      refined = Evaluation.run(new Explainer(layers, MapRequest.of("cam").withTau(withRefine.tau())
          .withRefinement(withRefine.guidedFilter())), test).metrics().gtKnownLocalization();
      refineSpec = withRefine.guidedFilter() == null ? "none" : withRefine.guidedFilter().spec();
    }
    LocalizationMetrics m = r.metrics();
    return new Row(method, m.top1Accuracy(), atTau(r.maxBoxAccCurve(), ThresholdLocalizer.DEFAULT_TAU), chosen.tau(),
        m.gtKnownLocalization(), m.maxBoxAcc(), m.maxBoxAccV2().mean(), m.pxap(), r.masks().mIoU(), secs, hyper,
        chosen.maxBoxAcc(), candidates, refined, refineSpec);
  }

  /** GT-known localization at {@code tau} read from the MaxBoxAcc curve (τ on the 0.01 grid). */
  static double atTau(double[] curve, double tau) {
    return curve[(int) Math.round(tau * (LocalizationMetrics.TAU_STEPS - 1))];
  }

  private static void write(List<Row> rows, Settings s, Path out) throws IOException {
    StringBuilder md = new StringBuilder("# WSOL methods on the built-in benchmark, τ chosen on validation\n\n");
    WsolOptions w = s.wsol();
    md.append(String.format(Locale.ROOT,
        "%d×%d images, %s of %d–%d px, %d / %d / %d train / validation / test images (seed %d); camnet"
            + " with the GAP head, %d epochs, batch %d, Adam %.0e, flips and shifts, seed %d. HaS: %d-px patches,"
            + " p = %.2f; ADL: γ = %.2f, drop rate %.2f; ACoL: δ = %.2f; CutMix: α = %.1f, p = %.1f. τ* is the"
            + " validation split's MaxBoxAcc τ; every test figure below except GT-known at 0.2 uses it.%s%n%n",
        s.data().imageSize(), s.data().imageSize(), s.multiObject() ? String.format(Locale.ROOT,
            "%d–%d objects of distinct classes (multi-label training; per present class: mAP instead of top-1,"
                + " localization of each class from its own map; no MaxBoxAccV2 or PxAP; ACoL is single-label only)",
            s.data().minObjects(), s.data().maxObjects()) : "one object",
        s.data().minObjectSize(), s.data().maxObjectSize(),
        s.data().trainSize(), s.data().valSize(), s.data().testSize(), s.data().seed(), s.training().epochs(),
        s.training().batchSize(), s.training().learningRate(), s.training().seed(), w.hasPatch(), w.hasProb(),
        w.adlGamma(), w.adlDropRate(), w.acolDelta(), w.cutMixAlpha(), w.cutMixProb(), s.grid() ? " With the grid,"
            + " each method's own hyper-parameters are chosen among its candidates by validation MaxBoxAcc (ACoL: of"
            + " the fused map); the column says which won, and only the winner is scored on the test split." : ""));
    md.append("| method | hyper-parameters (of candidates) | val MaxBoxAcc | " + (s.multiObject() ? "mAP" : "top-1") + " | GT-known (τ = 0.2) | τ* (val) | GT-known (τ*) | test MaxBoxAcc | MaxBoxAccV2 | PxAP"
        + " | mask mIoU (τ*) | GT-known, guided filter + τ from val (setting) | training time |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT,
          "| %s | %s (%d) | %s | %.1f %% | %.1f %% | %.2f | %.1f %% | %.1f %% | %s | %s | %.1f %% | %s | %.0f s |%n",
          r.method(), r.hyper().isEmpty() ? "–" : r.hyper(), r.candidates(), Reports.pct(r.valMaxBoxAcc()),
          100 * r.top1(), 100 * r.gtKnownAt02(), r.tauStar(), 100 * r.gtKnownAtTauStar(), 100 * r.testMaxBoxAcc(),
          Reports.pct(r.maxBoxAccV2()), Reports.pct(r.pxap()), 100 * r.maskMIoU(),
          Double.isNaN(r.gtKnownRefined()) ? "– (not computed for multi-label rows)"
              : Reports.pct(r.gtKnownRefined()) + " (" + r.refinement() + ")", r.trainSeconds()));
    }
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("GT-known (τ = 0.2)", rows.stream().map(Row::gtKnownAt02).toList());
    series.put("GT-known (τ* from val)", rows.stream().map(Row::gtKnownAtTauStar).toList());
    if (!s.multiObject()) {
      series.put("GT-known, guided filter (val)", rows.stream().map(Row::gtKnownRefined).toList());
      series.put("MaxBoxAccV2", rows.stream().map(Row::maxBoxAccV2).toList());
      series.put("PxAP", rows.stream().map(Row::pxap).toList());
    } else {
      series.put("mask mIoU (τ*)", rows.stream().map(Row::maskMIoU).toList());
    }
    List<String> names = rows.stream().map(r -> r.method().replace(" (fused map)", " fused")).toList();
    ExperimentOutput.write(out, "wsol", md.toString(), s, rows,
        BarChart.render("WSOL methods, τ chosen on validation", "score", names, series));
  }
}
