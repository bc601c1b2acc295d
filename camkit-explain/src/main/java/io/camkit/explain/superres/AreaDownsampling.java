package io.camkit.explain.superres;

/**
 * The downsampling {@code D} of Augmented Grad-CAM, modelled as area averaging from a high-resolution
 * {@code [H, W]} map to a low-resolution {@code [h, w]} one: low pixel {@code (j, i)} covers the
 * rectangle {@code [i·W/w, (i+1)·W/w) × [j·H/h, (j+1)·H/h)} of the high-resolution grid (pixel
 * {@code x} covering {@code [x, x+1)}), and its value is the mean of the high pixels weighted by
 * their overlapping area. Sizes need not be multiples: for 5 → 2 the first low pixel takes the high
 * pixels 0, 1, 2 with weights 0.4, 0.4, 0.2.
 *
 * <p>{@code D = D_y ⊗ D_x} is separable; each 1-D weight is the integer overlap {@code |[jW,
 * (j+1)W) ∩ [xw, (x+1)w)|} divided by {@code W}, so rows sum to exactly 1 and each column to
 * {@code w/W}. {@link #applyAdjoint} is the exact transpose {@code Dᵀ = D_yᵀ ⊗ D_xᵀ}, which
 * spreads each low value over its footprint with the same weights. Not thread-safe: one scratch
 * buffer of {@code H · w} values is shared by both directions.
 */
public final class AreaDownsampling {
  private final int width;
  private final int height;
  private final int lowWidth;
  private final int lowHeight;
  private final Axis ax;
  private final Axis ay;
  private final double[] buffer;

  /** {@code D} from {@code width × height} to {@code lowWidth × lowHeight}. */
  public AreaDownsampling(int width, int height, int lowWidth, int lowHeight) {
    if (width <= 0 || height <= 0 || lowWidth <= 0 || lowHeight <= 0) {
      throw new IllegalArgumentException(
          "area downsampling from " + width + "x" + height + " to " + lowWidth + "x" + lowHeight);
    }
    this.width = width;
    this.height = height;
    this.lowWidth = lowWidth;
    this.lowHeight = lowHeight;
    ax = new Axis(width, lowWidth);
    ay = new Axis(height, lowHeight);
    buffer = new double[height * lowWidth];
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public int lowWidth() {
    return lowWidth;
  }

  public int lowHeight() {
    return lowHeight;
  }

  /**
   * The squared spectral norm bound {@code ‖D‖₂² ≤ ‖D‖₁ ‖D‖∞ = (w/W)(h/H) · 1}; it is exact when the
   * sizes are multiples.
   */
  public double squaredNormBound() {
    return (double) lowWidth * lowHeight / ((double) width * height);
  }

  /** {@code out = D x}: {@code x} is {@code [H, W]}, {@code out} is {@code [h, w]}, row-major. */
  public void apply(double[] x, double[] out) {
    check(x.length, width * height, "high-resolution input");
    check(out.length, lowWidth * lowHeight, "low-resolution output");
    double[] t = buffer; // [H, w]
    for (int y = 0; y < height; y++) {
      int row = y * width;
      for (int i = 0; i < lowWidth; i++) {
        double s = 0;
        for (int k = ax.start[i]; k < ax.start[i + 1]; k++) {
          s += ax.weight[k] * x[row + ax.first[i] + k - ax.start[i]];
        }
        t[y * lowWidth + i] = s;
      }
    }
    for (int j = 0; j < lowHeight; j++) {
      int o = j * lowWidth;
      java.util.Arrays.fill(out, o, o + lowWidth, 0);
      for (int k = ay.start[j]; k < ay.start[j + 1]; k++) {
        double wgt = ay.weight[k];
        int src = (ay.first[j] + k - ay.start[j]) * lowWidth;
        for (int i = 0; i < lowWidth; i++) {
          out[o + i] += wgt * t[src + i];
        }
      }
    }
  }

  /** {@code out = Dᵀ y}: {@code y} is {@code [h, w]}, {@code out} is {@code [H, W]}. */
  public void applyAdjoint(double[] y, double[] out) {
    check(y.length, lowWidth * lowHeight, "low-resolution input");
    check(out.length, width * height, "high-resolution output");
    double[] t = buffer; // [H, w] = D_yᵀ y
    java.util.Arrays.fill(t, 0);
    for (int j = 0; j < lowHeight; j++) {
      int o = j * lowWidth;
      for (int k = ay.start[j]; k < ay.start[j + 1]; k++) {
        double wgt = ay.weight[k];
        int dst = (ay.first[j] + k - ay.start[j]) * lowWidth;
        for (int i = 0; i < lowWidth; i++) {
          t[dst + i] += wgt * y[o + i];
        }
      }
    }
    java.util.Arrays.fill(out, 0);
    for (int yy = 0; yy < height; yy++) {
      int row = yy * width;
      for (int i = 0; i < lowWidth; i++) {
        double v = t[yy * lowWidth + i];
        for (int k = ax.start[i]; k < ax.start[i + 1]; k++) {
          out[row + ax.first[i] + k - ax.start[i]] += ax.weight[k] * v;
        }
      }
    }
  }

  /** The 1-D weights along x, for composing {@code D} with other operators. */
  Axis xAxis() {
    return ax;
  }

  /** The 1-D weights along y. */
  Axis yAxis() {
    return ay;
  }

  private static void check(int got, int want, String what) {
    if (got != want) {
      throw new IllegalArgumentException(what + " needs " + want + " values, got " + got);
    }
  }

  /**
   * The 1-D area weights from {@code n} to {@code m} cells: low cell {@code j} takes the high cells
   * {@code first[j] ..} with the weights {@code weight[start[j] .. start[j+1])}.
   */
  static final class Axis {
    final int[] first;
    final int[] start;
    final double[] weight;

    Axis(int n, int m) {
      first = new int[m];
      start = new int[m + 1];
      double[] w = new double[m * (n / m + 2) + n];
      int k = 0;
      for (int j = 0; j < m; j++) {
        // In units of 1/m of a high cell: low cell j is [j·n, (j+1)·n), high cell x is [x·m, (x+1)·m).
        long lo = (long) j * n;
        long hi = (long) (j + 1) * n;
        int x0 = (int) (lo / m);
        int x1 = (int) ((hi + m - 1) / m); // exclusive
        first[j] = x0;
        start[j] = k;
        for (int x = x0; x < x1; x++) {
          long overlap = Math.min(hi, (long) (x + 1) * m) - Math.max(lo, (long) x * m);
          w[k++] = (double) overlap / n;
        }
      }
      start[m] = k;
      weight = java.util.Arrays.copyOf(w, k);
    }
  }
}
