package io.camkit.model.pooling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * WELDON pooling (Durand et al. 2016, "WELDON: Weakly Supervised Learning of Deep Convolutional
 * Neural Networks", Eq. 2) and, with {@code α}, the class-wise pooling of WILDCAT (Durand et al.
 * 2017, Eq. 2): {@code y_c = s_top(k⁺) + α · s_low(k⁻)}, the mean of the {@code k⁺} highest plus
 * {@code α} times the mean of the {@code k⁻} lowest region scores of each map. WELDON is {@code α =
 * 1}. The gradient reaches exactly the selected regions: {@code 1/k⁺} each for the high ones and
 * {@code α/k⁻} for the low ones.
 */
public final class WeldonPooling implements SpatialPooling {
  private final RegionCount kMax;
  private final RegionCount kMin;
  private final double alpha;

  /**
   * @param kMax k⁺, at least 1 region
   * @param kMin k⁻, 0 to drop the low term
   * @param alpha weight α of the low term
   */
  public WeldonPooling(RegionCount kMax, RegionCount kMin, double alpha) {
    this.kMax = kMax;
    this.kMin = kMin;
    this.alpha = alpha;
  }

  public WeldonPooling(int kMax, int kMin) {
    this(RegionCount.of(kMax), RegionCount.of(kMin), 1.0);
  }

  @Override
  public NDArray apply(NDArray z) {
    NDArray f = SpatialPooling.flatten(z); // [N, C, R]
    int regions = (int) f.getShape().get(2);
    int kp = kMax.resolve(regions, "k-max");
    int km = kMin.resolve(regions, "k-min");
    if (kp < 1) {
      throw new IllegalArgumentException("option --k-max must keep at least 1 region");
    }
    NDArray sorted = f.sort(2); // ascending
    NDArray top = sorted.get(new NDIndex(":, :, " + (regions - kp) + ":")).mean(new int[] {2});
    if (km == 0 || alpha == 0) {
      return top;
    }
    NDArray low = sorted.get(new NDIndex(":, :, :" + km)).mean(new int[] {2});
    return top.add(low.mul(alpha));
  }

  @Override
  public String name() {
    return "weldon(k+=" + describe(kMax) + ", k-=" + describe(kMin) + (alpha == 1 ? "" : ", alpha=" + alpha) + ")";
  }

  private static String describe(RegionCount k) {
    return Double.isNaN(k.fraction()) ? String.valueOf(k.count()) : k.fraction() + "·HW";
  }
}
