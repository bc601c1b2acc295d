package io.camkit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.evaluate.faithfulness.ClassScorer;
import io.camkit.model.layers.LayeredModel;

/**
 * A {@link ClassScorer} backed by a {@link LayeredModel}: softmax probability of each image's
 * class, for images already at the model's input size.
 */
public final class LayeredModelScorer implements ClassScorer {
  private final LayeredModel model;

  public LayeredModelScorer(LayeredModel model) {
    this.model = model;
  }

  @Override
  public float[] scores(float[] images, int n, int channels, int height, int width, int[] classes) {
    int[] size = model.inputSize();
    if (channels != 3 || height != size[0] || width != size[1]) {
      throw new IllegalArgumentException("images of " + channels + "×" + height + "×" + width
          + " for a model that reads 3×" + size[0] + "×" + size[1]);
    }
    try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
      NDArray p = model.logits(scope, model.scaled(scope, images.clone(), n)).softmax(1);
      float[] all = p.toFloatArray();
      int c = (int) p.getShape().get(1);
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        out[i] = all[i * c + classes[i]];
      }
      return out;
    }
  }
}
