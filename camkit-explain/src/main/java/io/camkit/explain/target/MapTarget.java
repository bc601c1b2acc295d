package io.camkit.explain.target;

import ai.djl.ndarray.NDArray;
import io.camkit.core.CamkitException;

/**
 * A target read from the network's spatial class scores {@code M [N, C, h, w]} rather than from its
 * pooled scores {@code y [N, C]}: a segmentation model's output, or the class maps of a fully
 * convolutional (class-map) head before pooling ({@code LayeredModel#headMaps}). Gradient methods,
 * Score-CAM and Ablation-CAM back-propagate or compare this score; a model without spatial scores
 * refuses it with a clear message.
 */
public interface MapTarget extends Target {

  /**
   * @param maps {@code [N, C, h, w]} spatial class scores
   * @return {@code [N]}
   */
  NDArray scoreMaps(NDArray maps);

  /** A map target has no meaning on pooled scores. */
  @Override
  default NDArray score(NDArray logits) {
    throw new CamkitException("this target reads the model's class maps [N, C, h, w], not its scores [N, C]");
  }
}
