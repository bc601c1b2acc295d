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
 * @param centredBaseline GT-known localization of a fixed centred box covering half the image's
 *     width and height: what a map that knows nothing would score
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
    double centredBaseline) {

  /** A box counts as found at IoU ≥ 0.5 (the PASCAL VOC criterion). */
  public static final double IOU_THRESHOLD = 0.5;

  /** The MaxBoxAcc grid: τ = i / 100 for i = 0..100. */
  public static final int TAU_STEPS = 101;

  public static double tauAt(int i) {
    return i / (double) (TAU_STEPS - 1);
  }
}
