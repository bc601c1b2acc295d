package io.camkit.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Pure tensor functions of class activation mapping. */
public final class ClassActivationMaps {
  private ClassActivationMaps() {}

  /**
   * The class activation maps of Zhou et al. 2016 (Eq. 2), {@code M_c(x, y) = Σ_k w_k^c f_k(x, y)},
   * for one class per image. The bias is not part of the map.
   *
   * @param features the last conv maps {@code f}, shape {@code [N, K, h, w]}
   * @param weights the linear layer after global average pooling, {@code [C, K]}
   * @param classes the class to map for each image, length N, each in {@code [0, C)}
   * @return {@code [N, h, w]}
   */
  public static NDArray cam(NDArray features, NDArray weights, int[] classes) {
    long n = features.getShape().get(0);
    long k = features.getShape().get(1);
    if (classes.length != n) {
      throw new IllegalArgumentException(classes.length + " classes for " + n + " images");
    }
    if (weights.getShape().get(1) != k) {
      throw new IllegalArgumentException(
          "weights " + weights.getShape() + " do not match " + k + " feature maps");
    }
    long c = weights.getShape().get(0);
    for (int cls : classes) {
      if (cls < 0 || cls >= c) {
        throw new IllegalArgumentException("class index " + cls + " is out of range [0, " + c + ")");
      }
    }
    long h = features.getShape().get(2);
    long w = features.getShape().get(3);
    NDArray idx = features.getManager().create(classes).toType(ai.djl.ndarray.types.DataType.INT64, false);
    NDArray wSel = weights.get(new NDIndex("{}", idx)); // [N, K]
    wSel.attach(features.getManager()); // born in the weights' long-lived manager: would stay there per call
    // [N, 1, K] x [N, K, h*w] -> [N, 1, h*w]
    NDArray maps = wSel.expandDims(1).batchMatMul(features.reshape(n, k, h * w));
    return maps.reshape(n, h, w);
  }

  /**
   * The class activation maps of every class at once: {@code M = w · f}, one batched product.
   *
   * @param features {@code [N, K, h, w]}
   * @param weights {@code [C, K]}
   * @return {@code [N, C, h, w]}
   */
  public static NDArray allClasses(NDArray features, NDArray weights) {
    long n = features.getShape().get(0);
    long k = features.getShape().get(1);
    long h = features.getShape().get(2);
    long w = features.getShape().get(3);
    if (weights.getShape().get(1) != k) {
      throw new IllegalArgumentException(
          "weights " + weights.getShape() + " do not match " + k + " feature maps");
    }
    // [C, K] x [N, K, h*w] -> [N, C, h*w] (broadcast over N)
    NDArray maps = weights.matMul(features.reshape(n, k, h * w));
    maps.attach(features.getManager()); // born in the weights' long-lived manager: would stay there per call
    return maps.reshape(n, weights.getShape().get(0), h, w);
  }
}
