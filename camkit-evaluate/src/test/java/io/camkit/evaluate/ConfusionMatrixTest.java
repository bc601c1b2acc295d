package io.camkit.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
  @Test
  void macroScoresByHand() {
    // truth 0 0 0 1 1 2 ; predicted 0 0 1 1 2 2
    ConfusionMatrix m = new ConfusionMatrix(3);
    int[][] pairs = {{0, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 2}, {2, 2}};
    for (int[] p : pairs) {
      m.add(p[0], p[1]);
    }
    assertThat(m.accuracy()).isCloseTo(4 / 6.0, within(1e-12));
    // precision: c0 2/2, c1 1/2, c2 1/2 ; recall: c0 2/3, c1 1/2, c2 1/1
    assertThat(m.macroPrecision()).isCloseTo((1 + 0.5 + 0.5) / 3, within(1e-12));
    assertThat(m.macroRecall()).isCloseTo((2 / 3.0 + 0.5 + 1) / 3, within(1e-12));
    // F1: c0 0.8, c1 0.5, c2 2/3
    assertThat(m.macroF1()).isCloseTo((0.8 + 0.5 + 2 / 3.0) / 3, within(1e-12));
  }

  @Test
  void aClassNeverPredictedHasPrecisionZeroAndMergingAddsCounts() {
    ConfusionMatrix a = new ConfusionMatrix(2).add(0, 0).add(1, 0);
    assertThat(a.precision(1)).isZero();
    assertThat(a.f1(1)).isZero();
    ConfusionMatrix b = new ConfusionMatrix(2).add(1, 1);
    assertThat(a.merge(b).accuracy()).isCloseTo(2 / 3.0, within(1e-12));
  }
}
