package io.camkit.evaluate;

/**
 * Weakly supervised masks against ground-truth masks ({@link MaskIouAccumulator}): the mask of a
 * class is its normalised map's pixels ≥ τ.
 *
 * @param tau the threshold of the masks
 * @param pairs (image, class) pairs whose objects all have masks; 0 when the data has none
 * @param meanIou the mean over pairs of the pixel IoU; NaN without pairs
 * @param classIou per class, the IoU of its pixels pooled over its pairs; NaN for a class without
 *     pairs
 * @param mIoU the mean of {@code classIou} over the classes with pairs; NaN without pairs
 */
public record MaskIouMetrics(double tau, long pairs, double meanIou, double[] classIou, double mIoU) {
  public MaskIouMetrics {
    classIou = classIou.clone();
  }

  @Override
  public double[] classIou() {
    return classIou.clone();
  }

  /** No masks: zero pairs, NaN figures. */
  public static MaskIouMetrics none(int classes, double tau) {
    return new MaskIouAccumulator(classes, tau).snapshot();
  }
}
