package io.camkit.evaluate.faithfulness;

import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import java.util.Arrays;

/**
 * The deletion and insertion metrics of RISE (Petsiuk, Das and Saenko, "RISE: Randomized Input
 * Sampling for Explanation of Black-box Models", BMVC 2018, Sec. 4.1).
 *
 * <p>Pixels are ranked by decreasing saliency (see {@link #order}). With {@code P = H · W} pixels
 * and {@code S} = {@link DeletionInsertionOptions#steps()}, step {@code s = 0..S} acts on the first
 * {@code n_s = ⌊s · P / S⌋} pixels of the ranking (all channels of a pixel together), at {@code x_s
 * = n_s / P} (equal steps; when S does not divide P the steps differ by at most one pixel and x is
 * the exact fraction):
 *
 * <ul>
 *   <li><b>deletion</b>: the image with those pixels replaced by the deletion baseline; the curve
 *       starts at the unmodified image ({@code s = 0}) and ends at the baseline. A faithful map
 *       makes the probability fall fast: <b>lower AUC is better</b>.
 *   <li><b>insertion</b>: the insertion baseline with those pixels revealed from the image; it
 *       starts at the baseline and ends at the image. <b>Higher AUC is better</b>.
 * </ul>
 *
 * <p>Each curve is the probability {@code p_s} of the target class ({@link ClassScorer}) at each
 * step; its area is the trapezoid rule over {@code x ∈ [0, 1]}, {@code AUC = Σ_s (x_s − x_{s−1})
 * (p_s + p_{s−1}) / 2} (RISE's {@code auc}). The {@code 2 (S + 1)} images of one call go to the
 * scorer in consecutive batches of at most {@link DeletionInsertionOptions#batchSize()} (a batch
 * may hold the end of the deletion sequence and the start of the insertion one).
 *
 * <p>Pure apart from the scorer; thread-safe when the scorer is.
 */
public final class DeletionInsertion {
  private final ClassScorer scorer;
  private final DeletionInsertionOptions options;

  public DeletionInsertion(ClassScorer scorer, DeletionInsertionOptions options) {
    if (scorer == null || options == null) {
      throw new IllegalArgumentException("a class scorer and options are required");
    }
    this.scorer = scorer;
    this.options = options;
  }

  public DeletionInsertionOptions options() {
    return options;
  }

  /**
   * Both curves of one image. The arrays are copied in and out; as in any record of arrays, {@code
   * equals} compares them by identity.
   *
   * @param fractions {@code x_s = n_s / P}, the fraction of pixels acted on after step s ({@code S
   *     + 1} values from 0 to 1)
   * @param deletionCurve the probability after deleting {@code n_s} pixels
   * @param insertionCurve the probability after inserting {@code n_s} pixels
   * @param deletionAuc trapezoid area under the deletion curve, in [0, 1]; lower is better
   * @param insertionAuc trapezoid area under the insertion curve, in [0, 1]; higher is better
   */
  public record Result(
      double[] fractions,
      double[] deletionCurve,
      double[] insertionCurve,
      double deletionAuc,
      double insertionAuc) {
    public Result {
      fractions = fractions.clone();
      deletionCurve = deletionCurve.clone();
      insertionCurve = insertionCurve.clone();
    }

    @Override
    public double[] fractions() {
      return fractions.clone();
    }

    @Override
    public double[] deletionCurve() {
      return deletionCurve.clone();
    }

    @Override
    public double[] insertionCurve() {
      return insertionCurve.clone();
    }
  }

  /** {@link #evaluate(ChwImage, int, HeatMap)} on the RGB image as 3 planes in [0, 1]. */
  public Result evaluate(RgbImage image, int targetClass, HeatMap saliency) {
    return evaluate(ChwImage.of(image), targetClass, saliency);
  }

  /**
   * Deletion and insertion curves of one image.
   *
   * @param image the image, {@code [C, H, W]} in [0, 1]; not modified
   * @param targetClass the class whose probability is tracked, ≥ 0
   * @param saliency the map at image resolution, {@code W × H}; higher is more important; NaN
   *     ranks lowest (see {@link #order})
   * @throws IllegalArgumentException when the map's size differs from the image's, the class is
   *     negative, or {@code steps} exceeds {@code H · W}
   * @throws IllegalStateException when the scorer misbehaves (see {@link ClassScorer})
   */
  public Result evaluate(ChwImage image, int targetClass, HeatMap saliency) {
    int h = image.height();
    int w = image.width();
    if (saliency.width() != w || saliency.height() != h) {
      throw new IllegalArgumentException(
          "the saliency map is " + saliency.width() + "x" + saliency.height() + " (WxH) but the image is "
              + w + "x" + h + "; resize the map to the image first (HeatMap.resize)");
    }
    if (targetClass < 0) {
      throw new IllegalArgumentException("the target class must be ≥ 0, got " + targetClass);
    }
    int pixels = h * w;
    int steps = options.steps();
    if (steps > pixels) {
      throw new IllegalArgumentException(
          "steps = " + steps + " exceeds the " + pixels + " pixels of a " + w + "x" + h
              + " image; choose steps ≤ " + pixels);
    }
    int[] order = order(saliency);
    float[] original = image.raw();
    float[] deletion = original.clone();
    float[] deletionBase = Baselines.of(options.deletionBaseline(), image, options);
    float[] insertion = Baselines.of(options.insertionBaseline(), image, options);
    int[] classes = new int[2 * (steps + 1)];
    Arrays.fill(classes, targetClass);
    float[] p =
        BatchedScoring.score(
            scorer, image.channels(), h, w, classes, options.batchSize(),
            (k, dst, offset) -> {
              // Called once per k in increasing order: each step only replaces its own pixels.
              boolean deleting = k <= steps;
              int s = deleting ? k : k - steps - 1;
              float[] current = deleting ? deletion : insertion;
              if (s > 0) {
                int from = pixelsAfter(s - 1, steps, pixels);
                int to = pixelsAfter(s, steps, pixels);
                copyPixels(deleting ? deletionBase : original, current, order, from, to, image.channels(), pixels);
              }
              System.arraycopy(current, 0, dst, offset, current.length);
            });
    double[] x = new double[steps + 1];
    double[] del = new double[steps + 1];
    double[] ins = new double[steps + 1];
    for (int s = 0; s <= steps; s++) {
      x[s] = pixelsAfter(s, steps, pixels) / (double) pixels;
      del[s] = p[s];
      ins[s] = p[steps + 1 + s];
    }
    return new Result(x, del, ins, auc(x, del), auc(x, ins));
  }

  /**
   * The number of pixels acted on after step {@code s} of {@code steps}: {@code ⌊s · P / S⌋}.
   */
  public static int pixelsAfter(int s, int steps, int pixels) {
    return (int) ((long) s * pixels / steps);
  }

  /**
   * Pixel indices {@code y · W + x} by decreasing saliency. Ties keep increasing pixel index
   * (row-major order; a stable sort), so a constant map gives {@code 0, 1, …, HW − 1}; {@code −0}
   * ties with {@code +0}; NaN ranks below every number, −∞ included (a NaN pixel is deleted last
   * and inserted last, as if it had the lowest saliency). ±∞ rank as numbers.
   */
  public static int[] order(HeatMap saliency) {
    float[] v = saliency.values();
    Integer[] idx = new Integer[v.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(
        idx,
        (a, b) -> {
          float va = v[a];
          float vb = v[b];
          boolean na = Float.isNaN(va);
          boolean nb = Float.isNaN(vb);
          if (na || nb) {
            return Boolean.compare(na, nb);
          }
          return va > vb ? -1 : (va < vb ? 1 : 0);
        });
    int[] out = new int[idx.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = idx[i];
    }
    return out;
  }

  /**
   * The trapezoid area {@code Σ_i (x_i − x_{i−1}) (y_i + y_{i−1}) / 2}, in double.
   *
   * @throws IllegalArgumentException when the arrays differ in length or hold fewer than 2 points
   */
  public static double auc(double[] x, double[] y) {
    if (x.length != y.length || x.length < 2) {
      throw new IllegalArgumentException(
          "the trapezoid rule needs ≥ 2 points and as many x as y, got " + x.length + " x and "
              + y.length + " y");
    }
    double area = 0;
    for (int i = 1; i < x.length; i++) {
      area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
    }
    return area;
  }

  /** Copies the pixels {@code order[from..to)} (every channel) from {@code src} into {@code dst}. */
  private static void copyPixels(
      float[] src, float[] dst, int[] order, int from, int to, int channels, int plane) {
    for (int j = from; j < to; j++) {
      for (int c = 0; c < channels; c++) {
        int i = c * plane + order[j];
        dst[i] = src[i];
      }
    }
  }
}
