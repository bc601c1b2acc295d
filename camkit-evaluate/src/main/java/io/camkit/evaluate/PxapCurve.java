package io.camkit.evaluate;

import io.camkit.core.HeatMap;
import io.camkit.core.Mask;
import io.camkit.localize.WsolBoxes;
import java.util.Arrays;

/**
 * The pixel precision–recall curve of score maps against ground-truth masks, its area PxAP and the
 * best pixel IoU PIoU (Choe et al., "Evaluating Weakly Supervised Object Localization Methods
 * Right", CVPR 2020, Sec. 4.2), computed exactly as clovaai/wsolevaluation's {@code MaskEvaluator}
 * (evaluation.py:339-416, commit 96f4b88). Immutable; {@link #plus} pools two curves (a monoid, so
 * a Spark {@code reduce} can sum partitions); {@link PxapAccumulator} sums many.
 *
 * <p>Scores are binned into two histograms, one for mask pixels and one for background pixels,
 * over the {@value #BINS} bins of the edges {@code e = [0, 0.01, …, 0.99, 1, 2, 3]} ({@link
 * #BIN_EDGES}: wsolevaluation's {@code cam_threshold_list + [1.0, 2.0, 3.0]}, so bin k is {@code
 * e_k ≤ s < e_{k+1}} and the last is closed). A float score is widened to double before it is
 * compared. Scores outside [0, 3] and NaN are not counted ({@code np.histogram} with edges). With
 * P mask pixels, for j = 0…101 (threshold {@code e_{101-j}}, so j = 0 is ≥ 2 and always empty,
 * j = 101 is ≥ 0):
 *
 * <pre>
 *   TP_j = #{mask pixels with s ≥ e_{101-j}},   FP_j likewise for background pixels
 *   precision_j = TP_j / (TP_j + FP_j)   (NaN where TP_j + FP_j = 0)
 *   recall_j    = TP_j / P
 *   PxAP        = Σ_{j ≥ 1, TP_j + FP_j > 0} precision_j · (recall_j − recall_{j−1})
 *   PIoU        = max_{j ≥ 1} TP_j / (P + FP_j)      (pixel IoU of {s ≥ e_{101-j}} and the mask)
 * </pre>
 *
 * PxAP is a right-Riemann (step) sum, not a trapezoid; pixels are pooled over all images (no
 * per-image mean). wsolevaluation reports PxAP in percent; here it is a fraction in [0, 1]. PIoU is
 * not computed by wsolevaluation at 96f4b88; it is the pooled pixel IoU at the best threshold of
 * the same grid, the smallest threshold on a tie. Everything is NaN when P = 0.
 */
public final class PxapCurve {
  /** Number of histogram bins: 100 thresholds plus [1, 2) and [2, 3]. */
  public static final int BINS = 102;

  /** The {@value #BINS} + 1 bin edges: {@code i · 0.01} for i = 0..99, then 1.0, 2.0, 3.0. */
  public static final double[] BIN_EDGES = binEdges();

  private final long images;
  private final long[] positives;
  private final long[] negatives;

  private PxapCurve(long images, long[] positives, long[] negatives) {
    this.images = images;
    this.positives = positives;
    this.negatives = negatives;
  }

  private static double[] binEdges() {
    double[] e = Arrays.copyOf(WsolBoxes.CAM_THRESHOLDS, BINS + 1);
    e[BINS - 2] = 1.0;
    e[BINS - 1] = 2.0;
    e[BINS] = 3.0;
    return e;
  }

  /**
   * A curve from its two histograms (copied), as {@link PxapAccumulator} keeps them and as {@link
   * #positiveHistogram()} / {@link #negativeHistogram()} give them back (a curve shipped between
   * JVMs, e.g. a Spark row).
   */
  public static PxapCurve fromHistograms(long images, long[] positives, long[] negatives) {
    if (positives.length != BINS || negatives.length != BINS) {
      throw new IllegalArgumentException("histograms of " + BINS + " bins expected");
    }
    return new PxapCurve(images, positives.clone(), negatives.clone());
  }

  /** The empty curve (no image): the identity of {@link #plus}. */
  public static PxapCurve empty() {
    return new PxapCurve(0, new long[BINS], new long[BINS]);
  }

  /**
   * One image.
   *
   * @param scores the map, normalised to [0, 1], {@code [H, W]}
   * @param truth the ground-truth mask (the union of the object masks), same size
   */
  public static PxapCurve of(HeatMap scores, Mask truth) {
    return of(scores, truth, Mask.empty(truth.width(), truth.height()));
  }

  /**
   * One image with an ignore region (wsolevaluation's value 255 in its masks): pixels set in {@code
   * ignore} count neither as mask nor as background.
   */
  public static PxapCurve of(HeatMap scores, Mask truth, Mask ignore) {
    if (scores.width() != truth.width() || scores.height() != truth.height()
        || ignore.width() != truth.width() || ignore.height() != truth.height()) {
      throw new IllegalArgumentException("map " + scores.width() + "x" + scores.height() + " and mask "
          + truth.width() + "x" + truth.height() + " differ in size");
    }
    float[] s = scores.values();
    boolean[] t = truth.bits();
    boolean[] skip = ignore.bits();
    long[] pos = new long[BINS];
    long[] neg = new long[BINS];
    for (int i = 0; i < s.length; i++) {
      int k = bin(s[i]);
      if (k >= 0 && !skip[i]) {
        (t[i] ? pos : neg)[k]++;
      }
    }
    return new PxapCurve(1, pos, neg);
  }

  /** The bin of score {@code s} (widened to double), or −1 when it is NaN or outside [0, 3]. */
  static int bin(float s) {
    double x = s;
    if (!(x >= BIN_EDGES[0] && x <= BIN_EDGES[BINS])) {
      return -1;
    }
    int k = Arrays.binarySearch(BIN_EDGES, x);
    k = k >= 0 ? k : -k - 2; // the last edge ≤ x
    return Math.min(k, BINS - 1); // x = 3 falls in the last (closed) bin
  }

  /** This curve and {@code other} pooled: histograms and image counts add. */
  public PxapCurve plus(PxapCurve other) {
    long[] pos = positives.clone();
    long[] neg = negatives.clone();
    for (int k = 0; k < BINS; k++) {
      pos[k] += other.positives[k];
      neg[k] += other.negatives[k];
    }
    return new PxapCurve(images + other.images, pos, neg);
  }

  /** Images pooled. */
  public long images() {
    return images;
  }

  /** The mask pixels' histogram, {@value #BINS} bins (wsolevaluation's {@code gt_true_score_hist}). */
  public long[] positiveHistogram() {
    return positives.clone();
  }

  /** The background pixels' histogram ({@code gt_false_score_hist}). */
  public long[] negativeHistogram() {
    return negatives.clone();
  }

  /** TP_j, j = 0…101: mask pixels scoring ≥ {@code BIN_EDGES[101 - j]}. */
  public long[] truePositives() {
    return reverseCumsum(positives);
  }

  /** FP_j, j = 0…101: background pixels scoring ≥ {@code BIN_EDGES[101 - j]}. */
  public long[] falsePositives() {
    return reverseCumsum(negatives);
  }

  /** precision_j = TP_j / (TP_j + FP_j), NaN where nothing passes (always at j = 0). */
  public double[] precision() {
    long[] tp = truePositives();
    long[] fp = falsePositives();
    double[] p = new double[BINS];
    for (int j = 0; j < BINS; j++) {
      p[j] = tp[j] + fp[j] == 0 ? Double.NaN : tp[j] / (double) (tp[j] + fp[j]);
    }
    return p;
  }

  /** recall_j = TP_j / P; NaN when there is no mask pixel. */
  public double[] recall() {
    long[] tp = truePositives();
    long p = tp[BINS - 1];
    double[] r = new double[BINS];
    for (int j = 0; j < BINS; j++) {
      r[j] = tp[j] / (double) p;
    }
    return r;
  }

  /** PxAP, the step-wise area under the precision–recall curve, in [0, 1]. */
  public double pxap() {
    double[] p = precision();
    double[] r = recall();
    double auc = 0;
    for (int j = 1; j < BINS; j++) {
      if (!Double.isNaN(p[j])) {
        auc += p[j] * (r[j] - r[j - 1]);
      }
    }
    return auc;
  }

  /** PIoU, the best pooled pixel IoU over the thresholds, in [0, 1]. */
  public double piou() {
    int j = bestIouIndex();
    return j < 0 ? Double.NaN : iou(j);
  }

  /** The threshold of {@link #piou()}: pixels with score ≥ it are foreground. */
  public double piouThreshold() {
    int j = bestIouIndex();
    return j < 0 ? Double.NaN : BIN_EDGES[BINS - 1 - j];
  }

  private double iou(int j) {
    return truePositives()[j] / (double) (positives() + falsePositives()[j]);
  }

  private long positives() {
    return Arrays.stream(positives).sum();
  }

  /** j of the best IoU over j = 1…101, the smallest threshold (largest j) on a tie; −1 if P = 0. */
  private int bestIouIndex() {
    long p = positives();
    if (p == 0) {
      return -1;
    }
    long[] tp = truePositives();
    long[] fp = falsePositives();
    int best = BINS - 1;
    for (int j = BINS - 2; j >= 1; j--) {
      if (tp[j] / (double) (p + fp[j]) > tp[best] / (double) (p + fp[best])) {
        best = j;
      }
    }
    return best;
  }

  private static long[] reverseCumsum(long[] hist) {
    long[] c = new long[BINS];
    long sum = 0;
    for (int j = 0; j < BINS; j++) {
      sum += hist[BINS - 1 - j];
      c[j] = sum;
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PxapCurve c && c.images == images && Arrays.equals(c.positives, positives)
        && Arrays.equals(c.negatives, negatives);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(positives) + Arrays.hashCode(negatives) + Long.hashCode(images);
  }
}
