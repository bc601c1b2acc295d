package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.RgbImage;
import io.camkit.model.layers.LayerInfo;
import io.camkit.model.layers.LayeredModel;
import java.util.List;
import java.util.Optional;

/**
 * A model simple enough to compute by hand: the target layer is the input itself ({@code A = x},
 * K = 3 channels, h×w = the image) and the head is GAP + linear, {@code y = W · mean(A) + b}.
 */
final class LinearGapModel implements LayeredModel {
  final float[][] w; // [C][3]
  final int size;
  final boolean gradients;
  final NDManager manager = NDManager.newBaseManager("PyTorch");

  LinearGapModel(float[][] w, int size, boolean gradients) {
    this.w = w;
    this.size = size;
    this.gradients = gradients;
  }

  @Override
  public List<String> classes() {
    return java.util.stream.IntStream.range(0, w.length).mapToObj(Integer::toString).toList();
  }

  @Override
  public List<LayerInfo> layers() {
    return List.of(new LayerInfo("input", "identity", new long[] {3, size, size}));
  }

  @Override
  public int[] inputSize() {
    return new int[] {size, size};
  }

  @Override
  public NDArray input(NDManager scope, List<RgbImage> images) {
    float[] d = new float[images.size() * 3 * size * size];
    for (int i = 0; i < images.size(); i++) {
      images.get(i).resize(size, size).toChw(d, i * 3 * size * size);
    }
    return scope.create(d, new Shape(images.size(), 3, size, size));
  }

  @Override
  public NDArray scaled(NDManager scope, float[] chw01, int n) {
    return scope.create(chw01, new Shape(n, 3, size, size));
  }

  @Override
  public NDArray logits(NDManager scope, NDArray x) {
    return head(scope, x, "input");
  }

  @Override
  public NDArray features(NDManager scope, NDArray x, String layer) {
    layer(layer);
    return x.duplicate();
  }

  @Override
  public NDArray head(NDManager scope, NDArray a, String layer) {
    long n = a.getShape().get(0);
    NDArray pooled = a.reshape(n, 3, (long) size * size).mean(new int[] {2}); // [N, 3]
    NDArray wt = weights(scope).transpose(); // [3, C]
    return pooled.matMul(wt).add(0.5f);
  }

  NDArray weights(NDManager scope) {
    float[] flat = new float[w.length * 3];
    for (int c = 0; c < w.length; c++) {
      System.arraycopy(w[c], 0, flat, c * 3, 3);
    }
    return scope.create(flat, new Shape(w.length, 3));
  }

  @Override
  public boolean supportsGradients() {
    return gradients;
  }

  @Override
  public Optional<NDArray> classifierWeights(String layer) {
    return Optional.of(weights(manager));
  }

  @Override
  public String description() {
    return gradients ? "a linear GAP model" : "a forward-only linear GAP model";
  }

  @Override
  public void close() {
    manager.close();
  }
}
