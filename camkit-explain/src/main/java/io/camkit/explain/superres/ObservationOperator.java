package io.camkit.explain.superres;

import io.camkit.explain.augment.BilinearWarp;
import java.util.Arrays;

/**
 * The composed observation {@code B = D A} of one augmentation ({@code [h·w, H·W]}), precomputed as
 * a sparse row matrix (CSR, column indices sorted) so that the solver's inner loop is one gather
 * {@code B x} and one scatter {@code Bᵀ y} per map instead of four passes ({@code A, D, Dᵀ, Aᵀ}).
 * Row {@code j} is {@code Σ_q D[j, q] A[q, ·]}, summed and stored in double (float storage
 * would save a third of the memory but costs a conversion per entry, 1.5× the time); the adjoint
 * reads the same stored values, so {@code ⟨B x, y⟩ = ⟨x, Bᵀ y⟩} up to rounding. Each row
 * has about {@code (s + 2)²} entries for an upscale factor {@code s}, about {@code H W (1 + 2/s)²}
 * in all, against the {@code 10 H W} multiply-adds of the four passes.
 */
final class ObservationOperator {
  private final int highSize;
  private final int[] rowStart;
  private final int[] column;
  private final double[] value;

  ObservationOperator(AreaDownsampling d, BilinearWarp a) {
    int width = d.width();
    int lowWidth = d.lowWidth();
    int m = lowWidth * d.lowHeight();
    highSize = width * d.height();
    if (a.width() != width || a.height() != d.height()) {
      throw new IllegalArgumentException(
          "warp of " + a.width() + "x" + a.height() + " and downsampling from " + width + "x"
              + d.height());
    }
    AreaDownsampling.Axis ax = d.xAxis();
    AreaDownsampling.Axis ay = d.yAxis();
    double[] acc = new double[highSize];
    boolean[] seen = new boolean[highSize];
    int[] touched = new int[highSize];
    rowStart = new int[m + 1];
    int[] cols = new int[Math.max(16, 2 * highSize)];
    double[] vals = new double[cols.length];
    int nnz = 0;
    for (int jy = 0; jy < d.lowHeight(); jy++) {
      for (int jx = 0; jx < lowWidth; jx++) {
        int count = 0;
        for (int ky = ay.start[jy]; ky < ay.start[jy + 1]; ky++) {
          int y = ay.first[jy] + ky - ay.start[jy];
          for (int kx = ax.start[jx]; kx < ax.start[jx + 1]; kx++) {
            int q = y * width + ax.first[jx] + kx - ax.start[jx];
            double dq = ay.weight[ky] * ax.weight[kx];
            for (int corner = 0; corner < 4; corner++) {
              float w = a.sourceWeight(q, corner);
              if (w != 0) {
                int p = a.sourceIndex(q, corner);
                if (!seen[p]) {
                  seen[p] = true;
                  touched[count++] = p;
                }
                acc[p] += dq * w;
              }
            }
          }
        }
        Arrays.sort(touched, 0, count);
        if (nnz + count > cols.length) {
          int size = Math.max(cols.length * 2, nnz + count);
          cols = Arrays.copyOf(cols, size);
          vals = Arrays.copyOf(vals, size);
        }
        for (int k = 0; k < count; k++) {
          int p = touched[k];
          cols[nnz] = p;
          vals[nnz++] = acc[p];
          acc[p] = 0;
          seen[p] = false;
        }
        rowStart[jy * lowWidth + jx + 1] = nnz;
      }
    }
    column = Arrays.copyOf(cols, nnz);
    value = Arrays.copyOf(vals, nnz);
  }

  /** The number of stored entries. */
  int nonZeros() {
    return column.length;
  }

  /** {@code out = B x}: {@code x} is {@code [H, W]}, {@code out} is {@code [h, w]}. */
  void apply(double[] x, double[] out) {
    for (int j = 0; j < out.length; j++) {
      double s = 0;
      for (int k = rowStart[j]; k < rowStart[j + 1]; k++) {
        s += value[k] * x[column[k]];
      }
      out[j] = s;
    }
  }

  /** {@code out += Bᵀ y}. */
  void addAdjoint(double[] y, double[] out) {
    for (int j = 0; j < y.length; j++) {
      double v = y[j];
      for (int k = rowStart[j]; k < rowStart[j + 1]; k++) {
        out[column[k]] += value[k] * v;
      }
    }
  }

  /**
   * {@code ‖B‖₂² ≤ ‖B‖₁ ‖B‖∞}, the largest column sum times the largest row sum of the non-negative
   * entries: the solver's Lipschitz bound.
   */
  double squaredNormBound() {
    double[] col = new double[highSize];
    double maxRow = 0;
    for (int j = 0; j + 1 < rowStart.length; j++) {
      double row = 0;
      for (int k = rowStart[j]; k < rowStart[j + 1]; k++) {
        col[column[k]] += value[k];
        row += value[k];
      }
      maxRow = Math.max(maxRow, row);
    }
    double maxCol = 0;
    for (double v : col) {
      maxCol = Math.max(maxCol, v);
    }
    return maxRow * maxCol;
  }
}
