package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.explain.target.Target;
import io.camkit.model.layers.LayeredModel;

/**
 * What a method sees of one batch and one target: the input, the target layer's activations and
 * (for gradient methods) the gradient of the target's score with respect to them.
 *
 * @param model the network
 * @param scope where temporary arrays live
 * @param layer the target layer's name
 * @param input {@code x [N, 3, H, W]}
 * @param activations {@code A [N, K, h, w]}
 * @param gradients {@code G = ∂s/∂A [N, K, h, w]}, or null for methods without gradients
 * @param logits {@code y [N, C]} on the clean input
 * @param scores {@code s [N]}, the target's score on the clean input
 * @param target the target
 */
public record LayerCapture(
    LayeredModel model,
    NDManager scope,
    String layer,
    NDArray input,
    NDArray activations,
    NDArray gradients,
    NDArray logits,
    NDArray scores,
    Target target) {

  /** N. */
  public int batch() {
    return (int) activations.getShape().get(0);
  }

  /** K. */
  public int channels() {
    return (int) activations.getShape().get(1);
  }

  /** h·w. */
  public long positions() {
    return activations.getShape().get(2) * activations.getShape().get(3);
  }

  /** {@code A} as {@code [N, K, h·w]}. */
  public NDArray flatActivations() {
    return activations.reshape(batch(), channels(), positions());
  }

  /** {@code G} as {@code [N, K, h·w]}. */
  public NDArray flatGradients() {
    if (gradients == null) {
      throw new IllegalStateException("this capture has no gradients");
    }
    return gradients.reshape(batch(), channels(), positions());
  }
}
