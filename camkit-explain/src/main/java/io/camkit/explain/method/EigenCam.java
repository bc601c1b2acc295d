package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;

/**
 * Eigen-CAM (Muhammad and Yeasin, "Eigen-CAM: Class Activation Map using Principal Components",
 * IJCNN 2020): the projection of the activations {@code A [N, K, h, w]} on their first principal
 * component, per image ({@link PrincipalProjection}; pytorch-grad-cam's {@code get_2d_projection}:
 * positions as rows, centred per channel). Gradient-free and class-agnostic: every target of an
 * image gets the same map. Its sign is camkit's convention (positive correlation with {@code Σ_k
 * A_k}), see {@link PrincipalProjection}.
 */
public final class EigenCam extends CamMethod {
  @Override
  public String name() {
    return "eigencam";
  }

  @Override
  public boolean needsGradients() {
    return false;
  }

  @Override
  protected NDArray maps(LayerCapture c) {
    return project(c, c.activations());
  }

  /** {@link PrincipalProjection} of each image of {@code x [N, K, h, w]} → {@code [N, h, w]}. */
  static NDArray project(LayerCapture c, NDArray x) {
    int n = c.batch();
    int k = c.channels();
    int p = (int) c.positions();
    float[] all = x.toFloatArray();
    float[] out = new float[n * p];
    for (int i = 0; i < n; i++) {
      float[] one = java.util.Arrays.copyOfRange(all, i * k * p, (i + 1) * k * p);
      System.arraycopy(PrincipalProjection.of(one, k, p), 0, out, i * p, p);
    }
    return c.scope().create(out, new ai.djl.ndarray.types.Shape(n, x.getShape().get(2), x.getShape().get(3)));
  }
}
