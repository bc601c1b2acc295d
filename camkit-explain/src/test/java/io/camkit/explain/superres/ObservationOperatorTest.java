package io.camkit.explain.superres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.camkit.explain.augment.Augmentation;
import io.camkit.explain.augment.BilinearWarp;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class ObservationOperatorTest {
  /** The composed B equals D after A, and Bᵀ equals Aᵀ after Dᵀ, for any sizes. */
  @Property(tries = 40)
  void composedOperatorIsDAfterAAndItsAdjoint(
      @ForAll @IntRange(min = 2, max = 30) int w,
      @ForAll @IntRange(min = 2, max = 30) int h,
      @ForAll @IntRange(min = 1, max = 9) int lw,
      @ForAll @IntRange(min = 1, max = 9) int lh,
      @ForAll @DoubleRange(min = -30, max = 30) double angle,
      @ForAll @DoubleRange(min = -4, max = 4) double shift,
      @ForAll long seed) {
    Random r = new Random(seed);
    AreaDownsampling d = new AreaDownsampling(w, h, lw, lh);
    BilinearWarp a = new Augmentation(angle, shift, -shift / 2, false).forward(w, h);
    ObservationOperator b = new ObservationOperator(d, a);
    double[] x = new double[w * h];
    double[] y = new double[lw * lh];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = r.nextGaussian();
    }
    double[] ax = new double[w * h];
    double[] dax = new double[y.length];
    a.apply(x, ax);
    d.apply(ax, dax);
    double[] bx = new double[y.length];
    b.apply(x, bx);
    assertThat(bx).containsExactly(dax, within(1e-5));

    double[] dty = new double[w * h];
    d.applyAdjoint(y, dty);
    double[] atdty = new double[w * h];
    a.applyAdjoint(dty, atdty);
    double[] bty = new double[w * h];
    b.addAdjoint(y, bty);
    assertThat(bty).containsExactly(atdty, within(1e-5));

    double lhs = AreaDownsamplingTest.dot(bx, y);
    assertThat(lhs)
        .isCloseTo(AreaDownsamplingTest.dot(x, bty), within(1e-4 * Math.max(1, Math.abs(lhs))));
  }
}
