package io.camkit.model.fcn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** {@link ScoreGrid#windowMean}: box means clipped at the borders, by hand on a 2-class 4×3 grid. */
class ScoreGridWindowTest {
  private static final ScoreGrid G = new ScoreGrid(2, 4, 3, new float[] {
    1, 2, 3, 4,
    5, 6, 7, 8,
    9, 10, 11, 12,
    0, 0, 0, 0,
    0, 12, 0, 0,
    0, 0, 0, 0,
  });

  @Test
  void windowMeansAreTheMeansOfTheLocationsInsideTheGrid() {
    ScoreGrid m3 = G.windowMean(3);
    assertThat(m3.get(0, 1, 1)).isEqualTo((1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11) / 9f);
    assertThat(m3.get(0, 0, 0)).isEqualTo((1 + 2 + 5 + 6) / 4f); // a corner: 4 locations inside
    assertThat(m3.get(0, 3, 2)).isEqualTo((7 + 8 + 11 + 12) / 4f);
    assertThat(m3.get(1, 2, 2)).isCloseTo(12 / 6f, within(1e-6f)); // (1..3) × (1..2): the 12 at (1, 1) is inside
    assertThat(m3.get(1, 3, 0)).isZero(); // (2..3) × (0..1): the 12 is outside
    // an even window reaches one further right and down: k = 2 covers x..x+1, y..y+1
    assertThat(G.windowMean(2).get(0, 0, 0)).isEqualTo((1 + 2 + 5 + 6) / 4f);
    assertThat(G.windowMean(2).get(0, 3, 2)).isEqualTo(12f);
    assertThat(G.windowMean(1)).isSameAs(G);
    // a window larger than the grid: every location is the whole plane's mean
    assertThat(G.windowMean(9).get(0, 2, 1)).isEqualTo(6.5f);
  }
}
