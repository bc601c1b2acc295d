package io.camkit.model.pooling;

import ai.djl.ndarray.NDArray;

/**
 * Global average pooling (Lin et al. 2014, "Network In Network", Sec. 3.2): {@code y_c = (1 /
 * HW) Σ_{i,j} z_c(i, j)}. No parameters; every region gets gradient {@code 1 / HW}.
 */
public final class GlobalAveragePooling implements SpatialPooling {
  @Override
  public NDArray apply(NDArray z) {
    return SpatialPooling.flatten(z).mean(new int[] {2});
  }

  @Override
  public String name() {
    return "gap";
  }
}
