package io.camkit.evaluate.faithfulness;

import io.camkit.core.HeatMap;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * ROAD, RemOve And Debias (Rong et al., "A Consistent and Efficient Evaluation Strategy for
 * Attribution Methods", ICML 2022), as pytorch-grad-cam's {@code ROADCombined} computes it: for
 * each percentile p of the map,
 *
 * <ul>
 *   <li><b>MoRF</b> (most relevant first): the pixels where the map is at or above its p-th
 *       percentile are removed, {@code Δ_MoRF(p) = P(x̃) − P(x)}: a faithful map makes it fall,
 *       <b>lower is better</b>;
 *   <li><b>LeRF</b> (least relevant first): the pixels where {@code 1 − map} is at or above its
 *       p-th percentile (the least relevant ones) are removed, {@code Δ_LeRF(p)}: a faithful map
 *       keeps the probability, <b>higher is better</b>;
 * </ul>
 *
 * <p>removed pixels are filled by {@link NoisyLinearImputer} (which, unlike a constant baseline,
 * leaves no shape for the model to read), {@code P} is the target class's probability, each Δ is
 * averaged over the percentiles, and {@code combined = (mean Δ_LeRF − mean Δ_MoRF) / 2}, higher is
 * better. Percentiles interpolate linearly between sorted values ({@code numpy.percentile}'s
 * default). Costs {@code 2·|p| + 1} forward passes and {@code 2·|p|} sparse solves per image.
 */
public final class Road {
  private final ClassScorer scorer;
  private final RoadOptions options;

  public Road(ClassScorer scorer, RoadOptions options) {
    if (scorer == null || options == null) {
      throw new IllegalArgumentException("a class scorer and options are required");
    }
    this.scorer = scorer;
    this.options = options;
  }

  /**
   * @param morf mean {@code Δ_MoRF} over the percentiles (lower is better)
   * @param lerf mean {@code Δ_LeRF} (higher is better)
   * @param combined {@code (lerf − morf) / 2} (higher is better)
   */
  public record Result(double morf, double lerf, double combined) {}

  /**
   * @param image the image in [0, 1]; not modified
   * @param targetClass the class whose probability is tracked
   * @param saliency the map at the image's resolution, normalised to [0, 1]; NaN counts as 0
   */
  public Result evaluate(ChwImage image, int targetClass, HeatMap saliency) {
    int h = image.height();
    int w = image.width();
    if (saliency.width() != w || saliency.height() != h) {
      throw new IllegalArgumentException("the saliency map is " + saliency.width() + "x" + saliency.height()
          + " (WxH) but the image is " + w + "x" + h + "; resize the map to the image first (HeatMap.resize)");
    }
    int[] ps = options.percentiles();
    float[] map = saliency.values().clone();
    float[] inverse = new float[map.length];
    for (int i = 0; i < map.length; i++) {
      map[i] = Float.isNaN(map[i]) ? 0 : map[i];
      inverse[i] = 1 - map[i];
    }
    float[] original = image.raw();
    SplittableRandom rng = new SplittableRandom(options.seed());
    float[] sortedMap = sorted(map);
    float[] sortedInverse = sorted(inverse);
    float[][] perturbed = new float[2 * ps.length][];
    for (int k = 0; k < ps.length; k++) {
      perturbed[k] = NoisyLinearImputer.impute(original, image.channels(), h, w,
          atOrAbove(map, percentileOfSorted(sortedMap, ps[k])), options.noise(), rng);
      perturbed[ps.length + k] = NoisyLinearImputer.impute(original, image.channels(), h, w,
          atOrAbove(inverse, percentileOfSorted(sortedInverse, ps[k])), options.noise(), rng);
    }
    int[] classes = new int[2 * ps.length + 1];
    Arrays.fill(classes, targetClass);
    float[] p = BatchedScoring.score(scorer, image.channels(), h, w, classes, options.batchSize(),
        (k, dst, offset) -> System.arraycopy(k == 0 ? original : perturbed[k - 1], 0, dst, offset, original.length));
    double morf = 0;
    double lerf = 0;
    for (int k = 0; k < ps.length; k++) {
      morf += p[1 + k] - p[0];
      lerf += p[1 + ps.length + k] - p[0];
    }
    morf /= ps.length;
    lerf /= ps.length;
    return new Result(morf, lerf, (lerf - morf) / 2);
  }

  /** Flags where {@code v ≥ t}: the pixels removed. */
  static boolean[] atOrAbove(float[] v, double t) {
    boolean[] r = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = v[i] >= t;
    }
    return r;
  }

  /** The p-th percentile with linear interpolation between the sorted values ({@code numpy.percentile}). */
  static double percentile(float[] v, double p) {
    return percentileOfSorted(sorted(v), p);
  }

  private static float[] sorted(float[] v) {
    float[] s = v.clone();
    Arrays.sort(s);
    return s;
  }

  /** {@link #percentile} of values already sorted ascending. */
  static double percentileOfSorted(float[] s, double p) {
    double pos = p / 100 * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }
}
