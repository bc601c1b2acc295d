package io.camkit.cli;

import io.camkit.dataset.Dataset;
import io.camkit.dataset.Split;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.core.AtomicFiles;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.MultiLabelEvaluation;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import io.camkit.render.EvaluationReport;
import io.camkit.pipeline.Calibration;
import java.util.Optional;
import java.util.List;
import io.camkit.model.train.CamNetTrainer;
import io.camkit.evaluate.Reports;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.model.CamModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code camkit demo}: generate → train → evaluate → render, on the built-in benchmark. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Generate the built-in benchmark, train a CNN-GAP net on image labels only, localize with CAM, score and"
        + " draw. Without --epochs and --lr the demo trains 8 epochs at a peak learning rate of 0.003 (train's 16 at"
        + " 0.001 reach the same classification in twice the time).")
final class DemoCommand implements Callable<Integer> {
  /** The demo's schedule when the user gives none ({@link io.camkit.model.train.TrainOptions#demoSchedule()}). */
  static final int EPOCHS = io.camkit.model.train.TrainOptions.demoSchedule().epochs();

  static final float LR = io.camkit.model.train.TrainOptions.demoSchedule().learningRate();

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
  Path out = Path.of("runs/demo");

  @Option(names = "--tau", description = "box threshold, a fraction of the map's max (default: τ* of the validation"
      + " split)")
  Double tau;

  @Option(names = "--refine", defaultValue = "auto", description = "refine the map with the image before boxes (a"
      + " guided filter): auto (chosen with τ on the validation split), none, or RADIUS,EPS (default: ${DEFAULT-VALUE})")
  String refine;

  @Option(names = "--quick", description = "a one-minute taste: 48×48 images, objects of 14–26 px (with --multi-object: 64×64, 12–24 px),"
      + " 2400 training images, 12 epochs")
  boolean quick;

  @Mixin ShapesMixin shapes;
  @Mixin TrainMixin training;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    OptionalDouble userTau = tau == null ? OptionalDouble.empty() : OptionalDouble.of(tau);
    var parsed = spec.commandLine().getParseResult();
    if (!quick && !parsed.hasMatchedOption("--epochs")) {
      training.epochs = EPOCHS;
    }
    if (!quick && !parsed.hasMatchedOption("--lr")) {
      training.lr = LR;
    }
    if (quick) {
      boolean multi = shapes.multiObject || shapes.maxObjects > 1;
      // Up to 3 objects need room: the pooling experiment's 64×64 images with objects of 12–24 px.
      shapes.imageSize = multi ? 64 : 48;
      shapes.minObjectSize = multi ? 12 : 14;
      shapes.maxObjectSize = multi ? 24 : 26;
      shapes.distractors = 1;
      shapes.lines = 2;
      shapes.trainSize = 2400;
      shapes.valSize = 200;
      shapes.testSize = 300;
      training.epochs = 12;
    }
    ShapesOptions data = shapes.options();
    training.options(); // validate before any work
    io.camkit.model.CamNetOptions net =
        training.net(data.imageSize(), io.camkit.dataset.shapes.ShapesGenerator.classNames().size());
    boolean multiLabel = data.multiLabel() || training.multiLabel;
    System.out.println("camkit demo -> " + out.toAbsolutePath());
    ShapesGenerator gen = new ShapesGenerator(data);
    Dataset train = gen.generate(Split.TRAIN);
    Dataset val = gen.generate(Split.VAL);
    Dataset test = gen.generate(Split.TEST);
    CocoFormat.write(test, out.resolve("data").resolve(Split.TEST.label()));
    System.out.printf("generated %d/%d/%d train/val/test images (seed %d); test split written to %s%n",
        train.size(), val.size(), test.size(), data.seed(), out.resolve("data/test"));
    // generated data has no bad files, but the run's outputs look like train's: summary line and problems.json
    Workflows.reportProblems(train.size() + val.size() + test.size(), java.util.List.of(), out);
    Path modelDir = Workflows.train(train, val, data, training, out);
    // τ chosen on the validation split (its MaxBoxAcc τ*, stored beside the model), then used on the test split.
    Optional<Calibration> calibration = net.hasCam() ? Workflows.calibrate(modelDir, val) : Optional.empty();
    try (CamModel model = CamModel.load(modelDir); LayeredModel layers = new CamModelLayers(model)) {
      if (!net.hasCam()) {
        classificationOnly(model, test, multiLabel);
      } else {
        Calibration.TauChoice choice =
            Calibration.choose(userTau, refine, calibration, "cam", ThresholdLocalizer.DEFAULT_TAU);
        Explainer explainer = new Explainer(layers, choice.applyTo(MapRequest.of("cam")));
        var context = new EvaluationReport.Context(multiLabel ? "camkit multi-label evaluation" : "camkit evaluation",
            Map.of("model", modelDir.toString(), "data", data), choice.source());
        EvaluationReport.Written w;
        try (Progress p = new Progress("evaluate", test.size(), 0, "images")) {
          w = EvaluationReport.evaluate(List.of(explainer), test, multiLabel, Evaluation.Settings.localizationOnly(),
              out, context, done -> p.step(done, ""));
        }
        System.out.println();
        System.out.println(w.table());
        if (w.partial() != null) {
          throw new io.camkit.core.Interruption.Interrupted("interrupted: the model in " + modelDir + " is complete; "
              + (w.files().isEmpty() ? "no test image was scored" : "partial evaluation (" + w.partial()
                  + ") written, marked partial, to " + out));
        }
        double[] curve = multiLabel ? w.multiLabel().get(0).maxBoxAccCurve() : w.singleLabel().get(0).maxBoxAccCurve();
        System.out.println(EvaluationReport.atTauLine(curve, ThresholdLocalizer.DEFAULT_TAU,
            "the default of Zhou et al. 2016, for comparison" + (choice.refine() == null ? "" : ", on the refined map")));
        if (choice.refine() != null && !multiLabel) {
          unrefined(layers, test, calibration.map(c -> c.methods().get("cam")).map(Calibration.Entry::unrefined));
        }
      }
    }
    System.out.printf("model: %s%nreport: %s%npictures: %s%s%ntotal time: %.0f s%n",
        modelDir, out.resolve("report.md"), out.resolve("training-curves.png"),
        multiLabel || !net.hasCam() ? "" : ", " + out.resolve("successes.png") + ", " + out.resolve("failures.png"),
        (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  /**
   * What the refinement adds: the same test split scored on the map as CAM gives it, at its own τ*
   * from the validation split and at 0.2; appended to report.md.
   */
  private void unrefined(LayeredModel layers, Dataset test, Optional<Calibration.Entry> fromVal) throws java.io.IOException {
    double tauStar = fromVal.map(Calibration.Entry::tau).orElse(ThresholdLocalizer.DEFAULT_TAU);
    io.camkit.evaluate.Evaluation.Result r;
    try (Progress p = new Progress("evaluate without refinement", test.size(), 0, "images")) {
      r = io.camkit.evaluate.Evaluation.run(new Explainer(layers, MapRequest.of("cam").withTau(tauStar)), test,
          io.camkit.evaluate.Evaluation.Settings.localizationOnly(), new io.camkit.evaluate.Evaluation.Listener() {
            @Override
            public void progress(int done) {
              p.step(done, "");
            }
          });
    }
    io.camkit.evaluate.LocalizationMetrics m = r.metrics();
    String line = String.format(java.util.Locale.ROOT, "Without the refinement (the map as CAM gives it, same model and"
        + " test split): GT-known localization %s at τ = %.2f (%s), %s at τ = 0.20; MaxBoxAccV2 %s; PxAP %s.",
        Reports.pct(m.gtKnownLocalization()), tauStar, fromVal.isPresent()
            ? "its τ* on the validation split, MaxBoxAcc " + Reports.pct(fromVal.get().maxBoxAcc()) + " there"
            : "no τ* of the unrefined map was stored",
        Reports.pct(EvaluationReport.atTau(r.maxBoxAccCurve(), ThresholdLocalizer.DEFAULT_TAU)),
        m.maxBoxAccV2() == null ? "–" : Reports.pct(m.maxBoxAccV2().mean()), Reports.pct(m.pxap()));
    System.out.println(line);
    Path report = out.resolve("report.md");
    AtomicFiles.writeString(report, java.nio.file.Files.readString(report) + "\n" + line + "\n");
  }

  /** A net without CAM (cnn-flatten): test accuracy only, and why there are no boxes. */
  private void classificationOnly(CamModel model, Dataset test, boolean multiLabel) throws java.io.IOException {
    double[] lossAcc = multiLabel ? CamNetTrainer.evaluateMultiLabel(model, test) : CamNetTrainer.evaluate(model, test);
    String line = String.format(java.util.Locale.ROOT, "test %saccuracy %s (%d images); no localization: %s",
        multiLabel ? "exact-match " : "", Reports.pct(lossAcc[1]), test.size(),
        io.camkit.model.CamNet.noCamMessage(model.options().arch()));
    AtomicFiles.writeString(out.resolve("report.md"), "# camkit demo: " + model.options().arch() + "\n\n" + line + "\n");
    System.out.println(line);
  }
}
