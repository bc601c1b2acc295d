package io.camkit.core;

/**
 * The sampling plan of bilinear resizing along one axis, with half-pixel centres (PyTorch's
 * {@code align_corners=False}, OpenCV's {@code resize}): output index {@code i} of {@code to}
 * samples the source at {@code max(0, (i + 0.5) · from / to − 0.5)}, between source indices {@code
 * lo[i]} and {@code hi[i]} (clamped to the border) with weight {@code w[i]} on {@code hi[i]}.
 */
final class Bilinear {
  final int[] lo;
  final int[] hi;
  final double[] w;

  Bilinear(int from, int to) {
    lo = new int[to];
    hi = new int[to];
    w = new double[to];
    double scale = (double) from / to;
    for (int i = 0; i < to; i++) {
      double f = Math.max(0, (i + 0.5) * scale - 0.5);
      lo[i] = Math.min((int) f, from - 1);
      hi[i] = Math.min(lo[i] + 1, from - 1);
      w[i] = f - lo[i];
    }
  }

  /** Interpolates the four corner values with the weights of output {@code (x, y)}. */
  static double mix(double v00, double v10, double v01, double v11, double wx, double wy) {
    double top = v00 * (1 - wx) + v10 * wx;
    double bottom = v01 * (1 - wx) + v11 * wx;
    return top * (1 - wy) + bottom * wy;
  }
}
