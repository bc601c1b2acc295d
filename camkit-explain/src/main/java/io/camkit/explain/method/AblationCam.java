package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.InnerProgress;
import io.camkit.core.Interruption;
import io.camkit.explain.target.Target;
import java.util.ArrayList;
import java.util.List;

/**
 * Ablation-CAM (Desai and Ramaswamy, "Ablation-CAM: Visual Explanations for Deep Convolutional
 * Network via Gradient-free Localization", WACV 2020): the weight of channel {@code k} is the
 * relative drop of the target's score when that channel is ablated,
 *
 * <pre>
 *   w_k = (s − s_k) / s,    s_k = target(head(A with A_k := v))
 * </pre>
 *
 * and the map is {@code Σ_k w_k A_k}. As pytorch-grad-cam does, {@code v = 0} when the image's
 * smallest activation is 0 (after a ReLU), else {@code min(A) − 10⁷}. Gradient-free: K runs of the
 * head per image (not of the whole network), {@link #ablationBatch()} ablated copies per run, each
 * run's arrays freed before the next.
 */
public final class AblationCam extends CamMethod {
  static final float FAR_BELOW = 1e7f;
  private int ablationBatch = 32;

  @Override
  public String name() {
    return "ablationcam";
  }

  @Override
  public boolean needsGradients() {
    return false;
  }

  /** Sets the number of ablated copies per run of the head (≥ 1). */
  public AblationCam ablationBatch(int copies) {
    if (copies < 1) {
      throw new IllegalArgumentException("ablation batch = " + copies + " is out of range (allowed: >= 1)");
    }
    this.ablationBatch = copies;
    return this;
  }

  public int ablationBatch() {
    return ablationBatch;
  }

  @Override
  protected NDArray weights(LayerCapture c) {
    int k = c.channels();
    long h = c.activations().getShape().get(2);
    long w = c.activations().getShape().get(3);
    float[] s = c.scores().toFloatArray();
    List<NDArray> rows = new ArrayList<>(c.batch());
    for (int i = 0; i < c.batch(); i++) {
      Target t = forImage(c.target(), i);
      float[] weights = new float[k];
      try (NDManager image = c.scope().newSubManager()) {
        NDArray a = c.activations().get(i).duplicate(); // [K, h, w]
        a.attach(image);
        float min = a.min().getFloat();
        float value = min == 0 ? 0 : min - FAR_BELOW;
        for (int from = 0; from < k; from += ablationBatch) {
          Interruption.check("stopped during Ablation-CAM's ablated runs");
          int to = Math.min(k, from + ablationBatch);
          try (NDManager pass = image.newSubManager()) {
            float[] keep = new float[(to - from) * k]; // [B, K]: 0 at the ablated channel of each copy
            java.util.Arrays.fill(keep, 1f);
            for (int j = 0; j < to - from; j++) {
              keep[j * k + from + j] = 0;
            }
            NDArray mask = pass.create(keep, new Shape(to - from, k, 1, 1));
            NDArray ablated = a.expandDims(0).mul(mask); // [B, K, h, w], ablated channels 0
            if (value != 0) {
              ablated = ablated.add(mask.mul(-1).add(1).mul(value)); // … or min(A) − 10⁷
            }
            ablated.attach(pass);
            float[] sk = score(c.model(), pass, ablated.reshape(to - from, k, h, w), c.layer(), t).toFloatArray();
            for (int j = 0; j < sk.length; j++) {
              weights[from + j] = (s[i] - sk[j]) / s[i];
            }
          }
          InnerProgress.update("ablation-cam ablated channels", (long) i * k + to, (long) c.batch() * k);
        }
      }
      rows.add(c.scope().create(weights, new Shape(1, k)));
    }
    return NDArrays.concat(new NDList(rows)); // [N, K]
  }
}
