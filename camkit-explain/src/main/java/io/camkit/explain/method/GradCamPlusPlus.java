package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;

/**
 * Grad-CAM++ (Chattopadhay et al., "Grad-CAM++: Generalized Gradient-based Visual Explanations
 * for Deep Convolutional Networks", WACV 2018, Eq. 19 with the exponential-output closed form):
 * with {@code G = ∂y^c/∂A},
 *
 * <pre>  α_k(i,j) = G² / (2 G² + Σ_{a,b} A_k(a,b) · G³),   w_k = Σ_{i,j} α_k(i,j) · ReLU(G_k(i,j))</pre>
 *
 * (α := 0 where G = 0). The denominator gets {@code + 1e-6} as in pytorch-grad-cam, whose output
 * this matches; torch-cam's Grad-CAM++ (≤ 0.4.x) leaves α = G² through an in-place division on a
 * copy and is not the paper's formula.
 */
public final class GradCamPlusPlus extends CamMethod {
  static final float EPS = 1e-6f;

  @Override
  public String name() {
    return "gradcampp";
  }

  @Override
  protected NDArray weights(LayerCapture c) {
    return weights(c.flatActivations(), c.flatGradients());
  }

  /**
   * For {@code A, G [N, K, h·w]}: {@code w [N, K]}. Written as {@code α = G² / (G² (2 + S G) + ε)}
   * with {@code S = Σ A}: where {@code G = 0} the numerator is 0, so α = 0 without a mask.
   */
  static NDArray weights(NDArray a, NDArray g) {
    NDArray g2 = g.mul(g);
    NDArray sumA = a.sum(new int[] {2}, true); // [N, K, 1]
    NDArray alpha = g2.div(g2.mul(sumA.mul(g).add(2f)).add(EPS));
    return alpha.mul(g.maximum(0f)).sum(new int[] {2});
  }

  /** The closed form with the gradient's powers given (Smooth Grad-CAM++ averages them). */
  static NDArray weights(NDArray a, NDArray g1, NDArray g2, NDArray g3) {
    NDArray sumA = a.sum(new int[] {2}, true); // [N, K, 1]
    NDArray alpha = g2.div(g2.mul(2f).add(sumA.mul(g3)).add(EPS));
    alpha = alpha.mul(g1.neq(0f).toType(alpha.getDataType(), false));
    return alpha.mul(g1.maximum(0f)).sum(new int[] {2});
  }
}
