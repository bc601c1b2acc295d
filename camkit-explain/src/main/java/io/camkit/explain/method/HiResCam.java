package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;

/**
 * HiRes-CAM (Draelos and Carin, "Use HiResCAM instead of Grad-CAM for faithful explanations of
 * convolutional neural networks", 2020): {@code M = Σ_k ∂y^c/∂A_k ⊙ A_k}, the element-wise product
 * without spatial averaging of the gradient; for a GAP + linear head it equals Grad-CAM.
 */
public final class HiResCam extends CamMethod {
  @Override
  public String name() {
    return "hirescam";
  }

  @Override
  protected NDArray maps(LayerCapture c) {
    return weightedSum(c.gradients(), c.activations());
  }
}
