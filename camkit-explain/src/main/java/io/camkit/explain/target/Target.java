package io.camkit.explain.target;

import ai.djl.ndarray.NDArray;

/**
 * What a map explains: a differentiable function of the network's raw outputs {@code y [N, C]}
 * giving one score per image {@code [N]}. Gradient methods back-propagate this score; CAM and
 * Score-CAM read the class from {@link #classOf}. Built-in targets are {@link ClassTarget}s (a class
 * per image); any other function (a sum of several classes for multi-label, a margin, a
 * regression output) is a lambda: {@code y -> y.get(":, 3").add(y.get(":, 7"))}.
 */
@FunctionalInterface
public interface Target {
  /**
   * @param logits {@code [N, C]} raw scores (pre-softmax)
   * @return {@code [N]}
   */
  NDArray score(NDArray logits);

  /** The class explained for image i, or -1 when this target is not a single class. */
  default int classOf(int image) {
    return -1;
  }

  /** One class for every image. */
  static Target of(int classIndex) {
    return new ClassTarget(classIndex);
  }
}
