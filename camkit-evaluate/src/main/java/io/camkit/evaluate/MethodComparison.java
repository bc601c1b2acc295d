package io.camkit.evaluate;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.Options;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.evaluate.faithfulness.ChwImage;
import io.camkit.evaluate.faithfulness.ConfidenceChange;
import io.camkit.evaluate.faithfulness.DeletionInsertion;
import io.camkit.evaluate.faithfulness.DeletionInsertionOptions;
import io.camkit.evaluate.faithfulness.FaithfulnessAccumulator;
import io.camkit.evaluate.faithfulness.FaithfulnessMetrics;
import io.camkit.explain.method.CamMethod;
import io.camkit.explain.method.ClassMap;
import io.camkit.explain.target.ClassTarget;
import io.camkit.explain.target.Target;
import io.camkit.explain.target.TargetSelector;
import io.camkit.model.layers.LayeredModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Several CAM methods side by side on one single-label dataset: localization (top-1 loc, GT-known
 * loc, MaxBoxAcc from the map of the predicted and of the true class, as {@link Evaluation}) and
 * faithfulness (deletion and insertion AUC and average drop / increase in confidence from the
 * predicted class's map, on the first {@code faithfulnessImages} images; the pointing game from the
 * true class's map on all of them).
 */
public final class MethodComparison {
  private MethodComparison() {}

  /**
   * @param tau the CAM threshold of the boxes
   * @param faithfulnessImages how many images (from the start) get the deletion/insertion curves
   *     and the confidence change: 2·(steps + 1) + 2 forward passes each
   * @param curves the deletion/insertion options
   * @param pointingTolerance pixels of tolerance of the pointing game
   * @param relu ReLU before min-max (camkit's and pytorch-grad-cam's convention); false: min-max
   *     of the raw map (Zhou et al.'s code, wsolevaluation)
   */
  public record Settings(double tau, int faithfulnessImages, DeletionInsertionOptions curves, int pointingTolerance,
      boolean relu) {
    public Settings {
      Options.check(tau >= 0 && tau <= 1, "tau", tau, "0..1");
      Options.check(faithfulnessImages >= 0, "faithfulness-images", faithfulnessImages, ">= 0");
      Options.check(pointingTolerance >= 0, "pointing-tolerance", pointingTolerance, ">= 0");
    }

    public static Settings defaults() {
      return new Settings(0.2, 100, DeletionInsertionOptions.defaults(), 0, true);
    }
  }

  /** One method's line of the table. */
  public record Row(String method, String layer, LocalizationMetrics localization, FaithfulnessMetrics faithfulness,
      double msPerImage, double top5Accuracy) {}

  /**
   * @param progress called with the number of (method, image) pairs done
   */
  public static List<Row> run(LayeredModel model, List<CamMethod> methods, String layer, Dataset data,
      Settings settings, IntConsumer progress) {
    List<Row> rows = new ArrayList<>();
    int done = 0;
    for (CamMethod method : methods) {
      Scorer scorer = new Scorer(settings.tau());
      LocalizationAccumulator loc = new LocalizationAccumulator(settings.tau());
      FaithfulnessAccumulator faith = new FaithfulnessAccumulator(method.name(), settings.pointingTolerance());
      LayeredModelScorer classScorer = new LayeredModelScorer(model);
      DeletionInsertion curves = new DeletionInsertion(classScorer, settings.curves());
      ConfidenceChange confidence = new ConfidenceChange();
      long nanos = 0;
      long[] top5 = {0};
      int batch = method.batchSize();
      int[] in = model.inputSize();
      for (int from = 0; from < data.size(); from += batch) {
        List<Sample> part = data.samples().subList(from, Math.min(data.size(), from + batch));
        List<RgbImage> images = part.stream().map(Sample::image).toList();
        int[] truth = part.stream().mapToInt(Sample::label).toArray();
        long t0 = System.nanoTime();
        // two targets per image: the predicted class, then the true one
        List<ClassMap> maps = method.explain(model, images, layer, y -> {
          for (int i = 0; i < y.length; i++) {
            top5[0] += inTopK(y[i], truth[i], 5) ? 1 : 0;
          }
          return List.<Target>of(predicted(y), new ClassTarget(truth));
        });
        nanos += System.nanoTime() - t0;
        List<ChwImage> faithImages = new ArrayList<>();
        List<HeatMap> faithMaps = new ArrayList<>();
        List<Integer> faithClasses = new ArrayList<>();
        for (int i = 0; i < part.size(); i++) {
          Sample s = part.get(i);
          ClassMap pm = maps.get(2 * i);
          ClassMap tm = maps.get(2 * i + 1);
          RgbImage img = s.image();
          HeatMap tmap = settings.relu() ? tm.upsampled(img.width(), img.height())
              : tm.upsampledWithoutRelu(img.width(), img.height());
          HeatMap pmap = pm.classIndex() == tm.classIndex() ? tmap : settings.relu()
              ? pm.upsampled(img.width(), img.height()) : pm.upsampledWithoutRelu(img.width(), img.height());
          ImageOutcome o = scorer.score(s, pm.classIndex(), pm.probability(), pmap, tmap);
          loc.add(o, img.width(), img.height());
          List<Box> boxes = s.objectsOf(s.label()).stream().map(ObjectAnnotation::box).toList();
          faith.addPointing(tmap, boxes);
          if (from + i < settings.faithfulnessImages()) {
            ChwImage chw = ChwImage.of(img.resize(in[1], in[0]));
            HeatMap saliency = pm.upsampled(in[1], in[0]);
            faith.add(curves.evaluate(chw, pm.classIndex(), saliency));
            faithImages.add(chw);
            faithMaps.add(saliency);
            faithClasses.add(pm.classIndex());
          }
          progress.accept(++done);
        }
        if (!faithImages.isEmpty()) {
          confidence.add(classScorer, faithImages, faithMaps,
              faithClasses.stream().mapToInt(Integer::intValue).toArray(), settings.curves().batchSize());
        }
      }
      faith.addConfidence(confidence);
      rows.add(new Row(method.name(), layer, loc.snapshot(), faith.snapshot(),
          data.size() == 0 ? Double.NaN : nanos / 1e6 / data.size(),
          data.size() == 0 ? Double.NaN : (double) top5[0] / data.size()));
    }
    return rows;
  }

  /** One Markdown table: a line per method, localization then faithfulness (fixed locale). */
  public static String markdownTable(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| method | layer | top-1 cls | top-5 cls | top-1 loc | GT-known loc | MaxBoxAcc (τ*) | deletion AUC ↓"
        + " | insertion AUC ↑ | avg drop % ↓ | increase % ↑ | pointing | ms/image |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      LocalizationMetrics l = r.localization();
      FaithfulnessMetrics f = r.faithfulness();
      sb.append(String.format(java.util.Locale.ROOT,
          "| %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s |%n",
          r.method(), r.layer(), Reports.pct(l.top1Accuracy()), Reports.pct(r.top5Accuracy()),
          Reports.pct(l.top1Localization()),
          Reports.pct(l.gtKnownLocalization()), Reports.pct(l.maxBoxAcc()), Reports.fmt(l.tauStar()),
          Reports.decimal(f.deletionAuc(), 4), Reports.decimal(f.insertionAuc(), 4),
          Reports.decimal(f.averageDropPercent(), 1), Reports.decimal(f.increaseInConfidencePercent(), 1),
          Reports.pct(f.pointingAccuracy()), Reports.decimal(r.msPerImage(), 1)));
    }
    if (rows.stream().anyMatch(r -> Double.isNaN(r.faithfulness().deletionAuc()))) {
      sb.append("\n").append(Reports.NOT_COMPUTED).append(" not computed: the deletion/insertion curves and the"
          + " confidence drop were run on no image (faithfulnessImages = 0, or no image in the data).\n");
    }
    return sb.toString();
  }

  /** The rows as JSON-ready maps. */
  public static List<java.util.Map<String, Object>> toMaps(List<Row> rows) {
    List<java.util.Map<String, Object>> out = new ArrayList<>();
    for (Row r : rows) {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("method", r.method());
      m.put("layer", r.layer());
      m.put("localization", r.localization());
      m.put("faithfulness", r.faithfulness().toMap());
      m.put("msPerImage", r.msPerImage());
      m.put("top5Accuracy", r.top5Accuracy());
      out.add(m);
    }
    return out;
  }

  /** Whether fewer than k classes score strictly higher than {@code c} (ties count for c). */
  static boolean inTopK(float[] y, int c, int k) {
    int higher = 0;
    for (float v : y) {
      if (v > y[c]) {
        higher++;
      }
    }
    return higher < k;
  }

  private static Target predicted(float[][] y) {
    return TargetSelector.predicted().select(y).get(0);
  }
}
