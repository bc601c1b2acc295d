package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;

/**
 * XGrad-CAM (Fu et al., "Axiom-based Grad-CAM", BMVC 2020, Eq. 11): {@code w_k = Σ_{i,j} (A_k(i,j)
 * / (Σ_{a,b} A_k(a,b) + ε)) · ∂y^c/∂A_k(i,j)}, ε = 1e-7 as in pytorch-grad-cam.
 */
public final class XGradCam extends CamMethod {
  static final float EPS = 1e-7f;

  @Override
  public String name() {
    return "xgradcam";
  }

  @Override
  protected NDArray weights(LayerCapture c) {
    NDArray a = c.flatActivations();
    return a.mul(c.flatGradients()).sum(new int[] {2}).div(a.sum(new int[] {2}).add(EPS));
  }
}
