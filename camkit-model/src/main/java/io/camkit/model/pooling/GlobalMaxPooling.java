package io.camkit.model.pooling;

import ai.djl.ndarray.NDArray;

/**
 * Global max pooling (Oquab et al. 2015, "Is object localization for free?"): {@code y_c =
 * max_{i,j} z_c(i, j)}. Only the maximal region receives gradient.
 */
public final class GlobalMaxPooling implements SpatialPooling {
  @Override
  public NDArray apply(NDArray z) {
    return SpatialPooling.flatten(z).max(new int[] {2});
  }

  @Override
  public String name() {
    return "gmp";
  }
}
