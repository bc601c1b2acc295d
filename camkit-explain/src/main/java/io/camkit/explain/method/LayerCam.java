package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;

/**
 * Layer-CAM (Jiang et al., "LayerCAM: Exploring Hierarchical Class Activation Maps for
 * Localization", IEEE TIP 2021, Eq. 6–7): each position keeps its own positive gradient as weight,
 * {@code M = Σ_k ReLU(∂y^c/∂A_k) ⊙ A_k}, which keeps fine detail at shallow layers.
 */
public final class LayerCam extends CamMethod {
  @Override
  public String name() {
    return "layercam";
  }

  @Override
  protected NDArray maps(LayerCapture c) {
    return weightedSum(c.gradients().maximum(0), c.activations());
  }
}
