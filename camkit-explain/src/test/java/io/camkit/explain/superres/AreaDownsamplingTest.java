package io.camkit.explain.superres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AreaDownsamplingTest {
  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void fourByFourToTwoByTwoAveragesBlocks() {
    double[] x = {
      1, 2, 3, 4,
      5, 6, 7, 8,
      9, 10, 11, 12,
      13, 14, 15, 16
    };
    double[] out = new double[4];
    new AreaDownsampling(4, 4, 2, 2).apply(x, out);
    // (1+2+5+6)/4, (3+4+7+8)/4, (9+10+13+14)/4, (11+12+15+16)/4
    assertThat(out).containsExactly(new double[] {3.5, 5.5, 11.5, 13.5}, within(1e-12));
  }

  @Test
  void fiveByFiveToTwoByTwoWeighsByOverlappingArea() {
    // Each low pixel covers 2.5 × 2.5 high pixels; along an axis low 0 takes high 0, 1, 2 with
    // weights 1/2.5, 1/2.5, 0.5/2.5 = 0.4, 0.4, 0.2, and low 1 takes high 2, 3, 4 with 0.2, 0.4, 0.4.
    AreaDownsampling d = new AreaDownsampling(5, 5, 2, 2);
    double[] out = new double[4];
    double[] delta = new double[25];
    delta[2 * 5 + 2] = 1; // the centre pixel is shared by all four: 0.2 · 0.2 each
    d.apply(delta, out);
    assertThat(out).containsExactly(new double[] {0.04, 0.04, 0.04, 0.04}, within(1e-12));
    delta = new double[25];
    delta[2 * 5 + 1] = 1; // x = 1, y = 2: 0.4 along x (low 0 only) times 0.2 along y (both rows)
    d.apply(delta, out);
    assertThat(out).containsExactly(new double[] {0.08, 0, 0.08, 0}, within(1e-12));
    // v(x, y) = 5y + x: the means of x are 0.8 and 3.2 (0·0.4 + 1·0.4 + 2·0.2, 2·0.2 + 3·0.4 + 4·0.4).
    double[] ramp = new double[25];
    for (int i = 0; i < 25; i++) {
      ramp[i] = i;
    }
    d.apply(ramp, out);
    assertThat(out).containsExactly(new double[] {4.8, 7.2, 16.8, 19.2}, within(1e-12));
  }

  @Test
  void constantsStayConstant() {
    AreaDownsampling d = new AreaDownsampling(13, 7, 4, 3);
    double[] x = new double[13 * 7];
    java.util.Arrays.fill(x, 2.5);
    double[] out = new double[12];
    d.apply(x, out);
    assertThat(out).containsExactly(new double[] {2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5,
        2.5, 2.5}, within(1e-12));
  }

  @Test
  void adjointSpreadsOverTheFootprint() {
    AreaDownsampling d = new AreaDownsampling(5, 1, 2, 1);
    double[] out = new double[5];
    d.applyAdjoint(new double[] {1, 0}, out);
    assertThat(out).containsExactly(new double[] {0.4, 0.4, 0.2, 0, 0}, within(1e-12));
  }

  /** ⟨D x, y⟩ = ⟨x, Dᵀ y⟩ for random sizes, multiples or not. */
  @Property(tries = 80)
  void adjointIsExactTranspose(
      @ForAll @IntRange(min = 1, max = 40) int w,
      @ForAll @IntRange(min = 1, max = 40) int h,
      @ForAll @IntRange(min = 1, max = 12) int lw,
      @ForAll @IntRange(min = 1, max = 12) int lh,
      @ForAll long seed) {
    Random r = new Random(seed);
    AreaDownsampling d = new AreaDownsampling(w, h, lw, lh);
    double[] x = new double[w * h];
    double[] y = new double[lw * lh];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = r.nextGaussian();
    }
    double[] dx = new double[y.length];
    double[] dty = new double[x.length];
    d.apply(x, dx);
    d.applyAdjoint(y, dty);
    double lhs = dot(dx, y);
    assertThat(lhs).isCloseTo(dot(x, dty), within(1e-4 * Math.max(1, Math.abs(lhs))));
    // Rows are means: D 1 = 1. Columns of Dᵀ 1 sum to (w h)/(W H) in all.
    double[] ones = new double[lw * lh];
    java.util.Arrays.fill(ones, 1);
    d.applyAdjoint(ones, dty);
    double total = 0;
    for (double v : dty) {
      total += v;
    }
    assertThat(total).isCloseTo(lw * lh, within(1e-9 * lw * lh));
  }
}
