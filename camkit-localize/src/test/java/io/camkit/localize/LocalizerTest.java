package io.camkit.localize;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.Mask;
import org.junit.jupiter.api.Test;

class LocalizerTest {
  private static Mask grid(String... rows) {
    int w = rows[0].length();
    boolean[] bits = new boolean[w * rows.length];
    for (int y = 0; y < rows.length; y++) {
      for (int x = 0; x < w; x++) {
        bits[y * w + x] = rows[y].charAt(x) == '#';
      }
    }
    return new Mask(w, rows.length, bits);
  }

  @Test
  void diagonalNeighboursAreConnected() {
    ConnectedComponents cc = ConnectedComponents.of(grid(
        "#...",
        ".#..",
        "...#",
        "..#."));
    // 8-connectivity: {(0,0),(1,1)} and {(3,2),(2,3)}; 4-connectivity would give 4 components.
    assertThat(cc.count()).isEqualTo(2);
    assertThat(cc.label(0, 0)).isEqualTo(cc.label(1, 1));
    assertThat(cc.label(3, 2)).isEqualTo(cc.label(2, 3)).isNotEqualTo(cc.label(0, 0));
  }

  @Test
  void largestComponentAndItsBox() {
    ConnectedComponents cc = ConnectedComponents.of(grid(
        "##....",
        "##..##",
        "....##",
        "....##"));
    assertThat(cc.count()).isEqualTo(2);
    assertThat(cc.size(cc.largest())).isEqualTo(6);
    assertThat(cc.component(cc.largest()).boundingBox()).contains(new Box(4, 1, 6, 4));
  }

  @Test
  void thresholdKeepsLargestComponentAbove20PercentOfMax() {
    // Two blobs: a strong 1-pixel peak and a weaker but larger plateau; values are fractions of max.
    float[] v = {
      1.0f, 0.0f, 0.0f, 0.0f, 0.0f,
      0.0f, 0.0f, 0.3f, 0.3f, 0.3f,
      0.0f, 0.0f, 0.3f, 0.3f, 0.1f,
      0.1f, 0.0f, 0.0f, 0.0f, 0.0f
    };
    Localization loc = new ThresholdLocalizer(0.2).localize(new HeatMap(5, 4, v));
    assertThat(loc.foreground().count()).isEqualTo(6);
    assertThat(loc.box()).contains(new Box(2, 1, 5, 3));
    // At τ = 0.5 only the peak remains.
    assertThat(new ThresholdLocalizer(0.5).localize(new HeatMap(5, 4, v)).box()).contains(new Box(0, 0, 1, 1));
  }

  @Test
  void allZeroMapGivesNoBoxAboveZeroAndTheWholeImageAtZero() {
    HeatMap zero = new HeatMap(4, 3, new float[12]);
    assertThat(new ThresholdLocalizer(0.2).localize(zero).box()).isEmpty();
    assertThat(new ThresholdLocalizer(0.0).localize(zero).box()).contains(new Box(0, 0, 4, 3));
  }
}
