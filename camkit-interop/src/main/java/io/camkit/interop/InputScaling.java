package io.camkit.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.Options;
import io.camkit.core.RgbImage;
import java.util.Arrays;
import java.util.List;

/**
 * How an imported model wants its images: resized to {@code height × width} and scaled per
 * channel, {@code x_c = (pixel_c / 255 − mean_c) / std_c}, in RGB or BGR order.
 *
 * <p>Common conventions: {@code x/127.5 − 1} is mean 0.5, std 0.5; torchvision is mean (0.485,
 * 0.456, 0.406), std (0.229, 0.224, 0.225); raw 0–255 pixels are mean 0, std 1/255.
 *
 * @param height input height
 * @param width input width
 * @param mean per-channel mean of the [0, 1] input, in RGB order (3 values)
 * @param std per-channel std, RGB order (3 values, &gt; 0)
 * @param bgr whether the model reads its channels in BGR order
 */
public record InputScaling(int height, int width, float[] mean, float[] std, boolean bgr)
    implements ImportedModel.Inputs {
  public InputScaling {
    mean = mean == null ? new float[3] : mean.clone();
    std = std == null ? new float[] {1, 1, 1} : std.clone();
    Options.check(height >= 1 && width >= 1, "input-size", height + "x" + width, ">= 1x1");
    Options.check(mean.length == 3, "mean", mean.length + " values", "3 values");
    Options.check(std.length == 3 && std[0] > 0 && std[1] > 0 && std[2] > 0, "std", Arrays.toString(std),
        "3 values > 0");
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /** {@code [height, width]}. */
  @Override
  public int[] inputSize() {
    return new int[] {height, width};
  }

  /** Images resized to the input and scaled: {@code [N, 3, H, W]}. */
  @Override
  public NDArray input(NDManager scope, List<RgbImage> images) {
    int plane = 3 * height * width;
    float[] data = new float[images.size() * plane];
    for (int i = 0; i < images.size(); i++) {
      images.get(i).resize(width, height).toChw(data, i * plane);
    }
    return scaled(scope, data, images.size());
  }

  /** Planar RGB [0, 1] images at the input size, scaled in place: {@code [N, 3, H, W]}. */
  @Override
  public NDArray scaled(NDManager scope, float[] data, int n) {
    scaleInPlace(data, n);
    return scope.create(data, new Shape(n, 3, height, width));
  }

  /** {@code (v − mean_c) / std_c} in place (channels swapped to BGR if asked). */
  public void scaleInPlace(float[] data, int n) {
    int plane = height * width;
    for (int i = 0; i < n; i++) {
      int base = i * 3 * plane;
      if (bgr) {
        for (int p = 0; p < plane; p++) {
          float r = data[base + p];
          data[base + p] = data[base + 2 * plane + p];
          data[base + 2 * plane + p] = r;
        }
      }
      for (int c = 0; c < 3; c++) {
        int rgb = bgr ? 2 - c : c;
        int off = base + c * plane;
        for (int p = 0; p < plane; p++) {
          data[off + p] = (data[off + p] - mean[rgb]) / std[rgb];
        }
      }
    }
  }
}
