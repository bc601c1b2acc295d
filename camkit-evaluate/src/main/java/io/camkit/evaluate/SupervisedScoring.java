package io.camkit.evaluate;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Scores fully supervised localizers with the figures weakly supervised maps get, on the same
 * images: a box head's regressed boxes ({@link Boxes}) and a segmenter's class probability maps
 * ({@link Maps}). Shared by {@code camkit evaluate} and {@code camkit experiment supervision}.
 */
public final class SupervisedScoring {
  private SupervisedScoring() {}

  /**
   * A box head's scores over a set of images.
   *
   * @param images images scored
   * @param top1Accuracy fraction whose predicted class is right
   * @param top1Localization right class and the box's IoU ≥ 0.5 with a box of the true class
   * @param gtKnownLocalization the box's IoU ≥ 0.5 with a box of the true class (the regression
   *     names no class, so its one box is scored against the true class's boxes)
   * @param boxAccuracy the fraction whose box reaches IoU ≥ 0.3, 0.5, 0.7 ({@link
   *     MaxBoxAccV2#IOU_THRESHOLDS}); with no τ to choose it is the box accuracy itself, not a
   *     maximum over τ
   * @param meanIou mean best IoU of the box with the true class's boxes
   * @param centredBaseline GT-known loc of the centred box of half the area on the same images
   * @param centredBaselineV2 that box's mean accuracy at IoU 0.3 / 0.5 / 0.7
   * @param wholeImageBaseline GT-known loc of the whole-image box
   * @param wholeImageBaselineV2 its mean accuracy at IoU 0.3 / 0.5 / 0.7
   */
  public record BoxMetrics(long images, double top1Accuracy, double top1Localization, double gtKnownLocalization,
      double[] boxAccuracy, double meanIou, double centredBaseline, double centredBaselineV2,
      double wholeImageBaseline, double wholeImageBaselineV2) {
    public BoxMetrics {
      boxAccuracy = boxAccuracy.clone();
    }

    @Override
    public double[] boxAccuracy() {
      return boxAccuracy.clone();
    }

    /** The mean of the box accuracies at IoU 0.3, 0.5 and 0.7 (not MaxBoxAccV2: nothing is maximised). */
    public double meanBoxAccuracy() {
      return Arrays.stream(boxAccuracy).average().orElse(Double.NaN);
    }
  }

  /**
   * One image's box-head result.
   *
   * @param predictedClass the class with the largest score
   * @param box the regressed box, in the image's pixels
   * @param iou its best IoU with a box of the true class
   */
  public record BoxOutcome(String id, int trueClass, int predictedClass, List<Box> groundTruth, Box box, double iou) {
    public BoxOutcome {
      groundTruth = List.copyOf(groundTruth);
    }
  }

  /** Sums a box head's per-image results into {@link BoxMetrics}; not thread-safe. */
  public static final class Boxes {
    private final double[] deltas = MaxBoxAccV2.IOU_THRESHOLDS;
    private final long[] hits = new long[deltas.length];
    private final BaselineBoxAccumulator baselines = new BaselineBoxAccumulator();
    private final List<BoxOutcome> outcomes = new ArrayList<>();
    private long images;
    private long top1;
    private long top1Loc;
    private double iouSum;

    /** Adds one image: its class scores and its regressed box. */
    public BoxOutcome add(Sample s, float[] scores, Box box) {
      int pred = argMax(scores);
      List<Box> truth = s.objectsOf(s.label()).stream().map(ObjectAnnotation::box).toList();
      double iou = Scorer.bestIou(Optional.of(box), truth);
      images++;
      for (int d = 0; d < deltas.length; d++) {
        hits[d] += iou >= deltas[d] ? 1 : 0;
      }
      top1 += pred == s.label() ? 1 : 0;
      top1Loc += pred == s.label() && iou >= LocalizationMetrics.IOU_THRESHOLD ? 1 : 0;
      iouSum += iou;
      baselines.add(truth, s.width(), s.height());
      BoxOutcome o = new BoxOutcome(s.id(), s.label(), pred, truth, box, iou);
      outcomes.add(o);
      return o;
    }

    /** Every image's result, in the order added. */
    public List<BoxOutcome> outcomes() {
      return List.copyOf(outcomes);
    }

    /** The figures so far; NaN when empty. */
    public BoxMetrics snapshot() {
      double n = images;
      double[] acc = new double[hits.length];
      for (int d = 0; d < acc.length; d++) {
        acc[d] = hits[d] / n;
      }
      return new BoxMetrics(images, top1 / n, top1Loc / n, acc[1], acc, iouSum / n,
          baselines.gtKnown(BaselineBox.CENTRED_HALF_AREA), baselines.maxBoxAccV2(BaselineBox.CENTRED_HALF_AREA),
          baselines.gtKnown(BaselineBox.WHOLE_IMAGE), baselines.maxBoxAccV2(BaselineBox.WHOLE_IMAGE));
    }
  }

  /** Why a box head has no MaxBoxAccV2, PxAP or mask figures, for reports. */
  public static final String NO_MAP_REASON = "a box head regresses one box per image and draws no map: there is no τ"
      + " to sweep (MaxBoxAcc, MaxBoxAccV2) and no pixel score (PxAP, masks); its box accuracy at IoU 0.3 / 0.5 / 0.7"
      + " is that of its one box";

  /** A box head's figures as a Markdown table (percent; "–" with the reason where a figure does not apply). */
  public static String markdownTable(BoxMetrics m) {
    StringBuilder sb = new StringBuilder("| metric | value |\n|---|---|\n");
    row(sb, "images", String.valueOf(m.images()));
    row(sb, "top-1 classification", Reports.pct(m.top1Accuracy()));
    row(sb, "top-1 localization (IoU ≥ 0.5, regressed box)", Reports.pct(m.top1Localization()));
    row(sb, "GT-known localization (IoU ≥ 0.5, regressed box)", Reports.pct(m.gtKnownLocalization()));
    double[] a = m.boxAccuracy();
    row(sb, "box accuracy at IoU 0.3 / 0.5 / 0.7", Reports.pct(a[0]) + " / " + Reports.pct(a[1]) + " / "
        + Reports.pct(a[2]) + " (mean " + Reports.pct(m.meanBoxAccuracy()) + ")");
    row(sb, "mean GT-known IoU", Reports.fmt(m.meanIou()));
    row(sb, "baseline: " + BaselineBox.CENTRED_HALF_AREA.description() + ", GT-known loc / MaxBoxAccV2",
        Reports.pct(m.centredBaseline()) + " / " + Reports.pct(m.centredBaselineV2()));
    row(sb, "baseline: " + BaselineBox.WHOLE_IMAGE.description() + ", GT-known loc / MaxBoxAccV2",
        Reports.pct(m.wholeImageBaseline()) + " / " + Reports.pct(m.wholeImageBaselineV2()));
    row(sb, "MaxBoxAcc, MaxBoxAccV2, τ*", Reports.NOT_COMPUTED + " (no map, no τ)");
    row(sb, "PxAP, mask mIoU", Reports.NOT_COMPUTED + " (no map)");
    return sb.toString();
  }

  private static void row(StringBuilder sb, String k, String v) {
    sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
  }

  /**
   * A segmenter's class probability maps scored as CAM maps are, at τ: the same {@link Scorer}
   * (top-1 loc, GT-known loc, MaxBoxAcc, MaxBoxAccV2, PxAP) and mask IoU. The map of class c is its
   * softmax probability per pixel (plane c + 1; plane 0 is the background), used as a normalised
   * map; the predicted class is the one with the largest probability mass. Not thread-safe.
   */
  public static final class Maps {
    private final int classes;
    private final Scorer scorer;
    private final LocalizationAccumulator acc;
    private final MaskIouAccumulator masks;
    private final List<ImageOutcome> outcomes = new ArrayList<>();

    public Maps(int classes, double tau) {
      this.classes = classes;
      this.scorer = new Scorer(tau);
      this.acc = new LocalizationAccumulator(tau);
      this.masks = new MaskIouAccumulator(classes, tau);
    }

    /**
     * Adds one image.
     *
     * @param planes the image's probabilities {@code [C + 1, side, side]} flat
     * @return the image's outcome, and the predicted class's map at the image's size
     */
    public Scored add(Sample s, float[] planes, int side) {
      double[] mass = new double[classes + 1];
      for (int k = 0; k <= classes; k++) {
        for (int p = k * side * side; p < (k + 1) * side * side; p++) {
          mass[k] += planes[p];
        }
      }
      int pred = 0;
      for (int c = 1; c < classes; c++) {
        pred = mass[c + 1] > mass[pred + 1] ? c : pred;
      }
      double total = 0;
      for (int c = 0; c < classes; c++) {
        total += mass[c + 1];
      }
      HeatMap tmap = map(planes, s.label() + 1, side, s);
      HeatMap pmap = pred == s.label() ? tmap : map(planes, pred + 1, side, s);
      ImageOutcome o = scorer.score(s, pred, total == 0 ? 0 : mass[pred + 1] / total, pmap, tmap);
      acc.add(o, s.width(), s.height());
      Scorer.truthMask(tmap.width(), tmap.height(), s.objectsOf(s.label()))
          .ifPresent(t -> masks.add(s.label(), tmap, t));
      outcomes.add(o);
      return new Scored(o, pmap);
    }

    public LocalizationMetrics metrics() {
      return acc.snapshot();
    }

    public MaskIouMetrics masks() {
      return masks.snapshot();
    }

    /** GT-known localization at each τ of the MaxBoxAcc grid. */
    public double[] curve() {
      return acc.curve();
    }

    public List<ImageOutcome> outcomes() {
      return List.copyOf(outcomes);
    }
  }

  /** One image's outcome and the predicted class's probability map at the image's size. */
  public record Scored(ImageOutcome outcome, HeatMap predictedMap) {}

  /** Plane {@code k} of {@code [K, S, S]} at the image's size (bilinear when it differs). */
  public static HeatMap map(float[] planes, int k, int side, Sample s) {
    HeatMap m = new HeatMap(side, side, Arrays.copyOfRange(planes, k * side * side, (k + 1) * side * side));
    return m.width() == s.width() && m.height() == s.height() ? m
        : m.resize(s.width(), s.height());
  }

  /** The index of the largest score (the first on a tie). */
  public static int argMax(float[] y) {
    int pred = 0;
    for (int c = 1; c < y.length; c++) {
      pred = y[c] > y[pred] ? c : pred;
    }
    return pred;
  }
}
