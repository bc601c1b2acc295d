package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.explain.augment.Augmentation;
import java.util.List;

/** Known augmentations applied to a model's input tensor, channel by channel. */
final class InputWarps {
  private InputWarps() {}

  /**
   * Image {@code i} of {@code x [N, 3, H, W]} under each augmentation: {@code [L, 3, H, W]}. Pixels
   * that come from outside the frame get 0 in the model's input space (after its scaling: the
   * mean colour for mean/std scaling).
   */
  static NDArray augmented(NDManager scope, NDArray x, int i, List<Augmentation> augs) {
    int h = (int) x.getShape().get(2);
    int w = (int) x.getShape().get(3);
    int plane = h * w;
    float[] img = x.get(i).toFloatArray();
    float[] out = new float[augs.size() * 3 * plane];
    for (int l = 0; l < augs.size(); l++) {
      for (int c = 0; c < 3; c++) {
        float[] ch = new float[plane];
        System.arraycopy(img, c * plane, ch, 0, plane);
        System.arraycopy(augs.get(l).applyToMap(ch, w, h), 0, out, (l * 3 + c) * plane, plane);
      }
    }
    return scope.create(out, new Shape(augs.size(), 3, h, w));
  }
}
