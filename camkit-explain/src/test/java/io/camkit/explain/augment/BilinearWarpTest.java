package io.camkit.explain.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BilinearWarpTest {
  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double[] random(Random r, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextGaussian();
    }
    return x;
  }

  /** ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ for the forward and the inverse warp, any size and augmentation. */
  @Property(tries = 60)
  void adjointIsExactTranspose(
      @ForAll @IntRange(min = 1, max = 23) int w,
      @ForAll @IntRange(min = 1, max = 19) int h,
      @ForAll @DoubleRange(min = -180, max = 180) double angle,
      @ForAll @DoubleRange(min = -6, max = 6) double dx,
      @ForAll @DoubleRange(min = -6, max = 6) double dy,
      @ForAll boolean flip,
      @ForAll long seed) {
    Augmentation a = new Augmentation(angle, dx, dy, flip);
    Random r = new Random(seed);
    for (BilinearWarp op : new BilinearWarp[] {a.forward(w, h), a.inverse(w, h)}) {
      double[] x = random(r, w * h);
      double[] y = random(r, w * h);
      double[] ax = new double[w * h];
      double[] aty = new double[w * h];
      op.apply(x, ax);
      op.applyAdjoint(y, aty);
      double lhs = dot(ax, y);
      double rhs = dot(x, aty);
      assertThat(lhs).isCloseTo(rhs, within(1e-4 * Math.max(1, Math.abs(lhs))));
    }
  }

  @Test
  void adjointScattersWithTheSameWeights() {
    // A shift by half a pixel: out(x) = ½ in(x − 1) + ½ in(x), so Aᵀ e_1 = ½ e_0 + ½ e_1.
    BilinearWarp a = new Augmentation(0, 0.5, 0, false).forward(3, 1);
    double[] out = new double[3];
    a.applyAdjoint(new double[] {0, 1, 0}, out);
    assertThat(out).containsExactly(new double[] {0.5, 0.5, 0}, within(1e-12));
    a.applyAdjoint(new double[] {1, 0, 0}, out);
    // out(0) reads in(−1) (zero fill) and in(0): only the in-frame half comes back.
    assertThat(out).containsExactly(new double[] {0.5, 0, 0}, within(1e-12));
  }

  @Test
  void coverageIsTheInFramePartOfTheFootprint() {
    assertThat(new Augmentation(0, 0.25, 0, false).forward(4, 1).coverage())
        .containsExactly(new double[] {0.75, 1, 1, 1}, within(1e-7));
    assertThat(new Augmentation(0, 10, 0, false).forward(4, 2).coverage()).containsOnly(0.0);
  }

  @Test
  void normBoundBoundsTheOperator() {
    Random r = new Random(5);
    BilinearWarp a = new Augmentation(33, 0.4, -1.2, false).forward(20, 17);
    double bound = a.squaredNormBound();
    for (int k = 0; k < 20; k++) {
      double[] x = random(r, 20 * 17);
      double[] ax = new double[x.length];
      a.apply(x, ax);
      assertThat(dot(ax, ax)).isLessThanOrEqualTo(bound * dot(x, x));
    }
    assertThat(Augmentation.identity().forward(5, 5).squaredNormBound()).isEqualTo(1.0);
  }
}
