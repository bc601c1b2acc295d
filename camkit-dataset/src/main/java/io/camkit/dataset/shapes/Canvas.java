package io.camkit.dataset.shapes;

import io.camkit.core.RgbImage;

/** A float RGB canvas in [0, 1] that shapes are painted on with anti-aliased coverage. */
final class Canvas {
  /** Sub-samples per pixel side used to estimate coverage (4×4 = 16 per pixel). */
  static final int SUPERSAMPLE = 4;

  final int size;
  final float[] rgb;

  Canvas(int size) {
    this.size = size;
    this.rgb = new float[size * size * 3];
  }

  /** Something with an inside-test in image coordinates. */
  @FunctionalInterface
  interface Region {
    boolean contains(double x, double y);
  }

  /**
   * The fraction of each pixel inside {@code region}, over the pixel window {@code [x0, x1) × [y0,
   * y1)} clipped to the canvas; pixels outside the window are 0.
   */
  float[] coverage(Region region, int x0, int y0, int x1, int y1) {
    float[] cov = new float[size * size];
    int ax0 = Math.max(0, x0);
    int ay0 = Math.max(0, y0);
    int ax1 = Math.min(size, x1);
    int ay1 = Math.min(size, y1);
    float unit = 1f / (SUPERSAMPLE * SUPERSAMPLE);
    for (int y = ay0; y < ay1; y++) {
      for (int x = ax0; x < ax1; x++) {
        int hits = 0;
        for (int sy = 0; sy < SUPERSAMPLE; sy++) {
          double py = y + (sy + 0.5) / SUPERSAMPLE;
          for (int sx = 0; sx < SUPERSAMPLE; sx++) {
            if (region.contains(x + (sx + 0.5) / SUPERSAMPLE, py)) {
              hits++;
            }
          }
        }
        cov[y * size + x] = hits * unit;
      }
    }
    return cov;
  }

  /** Alpha-blends {@code colour} with the per-pixel coverage. */
  void paint(float[] cov, float[] colour) {
    for (int i = 0; i < cov.length; i++) {
      float a = cov[i];
      if (a > 0) {
        for (int c = 0; c < 3; c++) {
          rgb[i * 3 + c] = rgb[i * 3 + c] * (1 - a) + colour[c] * a;
        }
      }
    }
  }

  /** The mean colour over the pixels where {@code cov >= 0.5}. */
  float[] meanColour(float[] cov) {
    double[] sum = new double[3];
    int n = 0;
    for (int i = 0; i < cov.length; i++) {
      if (cov[i] >= 0.5f) {
        for (int c = 0; c < 3; c++) {
          sum[c] += rgb[i * 3 + c];
        }
        n++;
      }
    }
    return n == 0
        ? new float[3]
        : new float[] {(float) (sum[0] / n), (float) (sum[1] / n), (float) (sum[2] / n)};
  }

  /** Quantises to 8 bits (round half up, clamped). */
  RgbImage toImage() {
    byte[] out = new byte[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      float v = Math.min(1f, Math.max(0f, rgb[i]));
      out[i] = (byte) Math.round(v * 255f);
    }
    return new RgbImage(size, size, out);
  }
}
