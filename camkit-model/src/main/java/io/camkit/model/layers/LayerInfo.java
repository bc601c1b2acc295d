package io.camkit.model.layers;

import java.util.Arrays;

/**
 * One layer an explainer can target: its name in the model's layer tree, what it is, and the
 * shape of its output {@code [K, h, w]} for one image of the model's input size.
 *
 * @param name the name to pass as {@code --layer}
 * @param kind what the layer is (e.g. "Conv 3×3 s2 + BN + ReLU", "TorchScript split")
 * @param shape {@code [K, h, w]}
 */
public record LayerInfo(String name, String kind, long[] shape) {
  public LayerInfo {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** "K×h×w". */
  public String shapeText() {
    return String.join("×", Arrays.stream(shape).mapToObj(Long::toString).toList());
  }
}
