package io.camkit.evaluate;

/**
 * A snapshot of multi-label scores over a set of images. Classification is ranked per class
 * (average precision, {@link AveragePrecision}); localization counts (image, present class) pairs:
 * each present class is localized from its own map and scored against that class's boxes only.
 *
 * @param images number of images
 * @param pairs number of (image, present class) pairs
 * @param tau the threshold of the boxes behind {@code gtKnownLocalization}
 * @param mAP mean of the per-class APs (classes never present left out)
 * @param gtKnownLocalization fraction of pairs whose box at τ has IoU ≥ 0.5 with a box of the class
 * @param maxBoxAcc the best such fraction over τ ∈ {0, 0.01, …, 1}
 * @param tauStar the τ reaching {@code maxBoxAcc} (the smallest on a tie)
 * @param pointingGame fraction of pairs whose map maximum lies inside a box of the class
 * @param centredBaseline GT-known localization of the pairs by the centred box of half the image
 *     area ({@link BaselineBox#CENTRED_HALF_AREA}), against each pair's class's boxes
 * @param centredBaselineV2 that box's MaxBoxAccV2 (mean accuracy at IoU 0.3 / 0.5 / 0.7)
 * @param wholeImageBaseline GT-known localization of the pairs by the whole-image box
 * @param wholeImageBaselineV2 the whole-image box's MaxBoxAccV2
 * @param averagePrecision AP of each class, NaN for a class never present
 * @param classPairs pairs of each class
 * @param classGtKnown GT-known localization of each class at τ, NaN for a class never present
 * @param classPointing pointing game of each class, NaN for a class never present
 */
public record MultiLabelMetrics(
    long images,
    long pairs,
    double tau,
    double mAP,
    double gtKnownLocalization,
    double maxBoxAcc,
    double tauStar,
    double pointingGame,
    double centredBaseline,
    double centredBaselineV2,
    double wholeImageBaseline,
    double wholeImageBaselineV2,
    double[] averagePrecision,
    long[] classPairs,
    double[] classGtKnown,
    double[] classPointing) {

  public MultiLabelMetrics {
    averagePrecision = averagePrecision.clone();
    classPairs = classPairs.clone();
    classGtKnown = classGtKnown.clone();
    classPointing = classPointing.clone();
  }

  @Override
  public double[] averagePrecision() {
    return averagePrecision.clone();
  }

  @Override
  public long[] classPairs() {
    return classPairs.clone();
  }

  @Override
  public double[] classGtKnown() {
    return classGtKnown.clone();
  }

  @Override
  public double[] classPointing() {
    return classPointing.clone();
  }
}
