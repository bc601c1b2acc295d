package io.camkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.RgbImage;
import java.util.List;

/** Turns images into the network's input tensor. */
public final class InputBatch {
  private InputBatch() {}

  /**
   * {@code [N, 3, S, S]} floats, {@code (pixel / 255 - mean) / std}; images of another size are
   * resized bilinearly to {@code S = options.imageSize()}.
   */
  public static NDArray of(NDManager manager, List<RgbImage> images, CamNetOptions options) {
    int s = options.imageSize();
    int plane = 3 * s * s;
    float[] data = new float[images.size() * plane];
    for (int i = 0; i < images.size(); i++) {
      images.get(i).resize(s, s).toChw(data, i * plane);
    }
    normalise(data, options);
    return manager.create(data, new Shape(images.size(), 3, s, s));
  }

  /** In place: {@code (v - mean) / std}. */
  public static void normalise(float[] data, CamNetOptions options) {
    float mean = options.mean();
    float inv = 1f / options.std();
    for (int i = 0; i < data.length; i++) {
      data[i] = (data[i] - mean) * inv;
    }
  }
}
