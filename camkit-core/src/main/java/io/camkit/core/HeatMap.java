package io.camkit.core;

import java.util.Arrays;

/**
 * A single-channel map over an image grid, row-major {@code [H, W]}: a class activation map, raw or
 * normalised. Immutable.
 */
public final class HeatMap {
  /**
   * The ε of min-max normalisation, {@code (m - min) / (max - min + ε)}: it keeps a constant map at
   * 0 instead of dividing by zero. The same value as pytorch-grad-cam's {@code scale_cam_image}.
   */
  public static final float NORMALISATION_EPSILON = 1e-7f;

  private final int width;
  private final int height;
  private final float[] values;

  public HeatMap(int width, int height, float[] values) {
    if (width <= 0 || height <= 0 || values.length != width * height) {
      throw new IllegalArgumentException(
          "heat map of " + width + "x" + height + " needs " + (width * height) + " values, got "
              + values.length);
    }
    this.width = width;
    this.height = height;
    this.values = values.clone();
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public float get(int x, int y) {
    return values[y * width + x];
  }

  /** A copy of the values, row-major. */
  public float[] values() {
    return values.clone();
  }

  public float max() {
    float m = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  public float min() {
    float m = Float.POSITIVE_INFINITY;
    for (float v : values) {
      m = Math.min(m, v);
    }
    return m;
  }

  /** Whether every value is finite (no NaN, no infinity). */
  public boolean isFinite() {
    for (float v : values) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** Index {@code y * width + x} of the first maximum. */
  public int argMax() {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Min-max normalisation to [0, 1]: {@code (m - min) / (max - min + ε)} with ε = {@link
   * #NORMALISATION_EPSILON}. A constant map becomes all zeros; a map with a NaN or an infinity also
   * becomes all zeros (check {@link #isFinite()} first to warn the user).
   */
  public HeatMap normalized() {
    if (!isFinite()) {
      return new HeatMap(width, height, new float[values.length]);
    }
    // In double: max - min of two finite floats can overflow float (e.g. ±3e38).
    double lo = min();
    double range = (double) max() - lo;
    float[] out = new float[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) ((values[i] - lo) / (range + NORMALISATION_EPSILON));
    }
    return new HeatMap(width, height, out);
  }

  /** {@code max(m, 0)} element-wise (the ReLU of Grad-CAM, Eq. 2 of Selvaraju et al. 2017). */
  public HeatMap relu() {
    float[] out = values.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.max(out[i], 0f);
    }
    return new HeatMap(width, height, out);
  }

  /**
   * Bilinear resampling to {@code (newWidth, newHeight)} with half-pixel centres, the convention of
   * PyTorch's {@code F.interpolate(mode="bilinear", align_corners=False)} and OpenCV's {@code
   * cv2.resize}: output pixel {@code x} samples the source at {@code (x + 0.5) * W / newWidth -
   * 0.5}, clamped to the border.
   */
  public HeatMap resize(int newWidth, int newHeight) {
    if (newWidth == width && newHeight == height) {
      return this;
    }
    float[] out = new float[newWidth * newHeight];
    Bilinear bx = new Bilinear(width, newWidth);
    Bilinear by = new Bilinear(height, newHeight);
    for (int y = 0; y < newHeight; y++) {
      int r0 = by.lo[y] * width;
      int r1 = by.hi[y] * width;
      for (int x = 0; x < newWidth; x++) {
        out[y * newWidth + x] =
            (float)
                Bilinear.mix(
                    values[r0 + bx.lo[x]], values[r0 + bx.hi[x]], values[r1 + bx.lo[x]],
                    values[r1 + bx.hi[x]], bx.w[x], by.w[y]);
      }
    }
    return new HeatMap(newWidth, newHeight, out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeatMap h
        && h.width == width
        && h.height == height
        && Arrays.equals(h.values, values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(values);
  }
}
