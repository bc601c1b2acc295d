package io.camkit.localize;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The one-pass sweep must give exactly the box of one {@link ThresholdLocalizer} per threshold. */
class ThresholdSweepTest {
  static final double[] TAUS = new double[101];

  static {
    for (int i = 0; i < TAUS.length; i++) {
      TAUS[i] = i / 100.0;
    }
  }

  /** Maps with few distinct levels (plateaus, ties between equal-size components) and NaNs. */
  @Provide
  Arbitrary<HeatMap> maps() {
    Arbitrary<Integer> side = Arbitraries.integers().between(1, 14);
    return Combinators.combine(side, side, Arbitraries.integers().between(2, 12), Arbitraries.longs())
        .as((w, h, levels, seed) -> {
          java.util.Random r = new java.util.Random(seed);
          float[] v = new float[w * h];
          for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(40) == 0 ? Float.NaN : r.nextInt(levels + 1) / (float) levels;
          }
          return new HeatMap(w, h, v);
        });
  }

  @Property(tries = 300)
  void sweepEqualsOneLocalizerPerThreshold(@ForAll("maps") HeatMap map) {
    Optional<Box>[] got = ThresholdSweep.boxes(map, TAUS);
    for (int i = 0; i < TAUS.length; i++) {
      assertThat(got[i]).as("τ = %s", TAUS[i]).isEqualTo(new ThresholdLocalizer(TAUS[i]).localizeNormalised(map).box());
    }
  }

  /** The reference for {@link ThresholdSweep.Sweep#components}: one labelling per threshold. */
  static List<Box> componentBoxesByLabelling(HeatMap map, double tau) {
    float[] v = map.values();
    boolean[] bits = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      bits[i] = v[i] >= tau;
    }
    return ConnectedComponents.of(map.width(), map.height(), bits).boxes();
  }

  @Property(tries = 300)
  void sweepOfAllComponentsEqualsOneLabellingPerThreshold(@ForAll("maps") HeatMap map) {
    ThresholdSweep.Sweep got = ThresholdSweep.sweep(map, TAUS);
    for (int i = 0; i < TAUS.length; i++) {
      assertThat(got.components(i)).as("τ = %s", TAUS[i]).isEqualTo(componentBoxesByLabelling(map, TAUS[i]));
      assertThat(got.largest(i)).as("τ = %s", TAUS[i])
          .isEqualTo(new ThresholdLocalizer(TAUS[i]).localizeNormalised(map).box());
    }
  }

  @Test
  void everyComponentsBoxInRasterOrderOfItsFirstPixel() {
    // Three blobs: a 1-pixel one top right (first in raster order), a 2×2 one, a 3×1 one.
    float[] v = {
      0, 0, 0, 0, 0, 0.4f,
      0.8f, 0.8f, 0, 0, 0, 0,
      0.8f, 0.8f, 0, 0.6f, 0.6f, 0.6f,
    };
    ThresholdSweep.Sweep s = ThresholdSweep.sweep(new HeatMap(6, 3, v), new double[] {0.7, 0.5, 0.3, 0.9});
    assertThat(s.components(0)).containsExactly(new Box(0, 1, 2, 3));
    assertThat(s.components(1)).containsExactly(new Box(0, 1, 2, 3), new Box(3, 2, 6, 3));
    assertThat(s.components(2)).containsExactly(new Box(5, 0, 6, 1), new Box(0, 1, 2, 3), new Box(3, 2, 6, 3));
    assertThat(s.components(3)).isEmpty();
    assertThat(s.largest(2)).contains(new Box(0, 1, 2, 3));
    assertThat(s.largest(3)).isEmpty();
  }

  @Test
  void twoEqualComponentsTieToTheFirstInRasterOrderAtEveryThreshold() {
    // 0.9-blob at the right (first pixel later), 0.5-blob of the same size at the left, lower
    // (thresholds between the levels: 0.9f as a float is below 0.9 as a double)
    float[] v = {
      0, 0, 0, 0, 0, 0,
      0.5f, 0.5f, 0, 0, 0.9f, 0.9f,
      0, 0, 0, 0, 0, 0,
    };
    HeatMap m = new HeatMap(6, 3, v);
    Optional<Box>[] b = ThresholdSweep.boxes(m, new double[] {0.95, 0.85, 0.45, 0.0});
    assertThat(b[0]).isEmpty();
    assertThat(b[1]).contains(new Box(4, 1, 6, 2));
    assertThat(b[2]).contains(new Box(0, 1, 2, 2)); // equal sizes: the left one starts first in raster order
    assertThat(b[3]).contains(new Box(0, 0, 6, 3));
  }
}
