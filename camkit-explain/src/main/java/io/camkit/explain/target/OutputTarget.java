package io.camkit.explain.target;

import ai.djl.ndarray.NDArray;
import io.camkit.core.CamkitException;

/**
 * One raw output of the network, {@code s_i = y[i, k]}, read as a number rather than a class: a
 * regression output or the single output of a detector-like score. Unlike {@link ClassTarget} it
 * names no class ({@link #classOf} is −1), so reports show the raw score and no probability.
 */
public final class OutputTarget implements Target {
  private final int index;

  public OutputTarget(int index) {
    if (index < 0) {
      throw new CamkitException("output index " + index + " is out of range");
    }
    this.index = index;
  }

  @Override
  public NDArray score(NDArray logits) {
    long c = logits.getShape().get(1);
    if (index >= c) {
      throw new CamkitException("output index " + index + " is out of range: the model has " + c + " outputs (0.."
          + (c - 1) + ")");
    }
    return logits.get(":, " + index);
  }
}
