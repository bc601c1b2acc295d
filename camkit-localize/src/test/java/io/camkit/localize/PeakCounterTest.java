package io.camkit.localize;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.core.HeatMap;
import org.junit.jupiter.api.Test;

class PeakCounterTest {
  // 6×4 map: a strong peak at (1, 1), a weaker one at (4, 1) whose neighbour (5, 2) is a
  // shoulder (not a local max), a plateau of two equal 0.7s at (3, 3)–(4, 3), a NaN.
  private static final HeatMap MAP = new HeatMap(6, 4, new float[] {
    0.1f, 0.2f, 0.1f, 0.0f, 0.3f, 0.2f,
    0.2f, 0.9f, 0.3f, 0.1f, 0.8f, 0.4f,
    0.1f, 0.3f, 0.2f, 0.1f, 0.5f, 0.6f,
    0.0f, 0.1f, Float.NaN, 0.7f, 0.7f, 0.2f,
  });

  @Test
  void localMaximaAboveTheThresholdAreCountedStrongestFirst() {
    var peaks = new PeakCounter(0.5, 0).peaks(MAP);
    // (1,1)=0.9, (4,1)=0.8, and both plateau cells (each ≥ all its neighbours); 0.6 at (5,2) is below (4,1).
    assertThat(peaks).containsExactly(new PeakCounter.Peak(1, 1, 0.9f), new PeakCounter.Peak(4, 1, 0.8f),
        new PeakCounter.Peak(3, 3, 0.7f), new PeakCounter.Peak(4, 3, 0.7f));
  }

  @Test
  void suppressionKeepsTheStrongerOfTwoClosePeaksAndOnePerPlateau() {
    // d = 1.5: the plateau's second cell (distance 1) goes; (4,1)–(4,3) are 2 apart and both stay.
    assertThat(new PeakCounter(0.5, 1.5).peaks(MAP)).extracting(PeakCounter.Peak::x, PeakCounter.Peak::y)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 1), org.assertj.core.groups.Tuple.tuple(4, 1),
            org.assertj.core.groups.Tuple.tuple(3, 3));
    // d = 3: (3,3) is √5 ≈ 2.24 from (4,1) and goes too; (1,1)–(4,1) are 3 apart (not closer than 3).
    assertThat(new PeakCounter(0.5, 3).peaks(MAP)).hasSize(2);
    assertThat(new PeakCounter(0.95, 0).peaks(MAP)).isEmpty();
  }
}
