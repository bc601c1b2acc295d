package io.camkit.evaluate;

import io.camkit.core.Box;
import java.util.List;

/**
 * Counts, for each {@link BaselineBox} and each IoU threshold δ of {@link
 * MaxBoxAccV2#IOU_THRESHOLDS}, the images (or image–class pairs) whose ground truth has a box with
 * {@code IoU(baseline, g) ≥ δ}. A fixed box does not depend on τ, so its MaxBoxAcc(δ) is that
 * fraction and its MaxBoxAccV2 is the mean over the three δ: the same figures as a map's, on the
 * same images.
 *
 * <p>Mergeable ({@link #merge}); not thread-safe on its own.
 */
public final class BaselineBoxAccumulator {
  private static final BaselineBox[] BOXES = BaselineBox.values();
  private final long[][] hits = new long[BOXES.length][MaxBoxAccV2.IOU_THRESHOLDS.length];
  private long count;

  /**
   * Adds one image (or one image–class pair).
   *
   * @param truth the ground-truth boxes to find (any one counts)
   * @param imageW image width in pixels, the frame of {@code truth}
   * @param imageH image height in pixels
   */
  public BaselineBoxAccumulator add(List<Box> truth, int imageW, int imageH) {
    count++;
    for (BaselineBox b : BOXES) {
      double iou = BoxAccuracyAccumulator.bestIou(List.of(b.box(imageW, imageH)), truth);
      for (int d = 0; d < MaxBoxAccV2.IOU_THRESHOLDS.length; d++) {
        if (iou >= MaxBoxAccV2.IOU_THRESHOLDS[d]) {
          hits[b.ordinal()][d]++;
        }
      }
    }
    return this;
  }

  /** Adds another accumulator's counts into this one. */
  public BaselineBoxAccumulator merge(BaselineBoxAccumulator other) {
    count += other.count;
    for (int b = 0; b < hits.length; b++) {
      for (int d = 0; d < hits[b].length; d++) {
        hits[b][d] += other.hits[b][d];
      }
    }
    return this;
  }

  /** The fraction of what was added where {@code box} reaches IoU threshold index d (0: 0.3, 1: 0.5, 2: 0.7); NaN when empty. */
  public double accuracy(BaselineBox box, int d) {
    return hits[box.ordinal()][d] / (double) count;
  }

  /** GT-known localization of {@code box}: IoU ≥ 0.5. NaN when empty. */
  public double gtKnown(BaselineBox box) {
    return accuracy(box, 1);
  }

  /** The MaxBoxAccV2 of {@code box}: mean accuracy over IoU 0.3, 0.5 and 0.7. NaN when empty. */
  public double maxBoxAccV2(BaselineBox box) {
    double s = 0;
    for (int d = 0; d < MaxBoxAccV2.IOU_THRESHOLDS.length; d++) {
      s += accuracy(box, d);
    }
    return s / MaxBoxAccV2.IOU_THRESHOLDS.length;
  }
}
