package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;

/**
 * EigenGrad-CAM (pytorch-grad-cam's class-discriminative Eigen-CAM): the first principal component
 * projection ({@link PrincipalProjection}) of the gradient-weighted activations {@code G ⊙ A}, per
 * image, with {@code G = ∂s/∂A} of the target. Sign: positive correlation with {@code Σ_k G_k A_k}
 * (the HiRes-CAM map), see {@link PrincipalProjection}.
 */
public final class EigenGradCam extends CamMethod {
  @Override
  public String name() {
    return "eigengradcam";
  }

  @Override
  protected NDArray maps(LayerCapture c) {
    return EigenCam.project(c, c.gradients().mul(c.activations()));
  }
}
