package io.camkit.evaluate;

/**
 * MaxBoxAcc at the IoU thresholds δ ∈ {0.3, 0.5, 0.7} and their mean (Choe et al., "Evaluating
 * Weakly Supervised Object Localization Methods Right", CVPR 2020, Sec. 4.1):
 *
 * <pre>
 *   BoxAcc(τ, δ)   = (1/N) Σ_n 1[ max_{b ∈ B_n(τ), g ∈ G_n} IoU(b, g) ≥ δ ]
 *   MaxBoxAcc(δ)   = max_τ BoxAcc(τ, δ)
 *   MaxBoxAccV2    = (MaxBoxAcc(0.3) + MaxBoxAcc(0.5) + MaxBoxAcc(0.7)) / 3
 * </pre>
 *
 * where B_n(τ) are the boxes of image n's map at τ and G_n its ground-truth boxes. With B_n(τ) the
 * boxes of <em>every</em> connected component this is the paper's MaxBoxAccV2; with the largest
 * component's box only, {@code iou50} is the original MaxBoxAcc. Fractions in [0, 1], NaN when no
 * image was added.
 *
 * @param iou30 MaxBoxAcc(0.3)
 * @param iou50 MaxBoxAcc(0.5)
 * @param iou70 MaxBoxAcc(0.7)
 * @param tauStar30 the τ reaching {@code iou30} (the smallest on a tie)
 * @param tauStar50 the τ reaching {@code iou50}
 * @param tauStar70 the τ reaching {@code iou70}
 * @param mean the mean of the three: MaxBoxAccV2
 */
public record MaxBoxAccV2(
    double iou30, double iou50, double iou70, double tauStar30, double tauStar50, double tauStar70, double mean) {

  /** The IoU thresholds δ of MaxBoxAccV2, as wsolevaluation writes them ({@code 30/100}, …). */
  public static final double[] IOU_THRESHOLDS = {30 / 100.0, 50 / 100.0, 70 / 100.0};

  static MaxBoxAccV2 of(double[] best, double[] tauStar) {
    return new MaxBoxAccV2(best[0], best[1], best[2], tauStar[0], tauStar[1], tauStar[2],
        (best[0] + best[1] + best[2]) / 3);
  }
}
