package io.camkit.explain.method;

/**
 * The projection of a feature map on its first principal component, as Eigen-CAM uses it.
 *
 * <p>For one image's features {@code X [K, h, w]}, let {@code R [h·w, K]} be the positions as rows
 * and the channels as columns, centred per channel ({@code R − mean over positions}). With {@code
 * R = U S Vᵀ} its SVD, the map is {@code p = R v₁ = σ₁ u₁} (an {@code [h, w]} map), where {@code u₁}
 * is the top eigenvector of the {@code [h·w, h·w]} Gram matrix {@code R Rᵀ} and {@code σ₁²} its
 * eigenvalue, or equally {@code R v₁} with {@code v₁} the top eigenvector of the {@code [K, K]}
 * covariance {@code Rᵀ R}, whichever matrix is smaller; it is found by power iteration in double
 * precision (until the direction moves by less than 1e-12, at most 10 000 steps; the rate is
 * {@code (σ₂/σ₁)²}).
 *
 * <p><b>Sign.</b> An SVD fixes a singular vector only up to its sign; pytorch-grad-cam takes
 * whatever LAPACK returns, so its map can come out inverted (on the reference ResNet-18 it does at
 * layer3 and not at layer4). camkit fixes the sign so that {@code p} correlates positively with the
 * channel sum {@code Σ_k X_k}: the map lights up where the features are strong. Pure function.
 */
public final class PrincipalProjection {
  private static final int MAX_STEPS = 10_000;
  private static final double TOL = 1e-12;

  private PrincipalProjection() {}

  /**
   * @param x one image's features, channel-major: {@code x[k · positions + p]}
   * @param channels K
   * @param positions h·w
   * @return the projection {@code p [h·w]}; zeros when the features do not vary over positions
   */
  public static float[] of(float[] x, int channels, int positions) {
    double[] r = new double[positions * channels]; // [P, K], centred per channel
    double[] channelSum = new double[positions];
    for (int k = 0; k < channels; k++) {
      double mean = 0;
      for (int p = 0; p < positions; p++) {
        mean += x[k * positions + p];
      }
      mean /= positions;
      for (int p = 0; p < positions; p++) {
        r[p * channels + k] = x[k * positions + p] - mean;
        channelSum[p] += x[k * positions + p];
      }
    }
    double[] p = channels < positions ? viaChannels(r, channels, positions) : viaPositions(r, channels, positions);
    float[] out = new float[positions];
    if (p == null) {
      return out;
    }
    double meanSum = 0;
    for (double v : channelSum) {
      meanSum += v;
    }
    meanSum /= positions;
    double corr = 0;
    for (int i = 0; i < positions; i++) {
      corr += p[i] * (channelSum[i] - meanSum); // p sums to 0 (R is centred), so this is the covariance
    }
    double sign = corr < 0 ? -1 : 1;
    for (int i = 0; i < positions; i++) {
      out[i] = (float) (sign * p[i]);
    }
    return out;
  }

  /** {@code σ₁ u₁} from the top eigenvector of the {@code [P, P]} Gram matrix {@code R Rᵀ}; null if R = 0. */
  private static double[] viaPositions(double[] r, int channels, int positions) {
    double[] gram = new double[positions * positions];
    for (int i = 0; i < positions; i++) {
      for (int j = i; j < positions; j++) {
        double s = 0;
        for (int k = 0; k < channels; k++) {
          s += r[i * channels + k] * r[j * channels + k];
        }
        gram[i * positions + j] = s;
        gram[j * positions + i] = s;
      }
    }
    double[] u = topEigenvector(gram, positions);
    double lambda = 0;
    for (int i = 0; i < positions; i++) {
      double gu = 0;
      for (int j = 0; j < positions; j++) {
        gu += gram[i * positions + j] * u[j];
      }
      lambda += u[i] * gu;
    }
    if (!(lambda > 0)) {
      return null;
    }
    double sigma = Math.sqrt(lambda);
    for (int i = 0; i < positions; i++) {
      u[i] *= sigma;
    }
    return u;
  }

  /**
   * {@code R v₁} from the top eigenvector {@code v₁} of the {@code [K, K]} covariance {@code Rᵀ R}
   * (the smaller problem when there are fewer channels than positions); null if R = 0.
   */
  private static double[] viaChannels(double[] r, int channels, int positions) {
    double[] cov = new double[channels * channels];
    for (int p = 0; p < positions; p++) {
      for (int a = 0; a < channels; a++) {
        double ra = r[p * channels + a];
        if (ra == 0) {
          continue;
        }
        for (int b = a; b < channels; b++) {
          cov[a * channels + b] += ra * r[p * channels + b];
        }
      }
    }
    for (int a = 0; a < channels; a++) {
      for (int b = 0; b < a; b++) {
        cov[a * channels + b] = cov[b * channels + a];
      }
    }
    double[] v = topEigenvector(cov, channels);
    double[] p = new double[positions];
    double norm = 0;
    for (int i = 0; i < positions; i++) {
      double s = 0;
      for (int k = 0; k < channels; k++) {
        s += r[i * channels + k] * v[k];
      }
      p[i] = s;
      norm += s * s;
    }
    return norm > 0 ? p : null;
  }

  /** The unit eigenvector of the largest eigenvalue of a symmetric positive semi-definite matrix. */
  static double[] topEigenvector(double[] m, int n) {
    double[] v = new double[n];
    // start from the row of largest norm: never orthogonal to the top eigenvector unless m is 0
    int best = 0;
    double bestNorm = -1;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < n; j++) {
        s += m[i * n + j] * m[i * n + j];
      }
      if (s > bestNorm) {
        bestNorm = s;
        best = i;
      }
    }
    for (int j = 0; j < n; j++) {
      v[j] = m[best * n + j] + 1e-3 / Math.sqrt(n); // a little of every direction
    }
    normalise(v);
    double[] next = new double[n];
    for (int step = 0; step < MAX_STEPS; step++) {
      for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++) {
          s += m[i * n + j] * v[j];
        }
        next[i] = s;
      }
      if (normalise(next) == 0) {
        return next;
      }
      double change = 0;
      for (int i = 0; i < n; i++) {
        change = Math.max(change, Math.abs(next[i] - v[i]));
      }
      System.arraycopy(next, 0, v, 0, n);
      if (change < TOL) {
        break;
      }
    }
    return v;
  }

  private static double normalise(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d * d;
    }
    double norm = Math.sqrt(s);
    if (norm > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] /= norm;
      }
    }
    return norm;
  }
}
