package io.camkit.evaluate;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.InnerProgress;
import io.camkit.core.Interruption;
import io.camkit.core.Options;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.evaluate.faithfulness.ChwImage;
import io.camkit.evaluate.faithfulness.ConfidenceChange;
import io.camkit.evaluate.faithfulness.DeletionInsertion;
import io.camkit.evaluate.faithfulness.DeletionInsertionOptions;
import io.camkit.evaluate.faithfulness.FaithfulnessAccumulator;
import io.camkit.evaluate.faithfulness.FaithfulnessMetrics;
import io.camkit.evaluate.faithfulness.Road;
import io.camkit.evaluate.faithfulness.RoadOptions;
import io.camkit.explain.target.ClassTarget;
import io.camkit.explain.target.Target;
import io.camkit.explain.target.TargetSelector;
import io.camkit.pipeline.ClassResult;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.ImageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Single-label evaluation of any model and method: the {@link Explainer} maps each image's
 * predicted and true class in one pass, and each image is scored from those results (top-1 loc,
 * GT-known loc and MaxBoxAcc as {@link Scorer}; the pointing game from the true class's map;
 * deletion/insertion and the confidence change from the predicted class's map on the first
 * {@link Settings#faithfulnessImages()} images). Pictures and per-image reports are drawn from
 * the same results through a {@link Listener}: the model never runs twice for an image.
 */
public final class Evaluation {
  /** The most images handed to the explainer at once (it splits them into the method's batches). */
  static final int CHUNK = 64;

  /**
   * Images explained and scored per step: one batch of the explainer's ({@link
   * Explainer#batchSize()}: 8 for 224-px photos, up to 64 for small inputs), at most {@link
   * #CHUNK}. Progress moves, and a stop loses at most, one step: with Score-CAM (seconds per image)
   * a step of 64 kept the run's count at 0 and its ETA unknown for the first 64 images, 10 minutes
   * and more. With test-time augmentation the explainer passes a step's copies in several batches.
   */
  static int chunk(Explainer explainer) {
    return chunk(explainer.batchSize());
  }

  /** {@code clamp(batch, 1, CHUNK)}. */
  static int chunk(int batch) {
    return Math.max(1, Math.min(CHUNK, batch));
  }

  private Evaluation() {}

  /**
   * @param faithfulnessImages how many images (from the start) get the deletion/insertion curves
   *     and the confidence change: 2·(steps + 1) + 2 forward passes each; 0 for none
   * @param curves the deletion/insertion options
   * @param pointingTolerance pixels of tolerance of the pointing game
   * @param road ROAD on the same images ({@link RoadOptions#none()} for none): 2·|percentiles| + 1
   *     forward passes and 2·|percentiles| sparse solves each
   */
  public record Settings(int faithfulnessImages, DeletionInsertionOptions curves, int pointingTolerance,
      RoadOptions road) {
    public Settings {
      Options.check(faithfulnessImages >= 0, "faithfulness-images", faithfulnessImages, ">= 0");
      Options.check(pointingTolerance >= 0, "pointing-tolerance", pointingTolerance, ">= 0");
      java.util.Objects.requireNonNull(road, "road");
    }

    /** With ROAD at its defaults ({@link RoadOptions#defaults()}). */
    public Settings(int faithfulnessImages, DeletionInsertionOptions curves, int pointingTolerance) {
      this(faithfulnessImages, curves, pointingTolerance, RoadOptions.defaults());
    }

    /** Localization and the pointing game only: no extra forward pass. */
    public static Settings localizationOnly() {
      return new Settings(0, DeletionInsertionOptions.defaults(), 0);
    }

    /** Faithfulness on the first 100 images, default curves, exact pointing. */
    public static Settings defaults() {
      return new Settings(100, DeletionInsertionOptions.defaults(), 0);
    }
  }

  /** Receives each image's result as soon as it is scored, in dataset order. */
  public interface Listener {
    /** @param outcome the image's scores (single-label), or null in a multi-label evaluation */
    default void image(Sample sample, ImageResult result, ImageOutcome outcome) {}

    /** The number of images done so far. */
    default void progress(int images) {}
  }

  /**
   * The scores of one run, with every image's outcome in dataset order.
   *
   * @param method the method's report name
   * @param layer the layer the maps read
   * @param metrics the localization metrics at the request's τ
   * @param maxBoxAccCurve GT-known localization at each τ of the MaxBoxAcc grid
   * @param outcomes every image's classes, boxes and IoUs
   * @param faithfulness deletion/insertion, confidence change (NaN when not computed) and pointing
   * @param top5Accuracy the fraction of images whose class is among the 5 best
   * @param msPerImage explain time per image (forward, backward, maps), without scoring
   * @param masks the true class's mask at τ against the objects' masks (mask IoU, mIoU; zero pairs
   *     when the data has no masks)
   */
  public record Result(String method, String layer, LocalizationMetrics metrics, double[] maxBoxAccCurve,
      List<ImageOutcome> outcomes, FaithfulnessMetrics faithfulness, double top5Accuracy, double msPerImage,
      MaskIouMetrics masks) {
    public Result {
      outcomes = List.copyOf(outcomes);
      maxBoxAccCurve = maxBoxAccCurve.clone();
      masks = masks == null ? MaskIouMetrics.none(0, metrics.tau()) : masks;
    }

    /** A result without mask figures. */
    public Result(String method, String layer, LocalizationMetrics metrics, double[] maxBoxAccCurve,
        List<ImageOutcome> outcomes, FaithfulnessMetrics faithfulness, double top5Accuracy, double msPerImage) {
      this(method, layer, metrics, maxBoxAccCurve, outcomes, faithfulness, top5Accuracy, msPerImage, null);
    }

    @Override
    public double[] maxBoxAccCurve() {
      return maxBoxAccCurve.clone();
    }
  }

  /** Localization only (no faithfulness curves), no listener. */
  public static Result run(Explainer explainer, Dataset data) {
    return run(explainer, data, Settings.localizationOnly(), new Listener() {});
  }

  public static Result run(Explainer explainer, Dataset data, Settings settings, Listener listener) {
    double tau = explainer.request().tau();
    Scorer scorer = new Scorer(tau);
    LocalizationAccumulator loc = new LocalizationAccumulator(tau);
    MaskIouAccumulator masks = new MaskIouAccumulator(explainer.model().classes().size(), tau);
    FaithfulnessAccumulator faith = new FaithfulnessAccumulator(explainer.request().methodName(),
        settings.pointingTolerance());
    LayeredModelScorer classScorer = new LayeredModelScorer(explainer.model());
    DeletionInsertion curves = new DeletionInsertion(classScorer, settings.curves());
    Road road = new Road(classScorer, settings.road());
    ConfidenceChange confidence = new ConfidenceChange();
    int[] in = explainer.model().inputSize();
    List<ImageOutcome> outcomes = new ArrayList<>(data.size());
    double[] totals = new double[2]; // explain milliseconds, images whose class is in the top 5
    int chunk = chunk(explainer);
    for (int from = 0; from < data.size(); from += chunk) {
      List<Sample> part = data.samples().subList(from, Math.min(data.size(), from + chunk));
      int[] truth = part.stream().mapToInt(Sample::label).toArray();
      // two targets per image: the predicted class, then the true one
      var explained = explainer.explainUnlessStopped(part.stream().map(Sample::image).toList(),
          part.stream().map(Sample::id).toList(), predictedAndTrue(truth));
      if (explained.isEmpty()) {
        break; // stopped: the result covers the chunks before this one
      }
      List<ImageResult> results = explained.get();
      // Faithfulness first (seconds per image; a stop between images drops the chunk whole), then
      // everything is added to the accumulators at once.
      List<ChwImage> faithImages = new ArrayList<>();
      List<HeatMap> faithMaps = new ArrayList<>();
      List<Integer> faithClasses = new ArrayList<>();
      List<DeletionInsertion.Result> faithCurves = new ArrayList<>();
      List<Road.Result> faithRoad = new ArrayList<>();
      try {
        for (int i = 0; i < part.size() && from + i < settings.faithfulnessImages(); i++) {
          Interruption.check("stopped during the faithfulness curves");
          InnerProgress.update("faithfulness curves", i, Math.min(part.size(), settings.faithfulnessImages() - from));
          ClassResult predicted = results.get(i).classes().get(0);
          ChwImage chw = ChwImage.of(part.get(i).image().resize(in[1], in[0]));
          HeatMap saliency = predicted.rawMap().upsampled(in[1], in[0]);
          faithCurves.add(curves.evaluate(chw, predicted.classIndex(), saliency));
          if (settings.road().enabled()) {
            faithRoad.add(road.evaluate(chw, predicted.classIndex(), saliency));
          }
          faithImages.add(chw);
          faithMaps.add(saliency);
          faithClasses.add(predicted.classIndex());
        }
      } catch (Interruption.Interrupted stopped) {
        break;
      }
      // Scoring (101 thresholds × connected components per image) is pure Java: spread it.
      ImageOutcome[] scored = new ImageOutcome[part.size()];
      IntStream.range(0, part.size()).parallel().forEach(i -> scored[i] = score(scorer, part.get(i), results.get(i)));
      for (int i = 0; i < part.size(); i++) {
        Sample s = part.get(i);
        ImageResult r = results.get(i);
        ImageOutcome o = scored[i];
        outcomes.add(o);
        loc.add(o, s.width(), s.height());
        HeatMap trueMap = r.classes().get(1).normalized();
        Scorer.truthMask(trueMap.width(), trueMap.height(), s.objectsOf(s.label()))
            .ifPresent(t -> masks.add(s.label(), trueMap, t));
        totals[0] += r.explainMillis();
        totals[1] += inTopK(r.scores(), s.label(), 5) ? 1 : 0;
        List<Box> boxes = s.objectsOf(s.label()).stream().map(ObjectAnnotation::box).toList();
        faith.addPointing(r.classes().get(1).normalized(), boxes);
        if (i < faithCurves.size()) {
          faith.add(faithCurves.get(i));
        }
        if (i < faithRoad.size()) {
          faith.add(faithRoad.get(i));
        }
        listener.image(s, r, o);
      }
      if (!faithImages.isEmpty()) {
        confidence.add(classScorer, faithImages, faithMaps,
            faithClasses.stream().mapToInt(Integer::intValue).toArray(), settings.curves().batchSize());
      }
      listener.progress(outcomes.size());
    }
    faith.addConfidence(confidence);
    // On interruption (Interruption.requested()) the result covers the images scored before it:
    // outcomes().size() < data.size() marks it partial.
    int n = outcomes.size();
    return new Result(explainer.request().methodName(), explainer.layer(), loc.snapshot(), loc.curve(), outcomes,
        faith.snapshot(), n == 0 ? Double.NaN : totals[1] / n, n == 0 ? Double.NaN : totals[0] / n, masks.snapshot());
  }

  /**
   * The two targets every image is explained for, in this order: its predicted class, then its
   * true class {@code truth[i]} (image i of the images handed to {@link Explainer#explain}).
   */
  public static Explainer.BatchTargets predictedAndTrue(int[] truth) {
    return (first, y) -> List.<Target>of(TargetSelector.predicted().select(y).get(0),
        new ClassTarget(java.util.Arrays.copyOfRange(truth, first, first + y.length)));
  }

  /**
   * One image from its predicted-class and true-class results (the first and second target, as
   * {@link #predictedAndTrue} asks): what {@link #run} adds for each image. Public so that a
   * distributed front end (camkit-spark) scores each image exactly as {@link #run} does.
   */
  public static ImageOutcome score(Scorer scorer, Sample s, ImageResult r) {
    ClassResult predicted = r.classes().get(0);
    ClassResult truth = r.classes().get(1);
    HeatMap tmap = truth.normalized();
    HeatMap pmap = predicted.classIndex() == truth.classIndex() ? tmap : predicted.normalized();
    return scorer.score(s, predicted.classIndex(), r.probabilities()[predicted.classIndex()], pmap, tmap);
  }

  /** Whether fewer than k classes score strictly higher than {@code c} (ties count for c). */
  public static boolean inTopK(float[] y, int c, int k) {
    int higher = 0;
    for (float v : y) {
      if (v > y[c]) {
        higher++;
      }
    }
    return higher < k;
  }
}
