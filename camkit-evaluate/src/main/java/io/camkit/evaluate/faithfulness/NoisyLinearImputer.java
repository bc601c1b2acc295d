package io.camkit.evaluate.faithfulness;

import java.util.SplittableRandom;

/**
 * ROAD's noisy linear imputation (Rong et al., "A Consistent and Efficient Evaluation Strategy for
 * Attribution Methods", ICML 2022, §4): every removed pixel takes the weighted mean of its eight
 * neighbours (weight 1/6 for the four that share an edge, 1/12 for the diagonals; neighbours
 * outside the image drop out), removed neighbours included, so the removed region is filled by
 * the solution of a sparse linear system,
 *
 * <pre>  S_i · v_i − Σ_{j removed} w_ij · v_j = Σ_{j kept} w_ij · x_j     (S_i = Σ_{j in the image} w_ij)</pre>
 *
 * per channel, then Gaussian noise of σ = {@code noise} is added to each imputed value. The system
 * is symmetric positive definite when every removed region touches a kept pixel, and solved by
 * conjugate gradients with a Jacobi preconditioner to a relative residual of 1e-6 (the authors'
 * code, as shipped by pytorch-grad-cam, calls a sparse direct solver; the solutions agree to that
 * tolerance). A region with no kept neighbour (every pixel removed) has a zero right-hand side and
 * is filled with 0, plus noise. Values are finally clamped to [0, 1], the range a {@link
 * ClassScorer} takes. Pure; the noise comes from the generator given.
 */
public final class NoisyLinearImputer {
  /** Offsets {@code (dy, dx)} of the neighbours and their weights, as the authors' code. */
  static final int[][] OFFSETS = {{1, 1}, {0, 1}, {-1, 1}, {1, -1}, {0, -1}, {-1, -1}, {1, 0}, {-1, 0}};
  static final double[] WEIGHTS = {1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 6.0, 1 / 6.0};
  private static final double TOLERANCE = 1e-6;

  private NoisyLinearImputer() {}

  /**
   * @param image planar {@code [C, H, W]} values; not modified
   * @param removed {@code H · W} flags, true where the pixel is imputed
   * @param noise σ ≥ 0 of the noise added to imputed values (the authors' default: 0.01)
   * @return a new {@code [C, H, W]} array: kept pixels copied, removed ones imputed
   */
  public static float[] impute(
      float[] image, int channels, int height, int width, boolean[] removed, double noise, SplittableRandom rng) {
    int plane = height * width;
    if (image.length != channels * plane || removed.length != plane) {
      throw new IllegalArgumentException("an image of " + channels + "x" + height + "x" + width + " needs "
          + channels * plane + " values and " + plane + " flags");
    }
    int[] unknown = new int[plane]; // pixel → unknown index, or -1
    int n = 0;
    for (int p = 0; p < plane; p++) {
      unknown[p] = removed[p] ? n++ : -1;
    }
    float[] out = image.clone();
    if (n == 0) {
      return out;
    }
    int[] pixelOf = new int[n];
    for (int p = 0; p < plane; p++) {
      if (unknown[p] >= 0) {
        pixelOf[unknown[p]] = p;
      }
    }
    // The system's rows: each unknown's diagonal S_i and its removed neighbours with weights.
    double[] diag = new double[n];
    int[][] nbr = new int[n][];
    double[][] nbrW = new double[n][];
    for (int i = 0; i < n; i++) {
      int p = pixelOf[i];
      int y = p / width;
      int x = p % width;
      int[] js = new int[8];
      double[] ws = new double[8];
      int m = 0;
      for (int o = 0; o < 8; o++) {
        int yy = y + OFFSETS[o][0];
        int xx = x + OFFSETS[o][1];
        if (yy < 0 || xx < 0 || yy >= height || xx >= width) {
          continue;
        }
        diag[i] += WEIGHTS[o];
        int q = yy * width + xx;
        if (unknown[q] >= 0) {
          js[m] = unknown[q];
          ws[m++] = WEIGHTS[o];
        }
      }
      nbr[i] = java.util.Arrays.copyOf(js, m);
      nbrW[i] = java.util.Arrays.copyOf(ws, m);
    }
    for (int c = 0; c < channels; c++) {
      int base = c * plane;
      double[] b = new double[n];
      for (int i = 0; i < n; i++) {
        int p = pixelOf[i];
        int y = p / width;
        int x = p % width;
        for (int o = 0; o < 8; o++) {
          int yy = y + OFFSETS[o][0];
          int xx = x + OFFSETS[o][1];
          if (yy >= 0 && xx >= 0 && yy < height && xx < width && unknown[yy * width + xx] < 0) {
            b[i] += WEIGHTS[o] * image[base + yy * width + xx];
          }
        }
      }
      double[] v = solve(diag, nbr, nbrW, b);
      for (int i = 0; i < n; i++) {
        double value = v[i] + noise * rng.nextGaussian();
        out[base + pixelOf[i]] = (float) Math.min(1, Math.max(0, value));
      }
    }
    return out;
  }

  /** {@code (D − W) v = b} by Jacobi-preconditioned conjugate gradients from {@code v = 0}. */
  static double[] solve(double[] diag, int[][] nbr, double[][] nbrW, double[] b) {
    int n = b.length;
    double[] v = new double[n];
    double[] r = b.clone();
    double[] z = new double[n];
    double bNorm = 0;
    for (int i = 0; i < n; i++) {
      z[i] = r[i] / diag[i];
      bNorm += b[i] * b[i];
    }
    if (bNorm == 0) {
      return v;
    }
    double[] d = z.clone();
    double rz = dot(r, z);
    double[] ad = new double[n];
    for (int it = 0; it < 10 * n + 100; it++) {
      for (int i = 0; i < n; i++) {
        double s = diag[i] * d[i];
        for (int k = 0; k < nbr[i].length; k++) {
          s -= nbrW[i][k] * d[nbr[i][k]];
        }
        ad[i] = s;
      }
      double dad = dot(d, ad);
      if (dad <= 0) {
        break;
      }
      double alpha = rz / dad;
      double rr = 0;
      for (int i = 0; i < n; i++) {
        v[i] += alpha * d[i];
        r[i] -= alpha * ad[i];
        rr += r[i] * r[i];
      }
      if (rr <= TOLERANCE * TOLERANCE * bNorm) {
        break;
      }
      for (int i = 0; i < n; i++) {
        z[i] = r[i] / diag[i];
      }
      double rzNext = dot(r, z);
      double beta = rzNext / rz;
      rz = rzNext;
      for (int i = 0; i < n; i++) {
        d[i] = z[i] + beta * d[i];
      }
    }
    return v;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
