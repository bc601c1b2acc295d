package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;

/**
 * Grad-CAM (Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via
 * Gradient-based Localization", ICCV 2017, Eq. 1–2): {@code α_k^c = (1 / Z) Σ_{i,j} ∂y^c /
 * ∂A_k(i, j)}, map {@code Σ_k α_k^c A_k} (ReLU applied by {@link ClassMap}). For a GAP + linear
 * head {@code α_k^c = w_k^c / Z}, so Grad-CAM is CAM divided by {@code Z = h·w}.
 */
public final class GradCam extends CamMethod {
  @Override
  public String name() {
    return "gradcam";
  }

  @Override
  protected NDArray weights(LayerCapture c) {
    return c.flatGradients().mean(new int[] {2});
  }
}
