package io.camkit.model.pooling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.Options;

/**
 * WILDCAT pooling (Durand et al. 2017, "WILDCAT: Weakly Supervised Learning of Deep ConvNets for
 * Image Classification, Pointwise Localization and Segmentation", Sec. 3): the input holds {@code
 * M} modality maps per class, {@code [N, C·M, H, W]} with the maps of class c at channels {@code
 * c·M … c·M + M − 1}; they are averaged class-wise into {@code [N, C, H, W]}, then pooled with
 * {@code y_c = s_top(k⁺) + α · s_low(k⁻)} ({@link WeldonPooling}).
 */
public final class WildcatPooling implements SpatialPooling {
  private final int mapsPerClass;
  private final WeldonPooling spatial;

  public WildcatPooling(int mapsPerClass, RegionCount kMax, RegionCount kMin, double alpha) {
    Options.check(mapsPerClass >= 1, "maps-per-class", mapsPerClass, ">= 1");
    this.mapsPerClass = mapsPerClass;
    this.spatial = new WeldonPooling(kMax, kMin, alpha);
  }

  /** Class-wise average of the M maps: {@code [N, C·M, H, W] → [N, C, H, W]}. */
  @Override
  public NDArray classMaps(NDArray z) {
    Shape s = z.getShape();
    if (s.get(1) % mapsPerClass != 0) {
      throw new IllegalArgumentException(
          s.get(1) + " channels are not a multiple of " + mapsPerClass + " maps per class");
    }
    long c = s.get(1) / mapsPerClass;
    return z.reshape(s.get(0), c, mapsPerClass, s.get(2) * s.get(3))
        .mean(new int[] {2})
        .reshape(s.get(0), c, s.get(2), s.get(3));
  }

  @Override
  public NDArray apply(NDArray z) {
    return spatial.apply(classMaps(z));
  }

  @Override
  public String name() {
    return "wildcat(M=" + mapsPerClass + ", " + spatial.name() + ")";
  }
}
