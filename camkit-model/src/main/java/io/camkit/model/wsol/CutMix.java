package io.camkit.model.wsol;

import io.camkit.core.Permutations;
import java.util.SplittableRandom;

/**
 * CutMix (Yun et al., "CutMix: Regularization Strategy to Train Strong Classifiers with
 * Localizable Features", ICCV 2019, Sec. 3.1 and Algorithm A1): with probability p a batch is
 * mixed: {@code λ ~ Beta(α, α)}, a box of side {@code ⌊S·√(1−λ)⌋} (area ratio {@code 1−λ}) centred
 * at a uniform pixel and clipped to the image is cut from each image's partner in a random
 * permutation of the batch and pasted over the same box of the image, and the targets become
 *
 * <pre>  ỹ = λ_adj · y_a + (1 − λ_adj) · y_b,   λ_adj = 1 − (x2 − x1)(y2 − y1) / S²</pre>
 *
 * with {@code λ_adj} the share of the image left unpasted after clipping (so the label weights are
 * exactly the pixel areas). One box and one λ per batch, as in the paper's code. Seeded: every
 * draw comes from the caller's {@link SplittableRandom}.
 */
public final class CutMix {
  private final double alpha;
  private final double p;

  /**
   * @param alpha α of the Beta(α, α) distribution of λ (1: uniform)
   * @param p the probability that a batch is mixed
   */
  public CutMix(double alpha, double p) {
    this.alpha = alpha;
    this.p = p;
  }

  /**
   * One batch's mix: images {@code i} get the box {@code [x1, x2) × [y1, y2)} of image {@code
   * partner[i]}.
   *
   * @param lambdaAdj the unpasted area share {@code 1 − (x2 − x1)(y2 − y1) / S²}, the weight of
   *     each image's own target
   */
  public record Mix(int x1, int y1, int x2, int y2, int[] partner, double lambdaAdj) {}

  /**
   * Draws the mix of a batch of {@code n} images of side {@code size}, or null when this batch is
   * left as is (probability {@code 1 − p}). Draw order: the coin, λ, the centre x then y, the
   * permutation.
   */
  public Mix draw(int n, int size, SplittableRandom rng) {
    if (rng.nextDouble() >= p) {
      return null;
    }
    double lambda = beta(alpha, rng);
    int cut = (int) (size * Math.sqrt(1 - lambda));
    int cx = rng.nextInt(size);
    int cy = rng.nextInt(size);
    int[] partner = Permutations.of(n, rng);
    return box(size, cx, cy, cut, partner);
  }

  /**
   * The mix of a box of side {@code cut} centred at {@code (cx, cy)}: corners {@code clip(c ∓
   * ⌊cut/2⌋, 0, S)} as in the paper's {@code rand_bbox}, and λ_adj from the clipped area.
   */
  public static Mix box(int size, int cx, int cy, int cut, int[] partner) {
    int x1 = clip(cx - cut / 2, size);
    int x2 = clip(cx + cut / 2, size);
    int y1 = clip(cy - cut / 2, size);
    int y2 = clip(cy + cut / 2, size);
    double lambdaAdj = 1 - (double) (x2 - x1) * (y2 - y1) / ((double) size * size);
    return new Mix(x1, y1, x2, y2, partner.clone(), lambdaAdj);
  }

  /**
   * Pastes, in place, the box of each partner into every image of a CHW batch {@code data} of
   * {@code n} images with {@code channels} planes of {@code size×size} (from a copy, so that an
   * image pasted into another is its original).
   */
  public static void paste(float[] data, int n, int channels, int size, Mix mix) {
    float[] src = data.clone();
    int image = channels * size * size;
    for (int i = 0; i < n; i++) {
      int j = mix.partner()[i];
      for (int c = 0; c < channels; c++) {
        for (int y = mix.y1(); y < mix.y2(); y++) {
          int from = j * image + (c * size + y) * size + mix.x1();
          int to = i * image + (c * size + y) * size + mix.x1();
          System.arraycopy(src, from, data, to, mix.x2() - mix.x1());
        }
      }
    }
  }

  /**
   * The mixed targets {@code ỹ_i = λ_adj · y_i + (1 − λ_adj) · y_partner(i)} of targets {@code
   * [N · C]} (one-hot, or multi-hot for multi-label training).
   */
  public static float[] mixTargets(float[] targets, int classes, Mix mix) {
    float[] out = new float[targets.length];
    float a = (float) mix.lambdaAdj();
    for (int i = 0; i < out.length / classes; i++) {
      int j = mix.partner()[i];
      for (int c = 0; c < classes; c++) {
        out[i * classes + c] = a * targets[i * classes + c] + (1 - a) * targets[j * classes + c];
      }
    }
    return out;
  }

  private static int clip(int v, int size) {
    return Math.max(0, Math.min(size, v));
  }

  /** {@code X / (X + Y)} with {@code X ~ Γ(α), Y ~ Γ(α)}: a Beta(α, α) draw. */
  static double beta(double alpha, SplittableRandom rng) {
    if (alpha == 1) {
      return rng.nextDouble(); // Beta(1, 1) is uniform
    }
    double x = gamma(alpha, rng);
    double y = gamma(alpha, rng);
    return x + y == 0 ? 0.5 : x / (x + y);
  }

  /**
   * A Γ(a, 1) draw (Marsaglia &amp; Tsang 2000; for {@code a < 1} the boost {@code Γ(a+1)·U^{1/a}}).
   */
  static double gamma(double a, SplittableRandom rng) {
    if (a < 1) {
      return gamma(a + 1, rng) * Math.pow(rng.nextDouble(), 1 / a);
    }
    double d = a - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = normal(rng);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = rng.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  /** A standard normal draw (Box–Muller; {@code 1 − U} keeps the log finite). */
  private static double normal(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}
