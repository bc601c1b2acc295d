package io.camkit.explain.superres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TotalVariationTest {
  static final double[] H = {
    0, 1, 1,
    2, 2, 0,
    0, 0, 3
  };

  @Test
  void valueOnAHandComputedThreeByThree() {
    // Horizontal |1|+|0|, |0|+|−2|, |0|+|3| = 6; vertical |2|+|−2|, |1|+|−2|, |−1|+|3| = 11.
    assertThat(TotalVariation.value(H, 3, 3)).isEqualTo(17.0);
  }

  @Test
  void subgradientOnAHandComputedThreeByThree() {
    // Each difference d = h(b) − h(a) adds sign(d) at b and −sign(d) at a; sign(0) = 0, so the
    // ties 1 − 1 (top row), 2 − 2 and 0 − 0 add nothing.
    double[] expected = {
      -2, 0, 1,
      2, 3, -3,
      -1, -2, 2
    };
    assertThat(TotalVariation.subgradient(H, 3, 3)).containsExactly(expected);
    double[] out = new double[9];
    double tv = TotalVariation.valueAndAddSubgradient(H, 3, 3, 0.5, out);
    assertThat(tv).isEqualTo(17.0);
    for (int i = 0; i < 9; i++) {
      assertThat(out[i]).isEqualTo(0.5 * expected[i]);
    }
  }

  @Test
  void flatMapsHaveZeroSubgradient() {
    assertThat(TotalVariation.subgradient(new double[] {4, 4, 4, 4}, 2, 2)).containsOnly(0.0);
    assertThat(TotalVariation.value(new double[] {4, 4, 4, 4}, 2, 2)).isZero();
  }

  @Test
  void subgradientIsTheGradientWhereTvIsDifferentiable() {
    // With no tied neighbours TV is differentiable; central differences must match.
    Random r = new Random(9);
    int w = 5;
    int h = 4;
    double[] x = new double[w * h];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian();
    }
    double[] g = TotalVariation.subgradient(x, w, h);
    double eps = 1e-7;
    for (int i = 0; i < x.length; i++) {
      double[] p = x.clone();
      double[] m = x.clone();
      p[i] += eps;
      m[i] -= eps;
      double numeric = (TotalVariation.value(p, w, h) - TotalVariation.value(m, w, h)) / (2 * eps);
      assertThat(g[i]).as("pixel %d", i).isCloseTo(numeric, within(1e-5));
    }
  }
}
