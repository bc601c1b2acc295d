package io.camkit.model.layers;

import ai.djl.ndarray.NDArray;

/**
 * A hook on the layers of a network that add a bias, for methods that read every layer's
 * bias-gradient (FullGrad): a convolution with a bias, or a batch norm in inference mode, whose
 * effective bias is {@code β − μ·γ / √(σ² + ε)}.
 */
@FunctionalInterface
public interface BiasTap {

  /**
   * Called during the forward pass with a layer's output {@code y [N, K, h, w]} and its bias
   * {@code b [K]}.
   *
   * @return the array the forward pass continues with ({@code y} itself, or {@code y} plus a
   *     zero leaf whose gradient is then {@code ∂s/∂y})
   */
  NDArray tap(String name, NDArray output, NDArray bias);

  /** The tap that changes nothing. */
  BiasTap NONE = (name, output, bias) -> output;
}
