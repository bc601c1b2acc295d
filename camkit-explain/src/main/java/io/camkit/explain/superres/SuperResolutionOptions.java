package io.camkit.explain.superres;

import io.camkit.core.Options;

/**
 * Options of {@link AugmentedSuperResolution}, the weights of its energy {@code E(h) = ½ Σ_l ‖D A_l
 * h − g_l‖² + λ TV(h) + (μ/2) ‖h‖²} and its subgradient-descent schedule.
 *
 * @param lambda λ ≥ 0, the weight of the anisotropic total variation (sharp edges, flat regions);
 *     in units of the maps' values, as the data term is
 * @param mu μ ≥ 0, the weight of the ℓ2 (Tikhonov) term that keeps the parts of {@code h} that no
 *     observation sees from drifting
 * @param steps the number of subgradient steps, ≥ 1
 * @param stepSize η₀ &gt; 0, relative: step {@code t} (0-based) moves by {@code η_t = η₀ / (Lip ·
 *     √(t+1))} along the subgradient, with {@code Lip = Σ_l ‖D‖² ‖A_l‖² + μ} a bound of the
 *     Lipschitz constant of the smooth terms' gradient. So {@code η₀ = 1} is a safe full gradient
 *     step at the start whatever the scale factor and the number of maps, and the √ decay makes the
 *     TV subgradient's oscillation die out (the classic diminishing, non-summable schedule).
 */
public record SuperResolutionOptions(double lambda, double mu, int steps, double stepSize) {

  /** The λ of {@link #forProblem} per unit of {@code ρ}. */
  public static final double LAMBDA_PER_RHO = 0.004;

  /** The μ of {@link #forProblem} per unit of {@code ρ}. */
  public static final double MU_PER_RHO = 0.008;

  /**
   * λ = 0.0005, μ = 0.001, 100 steps, η₀ = 1: {@link #forProblem} for 8 maps of 8 × 8 from 64 ×
   * 64 (ρ = 1/8), tuned on maps in [0, 1]. For other sizes or counts use {@link #forProblem}.
   */
  public static SuperResolutionOptions defaults() {
    return new SuperResolutionOptions(0.0005, 0.001, 100, 1.0);
  }

  /**
   * Defaults scaled to the problem: λ = {@value #LAMBDA_PER_RHO} ρ and μ = {@value #MU_PER_RHO} ρ
   * with {@code ρ = L · hw / (HW)}, 100 steps, η₀ = 1, for maps in [0, 1].
   *
   * <p>Why ρ: the data term's curvature is {@code Σ_l ‖D A_l‖² ≈ ρ} (an upscale by {@code s}
   * divides it by {@code s²}), while TV and ‖·‖² act per high-resolution pixel whatever {@code s}.
   * With λ and μ proportional to ρ the three terms keep their balance, and the TV subgradient's
   * jitter {@code 4 λ η_t ≤ 4 λ η₀ / ρ} stays at about 0.016 of the map range. A fixed λ tuned
   * for {@code s = 8} is 16 times too strong at {@code s = 32}, and the descent then never improves
   * on its start. The factor was chosen on a bright rectangle seen through 1 and 8 augmentations at
   * 64 → 8, 9, 16 and 224 → 7, 14, 28: four times larger (0.016) lets the TV jitter win at 224 →
   * 14 and 28 (the best iterate is the first), half as large sharpens a little less.
   *
   * @param maps L, the number of augmentations
   */
  public static SuperResolutionOptions forProblem(
      int maps, int lowWidth, int lowHeight, int width, int height) {
    Options.check(maps >= 1, "augment-count", maps, ">= 1");
    double rho = (double) maps * lowWidth * lowHeight / ((double) width * height);
    return new SuperResolutionOptions(LAMBDA_PER_RHO * rho, MU_PER_RHO * rho, 100, 1.0);
  }

  public SuperResolutionOptions {
    Options.check(lambda >= 0 && Double.isFinite(lambda), "sr-lambda", lambda, "a finite number >= 0");
    Options.check(mu >= 0 && Double.isFinite(mu), "sr-mu", mu, "a finite number >= 0");
    Options.check(steps >= 1 && steps <= 1_000_000, "sr-steps", steps, "1..1000000");
    Options.check(
        stepSize > 0 && Double.isFinite(stepSize), "sr-step-size", stepSize, "a finite number > 0");
  }

  public SuperResolutionOptions withLambda(double l) {
    return new SuperResolutionOptions(l, mu, steps, stepSize);
  }

  public SuperResolutionOptions withMu(double m) {
    return new SuperResolutionOptions(lambda, m, steps, stepSize);
  }

  public SuperResolutionOptions withSteps(int n) {
    return new SuperResolutionOptions(lambda, mu, n, stepSize);
  }

  public SuperResolutionOptions withStepSize(double s) {
    return new SuperResolutionOptions(lambda, mu, steps, s);
  }

  /** η_t of step {@code t} (0-based) for the Lipschitz bound {@code lip}. */
  public double stepAt(int t, double lip) {
    return stepSize / (lip * Math.sqrt(t + 1.0));
  }
}
