package io.camkit.model.pooling;

import ai.djl.ndarray.NDArray;
import io.camkit.core.Options;
import java.util.Locale;

/**
 * Log-sum-exp pooling (Pinheiro &amp; Collobert 2015; Sun et al. 2016, "ProNet"): {@code y_c = (1/β)
 * log((1/HW) Σ_{i,j} exp(β z_c(i, j)))}, a smooth interpolation between average pooling (β → 0)
 * and max pooling (β → ∞). Computed in the stable form {@code m + (1/β) log((1/HW) Σ exp(β (z −
 * m)))} with {@code m = max z_c}, so no exponent exceeds 0.
 */
public final class LogSumExpPooling implements SpatialPooling {
  private final double beta;

  /** @param beta the sharpness β, &gt; 0 */
  public LogSumExpPooling(double beta) {
    Options.check(beta > 0 && Double.isFinite(beta), "beta", beta, "> 0");
    this.beta = beta;
  }

  public double beta() {
    return beta;
  }

  /**
   * LSE pooling with a tensor β ({@code [1]}, &gt; 0), differentiable with respect to β as well as
   * {@code z}: {@code ∂y_c/∂β = (E_p[z] − y_c) / β}, with {@code p} the softmax of {@code β z_c}
   * over the regions (the learned-β head of {@link io.camkit.model.arch.ClassMapHead}).
   *
   * @param z region scores {@code [N, C, H, W]}
   * @param beta β, shape {@code [1]}
   * @return {@code [N, C]}
   */
  public static NDArray apply(NDArray z, NDArray beta) {
    NDArray f = SpatialPooling.flatten(z); // [N, C, HW]
    NDArray m = f.max(new int[] {2}, true).stopGradient(); // [N, C, 1]
    NDArray mean = f.sub(m).mul(beta).exp().mean(new int[] {2}); // [N, C]
    return mean.log().div(beta).add(m.squeeze(2));
  }

  @Override
  public NDArray apply(NDArray z) {
    NDArray f = SpatialPooling.flatten(z); // [N, C, HW]
    NDArray m = f.max(new int[] {2}, true).stopGradient(); // [N, C, 1]; any m gives the same value
    NDArray mean = f.sub(m).mul(beta).exp().mean(new int[] {2}); // [N, C]
    return mean.log().div(beta).add(m.squeeze(2));
  }

  @Override
  public String name() {
    return String.format(Locale.ROOT, "lse(beta=%s)", beta);
  }
}
