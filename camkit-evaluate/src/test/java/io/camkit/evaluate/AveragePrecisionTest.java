package io.camkit.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AveragePrecisionTest {
  @Test
  void byHand() {
    // Ranked: 0.9 (+), 0.8 (-), 0.7 (+), 0.1 (-): AP = (1/1 + 2/3) / 2 = 0.8333…
    double ap = AveragePrecision.of(new double[] {0.1, 0.7, 0.9, 0.8}, new boolean[] {false, true, true, false});
    assertThat(ap).isCloseTo(5 / 6.0, within(1e-12));
    assertThat(AveragePrecision.of(new double[] {3, 2, 1}, new boolean[] {true, true, false})).isEqualTo(1.0);
    assertThat(AveragePrecision.of(new double[] {1, 2}, new boolean[] {false, false})).isNaN();
  }
}
