package io.camkit.evaluate;

/**
 * A snapshot of localization scores over a set of images (Zhou et al. 2016 Sec. 3; Choe et al.
 * 2020, "Evaluating Weakly Supervised Object Localization Methods Right", for MaxBoxAcc).
 *
 * @param images number of images
 * @param tau the threshold of the boxes behind the top-1 and GT-known figures
 * @param top1Accuracy fraction whose predicted class is right
 * @param top1Localization fraction with the right class and IoU ≥ 0.5 from the predicted class's
 *     map
 * @param gtKnownLocalization fraction with IoU ≥ 0.5 from the true class's map
 * @param maxBoxAcc the best GT-known localization over τ ∈ {0, 0.01, …, 1}
 * @param tauStar the τ reaching {@code maxBoxAcc} (the smallest on a tie)
 * @param meanIou mean GT-known IoU at {@code tau}
 * @param centredBaseline GT-known localization (IoU ≥ 0.5) of the fixed centred box of half the
 *     image's area ({@link BaselineBox#CENTRED_HALF_AREA}) on the same images: what a map that
 *     knows nothing would score
 * @param centredBaselineV2 the same box's MaxBoxAccV2: its accuracy at IoU 0.3, 0.5 and 0.7,
 *     averaged (a fixed box does not depend on τ)
 * @param wholeImageBaseline GT-known localization of the whole-image box ({@link
 *     BaselineBox#WHOLE_IMAGE})
 * @param wholeImageBaselineV2 the whole-image box's MaxBoxAccV2
 * @param maxBoxAccV2 MaxBoxAcc at IoU 0.3, 0.5 and 0.7 over the same τ grid where an image counts
 *     when the box of <em>any</em> connected component of the true class's map reaches the IoU, and
 *     the mean: the paper's MaxBoxAccV2 (camkit's conventions; docs/WSOL_PROTOCOL.md)
 * @param maxBoxAccLargest the same with the largest component's box only ({@code iou50} equals
 *     {@code maxBoxAcc})
 * @param maskedImages images whose true-class objects all have masks (the images behind PxAP)
 * @param pxap pixel average precision of the true class's maps against the masks, pooled over
 *     {@code maskedImages} ({@link PxapCurve}); NaN without masks
 * @param piou the best pooled pixel IoU over the PxAP thresholds; NaN without masks
 * @param piouThreshold the threshold reaching {@code piou}
 */
public record LocalizationMetrics(
    long images,
    double tau,
    double top1Accuracy,
    double top1Localization,
    double gtKnownLocalization,
    double maxBoxAcc,
    double tauStar,
    double meanIou,
    double centredBaseline,
    double centredBaselineV2,
    double wholeImageBaseline,
    double wholeImageBaselineV2,
    MaxBoxAccV2 maxBoxAccV2,
    MaxBoxAccV2 maxBoxAccLargest,
    long maskedImages,
    double pxap,
    double piou,
    double piouThreshold) {

  /**
   * Metrics without MaxBoxAccV2, pixel figures and the whole-image baseline (they are NaN; {@code
   * centredBaseline} is GT-known only).
   */
  public LocalizationMetrics(long images, double tau, double top1Accuracy, double top1Localization,
      double gtKnownLocalization, double maxBoxAcc, double tauStar, double meanIou, double centredBaseline) {
    this(images, tau, top1Accuracy, top1Localization, gtKnownLocalization, maxBoxAcc, tauStar, meanIou,
        centredBaseline, Double.NaN, Double.NaN, Double.NaN, NAN_V2, NAN_V2, 0, Double.NaN, Double.NaN, Double.NaN);
  }

  private static final MaxBoxAccV2 NAN_V2 = MaxBoxAccV2.of(
      new double[] {Double.NaN, Double.NaN, Double.NaN}, new double[] {Double.NaN, Double.NaN, Double.NaN});

  /** A box counts as found at IoU ≥ 0.5 (the PASCAL VOC criterion). */
  public static final double IOU_THRESHOLD = 0.5;

  /** The MaxBoxAcc grid: τ = i / 100 for i = 0..100. */
  public static final int TAU_STEPS = 101;

  public static double tauAt(int i) {
    return i / (double) (TAU_STEPS - 1);
  }

  /** The MaxBoxAcc grid as an array: {@code tauAt(0), …, tauAt(TAU_STEPS - 1)}. */
  public static double[] tauGrid() {
    double[] t = new double[TAU_STEPS];
    for (int i = 0; i < t.length; i++) {
      t[i] = tauAt(i);
    }
    return t;
  }
}
