package io.camkit.explain.augment;

/**
 * A geometric warp of a single-channel {@code [H, W]} map as a sparse linear operator {@code A}:
 * output pixel {@code q} samples the input bilinearly at the point {@code p = M q + b} (pixel
 * indices, pixel centres at integers), {@code (Ax)(q) = Σ_k ω_k(q) x(p_k(q))} over the four pixels
 * {@code p_k} around {@code p}. Samples that fall outside the frame read zeros: a corner outside
 * {@code [0, W) × [0, H)} gets weight 0, so an output pixel half outside fades to half its value
 * and one wholly outside is 0 (see {@link #coverage()}).
 *
 * <p>The operator is stored as four (index, weight) pairs per output pixel, so that {@link
 * #applyAdjoint} is its exact transpose: {@code Aᵀ} scatters each output value back onto the same
 * four input pixels with the same weights. Coordinates within {@link #SNAP} of an integer are
 * snapped to it, so rotations by multiples of 90° and integer shifts permute pixels exactly.
 * Immutable.
 */
public final class BilinearWarp {
  /**
   * Sampling coordinates closer than this to an integer are rounded to it: it removes the
   * {@code 1e-16} residue of {@code cos(90°)} and of the centre arithmetic, far below any
   * meaningful sub-pixel position.
   */
  public static final double SNAP = 1e-9;

  private final int width;
  private final int height;
  /** {@code 4 · W · H} input indices, corners (x0, y0), (x0+1, y0), (x0, y0+1), (x0+1, y0+1). */
  private final int[] index;
  /** The bilinear weight of each corner; 0 for a corner outside the frame. */
  private final float[] weight;

  /**
   * The warp of a {@code width × height} map whose output pixel {@code (qx, qy)} samples the input
   * at {@code (m00 qx + m01 qy + bx, m10 qx + m11 qy + by)}.
   */
  public BilinearWarp(
      int width, int height, double m00, double m01, double m10, double m11, double bx, double by) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("warp of a " + width + "x" + height + " map");
    }
    this.width = width;
    this.height = height;
    int n = width * height;
    index = new int[4 * n];
    weight = new float[4 * n];
    for (int qy = 0; qy < height; qy++) {
      for (int qx = 0; qx < width; qx++) {
        double px = snap(m00 * qx + m01 * qy + bx);
        double py = snap(m10 * qx + m11 * qy + by);
        double fx0 = Math.floor(px);
        double fy0 = Math.floor(py);
        double fx = px - fx0;
        double fy = py - fy0;
        int k = 4 * (qy * width + qx);
        // Far outside: all four corners are outside (and the int casts would overflow).
        if (fx0 < -1 || fy0 < -1 || fx0 >= width || fy0 >= height) {
          continue;
        }
        int x0 = (int) fx0;
        int y0 = (int) fy0;
        set(k, x0, y0, (1 - fx) * (1 - fy));
        set(k + 1, x0 + 1, y0, fx * (1 - fy));
        set(k + 2, x0, y0 + 1, (1 - fx) * fy);
        set(k + 3, x0 + 1, y0 + 1, fx * fy);
      }
    }
  }

  private static double snap(double v) {
    double r = Math.rint(v);
    return Math.abs(v - r) < SNAP ? r : v;
  }

  private void set(int k, int x, int y, double w) {
    if (x >= 0 && x < width && y >= 0 && y < height && w != 0) {
      index[k] = y * width + x;
      weight[k] = (float) w;
    }
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /**
   * The input index of corner {@code corner} (0..3) of output pixel {@code q}: row {@code q} of
   * {@code A} is {@code Σ_corner sourceWeight · e_sourceIndex}. A corner of weight 0 may hold any
   * index.
   */
  public int sourceIndex(int q, int corner) {
    return index[4 * q + corner];
  }

  /** The bilinear weight of {@link #sourceIndex}, in [0, 1]; 0 outside the frame. */
  public float sourceWeight(int q, int corner) {
    return weight[4 * q + corner];
  }

  /** {@code out = A x}; both {@code [H, W]} row-major, distinct arrays. */
  public void apply(double[] x, double[] out) {
    check(x, out);
    for (int q = 0, k = 0; q < out.length; q++, k += 4) {
      out[q] =
          weight[k] * x[index[k]]
              + weight[k + 1] * x[index[k + 1]]
              + weight[k + 2] * x[index[k + 2]]
              + weight[k + 3] * x[index[k + 3]];
    }
  }

  /** {@code out += Aᵀ y}: scatters each {@code y(q)} onto its four source pixels. */
  public void addAdjoint(double[] y, double[] out) {
    check(y, out);
    for (int q = 0, k = 0; q < y.length; q++, k += 4) {
      double v = y[q];
      out[index[k]] += weight[k] * v;
      out[index[k + 1]] += weight[k + 1] * v;
      out[index[k + 2]] += weight[k + 2] * v;
      out[index[k + 3]] += weight[k + 3] * v;
    }
  }

  /** {@code out = Aᵀ y}. */
  public void applyAdjoint(double[] y, double[] out) {
    java.util.Arrays.fill(out, 0);
    addAdjoint(y, out);
  }

  /**
   * {@code A 1}: the fraction of each output pixel's bilinear footprint that lies inside the input
   * frame, in [0, 1]; 1 where the output is a full interpolation, 0 where it is pure fill.
   */
  public double[] coverage() {
    double[] c = new double[width * height];
    for (int q = 0, k = 0; q < c.length; q++, k += 4) {
      c[q] = (double) weight[k] + weight[k + 1] + weight[k + 2] + weight[k + 3];
    }
    return c;
  }

  /**
   * An upper bound of the squared spectral norm, {@code ‖A‖₂² ≤ ‖A‖₁ ‖A‖∞} (largest column sum
   * times largest row sum of the non-negative weights). Rows sum to at most 1; a column can sum to
   * a little more than 1 under rotation, where one input pixel feeds more than one output.
   */
  public double squaredNormBound() {
    double[] col = new double[width * height];
    double maxRow = 0;
    for (int q = 0, k = 0; q < col.length; q++, k += 4) {
      double row = 0;
      for (int j = k; j < k + 4; j++) {
        col[index[j]] += weight[j];
        row += weight[j];
      }
      maxRow = Math.max(maxRow, row);
    }
    double maxCol = 0;
    for (double v : col) {
      maxCol = Math.max(maxCol, v);
    }
    return maxRow * maxCol;
  }

  private void check(double[] in, double[] out) {
    int n = width * height;
    if (in.length != n || out.length != n) {
      throw new IllegalArgumentException(
          "warp of " + width + "x" + height + " needs " + n + " values, got " + in.length + " and "
              + out.length);
    }
  }
}
