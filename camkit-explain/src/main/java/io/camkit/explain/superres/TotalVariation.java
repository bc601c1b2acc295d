package io.camkit.explain.superres;

/**
 * The anisotropic ℓ1 total variation of a row-major {@code [H, W]} map,
 *
 * <pre>
 *   TV(h) = Σ_{x &lt; W−1, y} |h(x+1, y) − h(x, y)| + Σ_{x, y &lt; H−1} |h(x, y+1) − h(x, y)|,
 * </pre>
 *
 * (no wrap-around, nothing across the border), and one of its subgradients.
 */
public final class TotalVariation {
  private TotalVariation() {}

  /** {@code TV(h)}. */
  public static double value(double[] h, int width, int height) {
    check(h, width, height);
    double tv = 0;
    for (int y = 0; y < height; y++) {
      int r = y * width;
      for (int x = 0; x < width; x++) {
        int i = r + x;
        if (x + 1 < width) {
          tv += Math.abs(h[i + 1] - h[i]);
        }
        if (y + 1 < height) {
          tv += Math.abs(h[i + width] - h[i]);
        }
      }
    }
    return tv;
  }

  /**
   * {@code TV(h)}, and {@code out += scale · g} with {@code g} the subgradient of {@link
   * #addSubgradient}, in one pass (the solver's inner loop).
   */
  public static double valueAndAddSubgradient(
      double[] h, int width, int height, double scale, double[] out) {
    check(h, width, height);
    check(out, width, height);
    double tv = 0;
    // Two branch-free passes: horizontal pairs row by row, then vertical pairs.
    for (int y = 0; y < height; y++) {
      int r = y * width;
      for (int i = r; i < r + width - 1; i++) {
        double d = h[i + 1] - h[i];
        tv += Math.abs(d);
        double s = scale * Math.signum(d);
        out[i + 1] += s;
        out[i] -= s;
      }
    }
    int vertical = (height - 1) * width;
    for (int i = 0; i < vertical; i++) {
      double d = h[i + width] - h[i];
      tv += Math.abs(d);
      double s = scale * Math.signum(d);
      out[i + width] += s;
      out[i] -= s;
    }
    return tv;
  }

  /**
   * {@code out += scale · g} with {@code g ∈ ∂TV(h)} the subgradient that takes {@code sign(0) = 0}:
   * each difference {@code d = h(b) − h(a)} adds {@code sign(d)} to {@code g(b)} and subtracts it
   * from {@code g(a)}. So each entry of {@code g} is an integer in {@code [−4, 4]}, and a flat map
   * has {@code g = 0}.
   */
  public static void addSubgradient(double[] h, int width, int height, double scale, double[] out) {
    check(h, width, height);
    check(out, width, height);
    for (int y = 0; y < height; y++) {
      int r = y * width;
      for (int x = 0; x < width; x++) {
        int i = r + x;
        if (x + 1 < width) {
          double s = scale * Math.signum(h[i + 1] - h[i]);
          out[i + 1] += s;
          out[i] -= s;
        }
        if (y + 1 < height) {
          double s = scale * Math.signum(h[i + width] - h[i]);
          out[i + width] += s;
          out[i] -= s;
        }
      }
    }
  }

  /** The subgradient {@code g} of {@link #addSubgradient} on its own. */
  public static double[] subgradient(double[] h, int width, int height) {
    double[] g = new double[h.length];
    addSubgradient(h, width, height, 1, g);
    return g;
  }

  private static void check(double[] h, int width, int height) {
    if (width <= 0 || height <= 0 || h.length != width * height) {
      throw new IllegalArgumentException(
          "map of " + width + "x" + height + " needs " + (width * height) + " values, got "
              + h.length);
    }
  }
}
