package io.camkit.experiments;

import ai.djl.ndarray.NDManager;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.dataset.Split;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.LocalizationMetrics;
import io.camkit.evaluate.SupervisedScoring;
import io.camkit.evaluate.TauCalibration;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.model.seg.Segmenter;
import io.camkit.model.seg.SegmenterOptions;
import io.camkit.model.train.CamNetTrainer;
import io.camkit.model.supervised.BoxRegressionNet;
import io.camkit.model.train.BoxTrainer;
import io.camkit.model.train.SegmentationTrainer;
import io.camkit.model.train.TrainOptions;
import io.camkit.model.train.TrainingListener;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import io.camkit.render.BarChart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How much of full supervision image labels recover: on the same built-in benchmark, CAM from a
 * camnet trained on image labels (τ* chosen on the validation split) against a U-Net and an
 * FCN-style segmenter trained on the objects' masks ({@link Segmenter}), each scored by the same
 * accumulators: top-1 classification, GT-known localization, MaxBoxAccV2, PxAP and mask mIoU,
 * with the annotation used and the training time.
 *
 * <p>A segmenter's map of class c is its softmax probability of c per pixel; its class is the one
 * with the largest probability mass; its box and mask are taken at the τ chosen on the validation
 * split (its MaxBoxAcc τ, as for CAM).
 * The supervised box head ({@link BoxRegressionNet}) is scored by its boxes alone.
 */
public final class SupervisionExperiment {
  private SupervisionExperiment() {}

  /** The τ a segmenter's validation pass is run at (its MaxBoxAcc τ is then read from the sweep). */
  static final double SEGMENTER_TAU = 0.5;

  /**
   * @param data the benchmark
   * @param training the CAM network's recipe
   * @param segmentation the segmenters' recipe
   * @param width the segmenters' first-level channels
   * @param depth the segmenters' number of poolings
   */
  public record Settings(ShapesOptions data, TrainOptions training, SegmentationTrainer.Options segmentation,
      int width, int depth) {
    /** {@code camkit demo}'s benchmark and recipe; 10 segmenter epochs. */
    public static Settings defaults() {
      return new Settings(ShapesOptions.defaults(), TrainOptions.defaults(), SegmentationTrainer.Options.defaults(),
          16, 3);
    }

    /** {@code demo --quick}'s benchmark and recipe (48×48, 2400 training images, 12 epochs); 6 segmenter epochs. */
    public static Settings quick() {
      WsolExperiment.Settings w = WsolExperiment.Settings.quick();
      SegmentationTrainer.Options d = SegmentationTrainer.Options.defaults();
      return new Settings(w.data(), w.training(),
          new SegmentationTrainer.Options(6, d.batchSize(), d.learningRate(), null, d.seed()), 16, 3);
    }
  }

  /**
   * @param method cam, unet or fcn
   * @param annotation what the training used
   * @param tau τ of the boxes and masks (CAM: validation τ*)
   * @param trainSeconds training time
   */
  public record Row(String method, String annotation, double top1, double tau, double gtKnown, double maxBoxAccV2,
      double pxap, double maskMIoU, double trainSeconds) {}

  public static List<Row> run(Settings s, Path out, Function<String, TrainingListener> listeners,
      Consumer<String> log) throws IOException {
    ShapesGenerator gen = new ShapesGenerator(s.data());
    Dataset train = gen.generate(Split.TRAIN);
    Dataset val = gen.generate(Split.VAL);
    Dataset test = gen.generate(Split.TEST);
    List<Row> rows = new ArrayList<>();
    CamNetOptions net = CamNetOptions.defaults(s.data().imageSize(), train.classes().size());
    try (CamModel model = CamNetTrainer.newModel(net, train.classes(), s.training().seed())) {
      long t0 = System.nanoTime();
      new CamNetTrainer(s.training(), listeners.apply("cam")).fit(model, train, val, Optional.empty());
      double secs = (System.nanoTime() - t0) / 1e9;
      try (CamModelLayers layers = new CamModelLayers(model)) {
        double tauStar = TauCalibration.onValidation(List.of(new Explainer(layers, MapRequest.of("cam"))), val)
            .methods().get("cam").tau();
        Evaluation.Result r = Evaluation.run(new Explainer(layers, MapRequest.of("cam").withTau(tauStar)), test);
        LocalizationMetrics m = r.metrics();
        rows.add(new Row("cam", "image labels", m.top1Accuracy(), tauStar, m.gtKnownLocalization(),
            m.maxBoxAccV2().mean(), m.pxap(), r.masks().mIoU(), secs));
      }
    }
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      BoxTrainer.Options bo = new BoxTrainer.Options(s.training().epochs(), s.training().batchSize(),
          s.training().learningRate(), BoxTrainer.Options.defaults().alpha(), s.training().seed());
      BoxRegressionNet boxNet = BoxTrainer.newNet(net, manager, s.training().seed());
      long t0 = System.nanoTime();
      new BoxTrainer(bo, line -> log.accept("box head: " + line)).fit(boxNet, manager, train);
      rows.add(scoreBoxHead(boxNet, manager, test, (System.nanoTime() - t0) / 1e9));
    }
    for (String variant : SegmenterOptions.VARIANTS) {
      SegmenterOptions o = new SegmenterOptions(variant, s.data().imageSize(), train.classes().size(), s.width(),
          s.depth(), net.mean(), net.std());
      try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
        Segmenter seg = SegmentationTrainer.newSegmenter(o, manager, s.segmentation().seed());
        long t0 = System.nanoTime();
        new SegmentationTrainer(s.segmentation(), line -> log.accept(variant + ": " + line)).fit(seg, manager, train);
        double secs = (System.nanoTime() - t0) / 1e9;
        double tau = scoreSegmenter(variant, seg, manager, val, SEGMENTER_TAU, secs).bestTau(); // chosen on validation
        rows.add(scoreSegmenter(variant, seg, manager, test, tau, secs).row());
      }
    }
    write(rows, s, out);
    return rows;
  }

  /**
   * The box head's boxes ({@link SupervisedScoring.Boxes}, as {@code camkit evaluate} scores them):
   * GT-known is IoU ≥ 0.5 with a box of the image's class (the regression names no class); top-1
   * also needs the class right; the MaxBoxAccV2 column is the mean over δ ∈ {0.3, 0.5, 0.7} of the
   * box accuracy at IoU ≥ δ, with no τ to choose. No map: PxAP and mIoU are not defined (NaN,
   * printed "–").
   */
  static Row scoreBoxHead(BoxRegressionNet net, NDManager manager, Dataset test, double secs) {
    SupervisedScoring.Boxes boxes = new SupervisedScoring.Boxes();
    for (int from = 0; from < test.size(); from += 64) {
      List<Sample> part = test.samples().subList(from, Math.min(test.size(), from + 64));
      try (NDManager scope = manager.newSubManager()) {
        List<BoxTrainer.Prediction> p = BoxTrainer.predict(net, scope, part.stream().map(Sample::image).toList());
        for (int i = 0; i < part.size(); i++) {
          boxes.add(part.get(i), p.get(i).scores(), p.get(i).box());
        }
      }
    }
    SupervisedScoring.BoxMetrics m = boxes.snapshot();
    return new Row("box head", "image labels + boxes", m.top1Accuracy(), Double.NaN, m.gtKnownLocalization(),
        m.meanBoxAccuracy(), Double.NaN, Double.NaN, secs);
  }

  /** A segmenter's row, and the MaxBoxAcc τ of the split it was scored on. */
  record Scored(Row row, double bestTau) {}

  /** The segmenter's probability maps scored as CAM maps are, at {@code tau} ({@link SupervisedScoring.Maps}). */
  static Scored scoreSegmenter(String variant, Segmenter seg, NDManager manager, Dataset test, double tau,
      double secs) {
    int classes = test.classes().size();
    SupervisedScoring.Maps maps = new SupervisedScoring.Maps(classes, tau);
    int side = seg.options().imageSize();
    int planes = (classes + 1) * side * side;
    for (int from = 0; from < test.size(); from += 64) {
      List<Sample> part = test.samples().subList(from, Math.min(test.size(), from + 64));
      try (NDManager scope = manager.newSubManager()) {
        float[] all = SegmentationTrainer.probabilities(seg, scope, part.stream().map(Sample::image).toList())
            .toFloatArray(); // [N, C + 1, S, S]
        for (int i = 0; i < part.size(); i++) {
          maps.add(part.get(i), Arrays.copyOfRange(all, i * planes, (i + 1) * planes), side);
        }
      }
    }
    LocalizationMetrics m = maps.metrics();
    return new Scored(new Row(variant, "masks", m.top1Accuracy(), tau, m.gtKnownLocalization(),
        m.maxBoxAccV2().mean(), m.pxap(), maps.masks().mIoU(), secs), m.tauStar());
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
  }

  private static void write(List<Row> rows, Settings s, Path out) throws IOException {
    StringBuilder md = new StringBuilder("# Weak vs full supervision on the built-in benchmark\n\n");
    md.append(String.format(Locale.ROOT,
        "%d×%d images, one object of %d–%d px, %d / %d / %d train / validation / test images (seed %d). CAM: camnet"
            + " with the GAP head, %d epochs, τ* = its validation MaxBoxAcc τ. Segmenters: %d-channel first level,"
            + " %d poolings, %d epochs, batch %d, Adam %.0e, seed %d, trained on the objects' masks; τ = their validation"
            + " MaxBoxAcc τ on their class probability maps, as for CAM. The same accumulators score every row on the test split.%n%n",
        s.data().imageSize(), s.data().imageSize(), s.data().minObjectSize(), s.data().maxObjectSize(),
        s.data().trainSize(), s.data().valSize(), s.data().testSize(), s.data().seed(), s.training().epochs(),
        s.width(), s.depth(), s.segmentation().epochs(), s.segmentation().batchSize(),
        s.segmentation().learningRate(), s.segmentation().seed()));
    md.append("| method | annotation | top-1 | τ | GT-known (τ) | MaxBoxAccV2 | PxAP | mask mIoU (τ) | training time |\n"
        + "|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %.0f s |%n",
          r.method(), r.annotation(), pct(r.top1()), Double.isNaN(r.tau()) ? "–" : String.format(Locale.ROOT, "%.2f",
              r.tau()), pct(r.gtKnown()), pct(r.maxBoxAccV2()), pct(r.pxap()), pct(r.maskMIoU()), r.trainSeconds()));
    }
    md.append("\n– not computed: the box head gives a box and no map, so it has no τ, no PxAP and no mask; its"
        + " MaxBoxAccV2 is the mean box accuracy at IoU ≥ 0.3, 0.5 and 0.7. Box head: camnet's trunk, GAP + linear"
        + " classes and a box branch (1×1 conv to 8, 64 hidden units, 4 sigmoid corners), trained with"
        + " L = α·CE + (1 − α)·smoothL1 (α = 0.5, β = 1/9) for the CAM network's epochs, without augmentation.\n");
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("GT-known", rows.stream().map(Row::gtKnown).toList());
    series.put("MaxBoxAccV2", rows.stream().map(Row::maxBoxAccV2).toList());
    series.put("PxAP", rows.stream().map(r -> Double.isNaN(r.pxap()) ? 0.0 : r.pxap()).toList());
    series.put("mask mIoU", rows.stream().map(r -> Double.isNaN(r.maskMIoU()) ? 0.0 : r.maskMIoU()).toList());
    ExperimentOutput.write(out, "supervision", md.toString(), s, rows,
        BarChart.render("Weak (CAM) vs full supervision (box head, U-Net, FCN)", "score", rows.stream().map(Row::method).toList(),
            series));
  }
}
