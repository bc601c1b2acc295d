package io.camkit.evaluate;

import io.camkit.core.Box;
import java.util.List;
import java.util.Optional;

/**
 * The result of one image: classes, boxes and IoUs (boxes from the maps at the default τ).
 *
 * @param id the sample id
 * @param trueClass the labelled class
 * @param predictedClass the top-1 class
 * @param confidence the softmax probability of the predicted class
 * @param groundTruth the true class's boxes
 * @param predictedBox box from the predicted class's map (empty when no pixel passes τ)
 * @param gtKnownBox box from the true class's map
 * @param predictedIou best IoU of {@code predictedBox} with a ground-truth box (0 when empty)
 * @param gtKnownIou best IoU of {@code gtKnownBox} with a ground-truth box
 * @param hitsPerTau for each τ of the MaxBoxAcc grid, whether the true class's box at τ has IoU ≥
 *     0.5
 * @param largestIouPerTau for each τ of the MaxBoxAcc grid, the best IoU of the true class's
 *     largest-component box with a ground-truth box (0 for no box; {@code hitsPerTau[t] ==
 *     largestIouPerTau[t] ≥ 0.5}); empty when not computed
 * @param anyComponentIouPerTau for each τ of the grid, the best IoU over the boxes of every
 *     connected component of the true class's map (MaxBoxAccV2); empty when not computed
 * @param pixelCurve the true class's map against the union of the true class's object masks (PxAP,
 *     PIoU); empty when an object has no mask
 */
public record ImageOutcome(
    String id,
    int trueClass,
    int predictedClass,
    double confidence,
    List<Box> groundTruth,
    Optional<Box> predictedBox,
    Optional<Box> gtKnownBox,
    double predictedIou,
    double gtKnownIou,
    boolean[] hitsPerTau,
    double[] largestIouPerTau,
    double[] anyComponentIouPerTau,
    Optional<PxapCurve> pixelCurve) {

  public ImageOutcome {
    groundTruth = List.copyOf(groundTruth);
    hitsPerTau = hitsPerTau.clone();
    largestIouPerTau = largestIouPerTau.clone();
    anyComponentIouPerTau = anyComponentIouPerTau.clone();
  }

  public boolean correct() {
    return trueClass == predictedClass;
  }

  /** Top-1 localization: right class and IoU ≥ 0.5. */
  public boolean top1Localized() {
    return correct() && predictedIou >= LocalizationMetrics.IOU_THRESHOLD;
  }

  public boolean gtKnownLocalized() {
    return gtKnownIou >= LocalizationMetrics.IOU_THRESHOLD;
  }
}
