package io.camkit.evaluate;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.Mask;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.localize.ThresholdSweep;
import java.util.List;
import java.util.Optional;

/** Scores one image's maps against its ground truth. Pure; thread-safe. */
public final class Scorer {
  private final ThresholdLocalizer localizer;

  public Scorer(double tau) {
    this.localizer = new ThresholdLocalizer(tau);
  }

  public double tau() {
    return localizer.tau();
  }

  /**
   * @param predictedMap the predicted class's map, normalised, at image resolution
   * @param trueMap the true class's map, normalised, at image resolution
   */
  public ImageOutcome score(
      Sample sample, int predicted, double confidence, HeatMap predictedMap, HeatMap trueMap) {
    int truth = sample.label();
    List<Box> gt = sample.objectsOf(truth).stream().map(ObjectAnnotation::box).toList();
    // One sweep of the true class's map gives its box at τ and at every τ of the MaxBoxAcc grid,
    // the largest component's and every component's (MaxBoxAccV2).
    ThresholdSweep.Sweep sweep = ThresholdSweep.sweep(trueMap, taus(localizer.tau()));
    @SuppressWarnings("unchecked")
    Optional<Box>[] trueBoxes = new Optional[LocalizationMetrics.TAU_STEPS + 1];
    double[] largestIou = new double[LocalizationMetrics.TAU_STEPS];
    double[] anyIou = new double[LocalizationMetrics.TAU_STEPS];
    for (int t = 0; t < trueBoxes.length; t++) {
      trueBoxes[t] = sweep.largest(t);
      if (t < LocalizationMetrics.TAU_STEPS) {
        largestIou[t] = bestIou(trueBoxes[t], gt);
        anyIou[t] = BoxAccuracyAccumulator.bestIou(sweep.components(t), gt);
      }
    }
    Optional<Box> gtKnownBox = trueBoxes[LocalizationMetrics.TAU_STEPS];
    Optional<Box> predBox = predicted == truth ? gtKnownBox : localizer.localizeNormalised(predictedMap).box();
    return new ImageOutcome(
        sample.id(), truth, predicted, confidence, gt, predBox, gtKnownBox,
        bestIou(predBox, gt), bestIou(gtKnownBox, gt), hits(trueBoxes, gt), largestIou, anyIou,
        pixelCurve(trueMap, sample.objectsOf(truth)));
  }

  /**
   * The map's pixel curve against the union of the objects' masks; empty when an object has no
   * mask or a mask's size differs from the map's.
   */
  static Optional<PxapCurve> pixelCurve(HeatMap map, List<ObjectAnnotation> objects) {
    return truthMask(map.width(), map.height(), objects).map(t -> PxapCurve.of(map, t));
  }

  /**
   * The union of the objects' masks, {@code width×height}; empty when there is no object, an
   * object has no mask or a mask has another size.
   */
  public static Optional<Mask> truthMask(int width, int height, List<ObjectAnnotation> objects) {
    if (objects.isEmpty() || objects.stream().anyMatch(o -> o.mask().isEmpty()
        || o.mask().get().width() != width || o.mask().get().height() != height)) {
      return Optional.empty();
    }
    boolean[] union = new boolean[width * height];
    for (ObjectAnnotation o : objects) {
      boolean[] bits = o.mask().get().bits();
      for (int i = 0; i < union.length; i++) {
        union[i] |= bits[i];
      }
    }
    return Optional.of(new Mask(width, height, union));
  }

  /** The MaxBoxAcc grid, then {@code extra}. */
  private static double[] taus(double extra) {
    double[] taus = new double[LocalizationMetrics.TAU_STEPS + 1];
    for (int i = 0; i < LocalizationMetrics.TAU_STEPS; i++) {
      taus[i] = LocalizationMetrics.tauAt(i);
    }
    taus[LocalizationMetrics.TAU_STEPS] = extra;
    return taus;
  }

  /** For the grid's boxes (the first {@code TAU_STEPS} of {@code boxes}): IoU ≥ 0.5 with a truth box. */
  private static boolean[] hits(Optional<Box>[] boxes, List<Box> truth) {
    boolean[] hits = new boolean[LocalizationMetrics.TAU_STEPS];
    for (int i = 0; i < hits.length; i++) {
      hits[i] = bestIou(boxes[i], truth) >= LocalizationMetrics.IOU_THRESHOLD;
    }
    return hits;
  }

  /**
   * For each τ of the MaxBoxAcc grid, whether the box of {@code map} (normalised, at image
   * resolution) at τ has IoU ≥ 0.5 with one of {@code truth}.
   */
  public static boolean[] hitsPerTau(HeatMap map, List<Box> truth) {
    return hits(ThresholdSweep.boxes(map, taus(0)), truth); // = one ThresholdLocalizer per τ, in one pass
  }

  /** The best IoU of {@code box} with any of {@code truth}; 0 for no box. */
  public static double bestIou(Optional<Box> box, List<Box> truth) {
    if (box.isEmpty()) {
      return 0;
    }
    double best = 0;
    for (Box t : truth) {
      best = Math.max(best, box.get().iou(t));
    }
    return best;
  }
}
