package io.camkit.localize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** wsolevaluation's box conventions, by hand (the 12 reference cases are in camkit-evaluate). */
class WsolBoxesTest {
  private static HeatMap map(int w, String... rows) {
    float[] v = new float[w * rows.length];
    for (int y = 0; y < rows.length; y++) {
      for (int x = 0; x < w; x++) {
        v[y * w + x] = rows[y].charAt(x) == '#' ? 1f : rows[y].charAt(x) == '+' ? 0.5f : 0f;
      }
    }
    return new HeatMap(w, rows.length, v);
  }

  @Test
  void thresholdsAreArangeDoubles() {
    assertThat(WsolBoxes.CAM_THRESHOLDS).hasSize(100);
    assertThat(WsolBoxes.CAM_THRESHOLDS[35]).isEqualTo(0.35000000000000003);
    assertThat(WsolBoxes.CAM_THRESHOLDS[99]).isEqualTo(0.99);
  }

  @Test
  void ringGivesItsOuterBoxAndItsHoleBorderOnePixelWider() {
    HeatMap m = map(8,
        "........",
        ".#####..",
        ".#...#..",
        ".#...#..",
        ".#####..",
        "........",
        "........");
    List<Box> b = WsolBoxes.boxes(m, new double[] {0.5}, true).get(0);
    // outer: pixels x 1..5, y 1..4 → inclusive [1, 1, 6, 5] (x + w), half-open (1, 1, 7, 6)
    // hole: pixels x 2..4, y 2..3; its border x 1..5, y 1..4 → the same box
    assertThat(b).containsExactly(new Box(1, 1, 7, 6), new Box(1, 1, 7, 6));
    assertThat(WsolBoxes.boxes(m, new double[] {0.5}, false).get(0)).containsExactly(new Box(1, 1, 7, 6));
  }

  @Test
  void strictThresholdOnTruncatedLevelsAndClippingAtTheBorder() {
    // 0.5 → u8 127, 1.0 → 255; τ = 0.5: threshold ⌊0.5 · 255⌋ = 127, and 127 > 127 is false.
    HeatMap m = map(5,
        "+++..",
        "+++.#",
        ".....");
    List<Box> b = WsolBoxes.boxes(m, new double[] {0.49, 0.5}, true).get(1);
    // the pixel (4, 1): x + w = 5 clipped to W - 1 = 4, y + h = 2 → half-open (4, 1, 5, 3)
    assertThat(b).containsExactly(new Box(4, 1, 5, 3));
    List<Box> lower = WsolBoxes.boxes(m, new double[] {0.49}, true).get(0); // threshold 124: both
    assertThat(lower).containsExactly(new Box(0, 0, 4, 3), new Box(4, 1, 5, 3));
  }

  @Test
  void nothingAboveTheThresholdIsTheOnePixelBoxAtTheOrigin() {
    HeatMap zeros = new HeatMap(4, 4, new float[16]);
    assertThat(WsolBoxes.boxes(zeros, new double[] {0.0}, true).get(0)).containsExactly(new Box(0, 0, 1, 1));
  }

  @Test
  void normalisationIsMinMaxOfTheRawMapWithoutReluOrEpsilon() {
    HeatMap raw = new HeatMap(3, 1, new float[] {-1f, 0f, 3f});
    // wsolevaluation: (m - (-1)) / 4 = [0, 0.25, 1]; camkit: ReLU then (m - 0) / (3 + ε) = [0, 0, 1 - ε/3]
    assertThat(WsolBoxes.normalise(raw).values()).containsExactly(0f, 0.25f, 1f);
    assertThat(raw.relu().normalized().values()).containsExactly(0f, 0f, (float) (3 / (3 + (double) 1e-7f))); // 0.99999994f
    assertThat(WsolBoxes.normalise(new HeatMap(2, 1, new float[] {2f, 2f})).values()).containsExactly(0f, 0f);
    assertThat(WsolBoxes.normalise(new HeatMap(2, 1, new float[] {Float.NaN, 2f})).values()).containsExactly(0f, 0f);
  }

  @Test
  void scoresOutsideTheUnitIntervalAreRejected() {
    assertThatThrownBy(() -> WsolBoxes.quantise(new HeatMap(1, 1, new float[] {1.5f})))
        .hasMessageContaining("[0, 1]");
  }
}
