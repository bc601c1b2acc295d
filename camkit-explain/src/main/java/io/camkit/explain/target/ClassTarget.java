package io.camkit.explain.target;

import ai.djl.ndarray.NDArray;
import io.camkit.core.CamkitException;

/**
 * The raw score (logit) of one class per image, {@code s_i = y[i, c_i]}: the default target of
 * Grad-CAM and its descendants (Selvaraju et al. 2017 use the pre-softmax score {@code y^c}).
 */
public final class ClassTarget implements Target {
  private final int[] classes;
  private final int single;

  /** The same class for every image. */
  public ClassTarget(int classIndex) {
    this.classes = null;
    this.single = classIndex;
  }

  /** Class {@code classes[i]} for image i. */
  public ClassTarget(int[] classes) {
    this.classes = classes.clone();
    this.single = -1;
  }

  @Override
  public int classOf(int image) {
    return classes == null ? single : classes[image];
  }

  @Override
  public NDArray score(NDArray logits) {
    int n = (int) logits.getShape().get(0);
    int c = (int) logits.getShape().get(1);
    if (classes != null && classes.length != n) {
      throw new IllegalArgumentException(classes.length + " target classes for " + n + " images");
    }
    float[] oneHot = new float[n * c];
    for (int i = 0; i < n; i++) {
      int k = classOf(i);
      if (k < 0 || k >= c) {
        throw new CamkitException("class index " + k + " is out of range: the model has " + c
            + " classes (0.." + (c - 1) + ")");
      }
      oneHot[i * c + k] = 1f;
    }
    // y · onehot summed over classes: differentiable, one kernel
    return logits.mul(logits.getManager().create(oneHot, logits.getShape())).sum(new int[] {1});
  }
}
