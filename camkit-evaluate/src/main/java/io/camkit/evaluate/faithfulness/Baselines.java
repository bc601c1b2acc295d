package io.camkit.evaluate.faithfulness;

/** The substrate images of {@link Baseline}. Pure functions on planar {@code [C, H, W]} arrays. */
final class Baselines {
  private Baselines() {}

  /** The baseline image of {@code image}, a new planar array of the same shape. */
  static float[] of(Baseline baseline, ChwImage image, DeletionInsertionOptions options) {
    return switch (baseline) {
      case ZERO -> new float[image.raw().length];
      case MEAN -> channelMeans(image);
      case BLUR -> gaussianBlur(image, options.blurKernelSize(), options.blurSigma());
    };
  }

  /** Every pixel of channel c set to {@code μ_c = (1 / HW) Σ I[c]} (summed in double). */
  static float[] channelMeans(ChwImage image) {
    float[] x = image.raw();
    int plane = image.pixels();
    float[] out = new float[x.length];
    for (int c = 0; c < image.channels(); c++) {
      double sum = 0;
      for (int i = 0; i < plane; i++) {
        sum += x[c * plane + i];
      }
      java.util.Arrays.fill(out, c * plane, (c + 1) * plane, (float) (sum / plane));
    }
    return out;
  }

  /**
   * The normalised Gaussian taps {@code g_k = exp(−k² / 2σ²) / Σ_j exp(−j² / 2σ²)} for {@code k =
   * −r..r}, {@code r = (size − 1) / 2}.
   */
  static double[] gaussianKernel(int size, double sigma) {
    int r = (size - 1) / 2;
    double[] g = new double[size];
    double sum = 0;
    for (int k = -r; k <= r; k++) {
      g[k + r] = Math.exp(-(double) k * k / (2 * sigma * sigma));
      sum += g[k + r];
    }
    for (int i = 0; i < size; i++) {
      g[i] /= sum;
    }
    return g;
  }

  /**
   * Separable Gaussian blur of each channel, rows then columns, with clamp-to-edge borders
   * (coordinates outside the image read the nearest border pixel). RISE pads with zeros instead,
   * which darkens a band of {@code r} pixels at the border; repeating the border keeps a constant
   * image constant. Values stay in [0, 1] (a convex combination).
   */
  static float[] gaussianBlur(ChwImage image, int size, double sigma) {
    double[] g = gaussianKernel(size, sigma);
    int r = (size - 1) / 2;
    int h = image.height();
    int w = image.width();
    int plane = h * w;
    float[] x = image.raw();
    float[] out = new float[x.length];
    double[] rows = new double[plane];
    for (int c = 0; c < image.channels(); c++) {
      int base = c * plane;
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          double s = 0;
          for (int k = -r; k <= r; k++) {
            s += g[k + r] * x[base + y * w + clamp(xx + k, w)];
          }
          rows[y * w + xx] = s;
        }
      }
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          double s = 0;
          for (int k = -r; k <= r; k++) {
            s += g[k + r] * rows[clamp(y + k, h) * w + xx];
          }
          out[base + y * w + xx] = (float) Math.min(1.0, Math.max(0.0, s));
        }
      }
    }
    return out;
  }

  private static int clamp(int i, int n) {
    return i < 0 ? 0 : (i >= n ? n - 1 : i);
  }
}
