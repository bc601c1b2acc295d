package io.camkit.model.wsol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HideAndSeekTest {
  @Test
  void hidesExactlyTheChosenPatchesInEveryChannelIncludingTheShortLastOnes() {
    // A 5×5 image with 2-pixel patches: a 3×3 grid whose last row and column are 1 pixel wide.
    HideAndSeek has = new HideAndSeek(2, 0.5);
    assertThat(has.gridSide(5)).isEqualTo(3);
    boolean[] hidden = new boolean[9];
    hidden[1] = true; // row 0, column 1: pixels x ∈ {2, 3}, y ∈ {0, 1}
    hidden[8] = true; // row 2, column 2: the single pixel (4, 4)
    int plane = 25;
    float[] data = new float[1 + 3 * plane]; // offset 1: the image starts after one foreign value
    for (int i = 0; i < data.length; i++) {
      data[i] = i + 1;
    }
    float[] before = data.clone();
    has.hide(data, 1, 3, 5, hidden, -7f);
    int changed = 0;
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 5; y++) {
        for (int x = 0; x < 5; x++) {
          int i = 1 + c * plane + y * 5 + x;
          boolean expectHidden = (y <= 1 && (x == 2 || x == 3)) || (x == 4 && y == 4);
          assertThat(data[i]).as("c%d (%d, %d)", c, x, y).isEqualTo(expectHidden ? -7f : before[i]);
          changed += expectHidden ? 1 : 0;
        }
      }
    }
    assertThat(changed).isEqualTo(3 * 5);
    assertThat(data[0]).isEqualTo(1f);
  }

  @Test
  void drawsOneSeededBernoulliPerPatch() {
    HideAndSeek has = new HideAndSeek(16, 0.5);
    boolean[] a = has.draw(96, new SplittableRandom(3));
    assertThat(a).hasSize(36).containsExactly(has.draw(96, new SplittableRandom(3)));
    long hidden = 0;
    SplittableRandom rng = new SplittableRandom(5);
    for (int i = 0; i < 1000; i++) {
      for (boolean h : has.draw(96, rng)) {
        hidden += h ? 1 : 0;
      }
    }
    assertThat(hidden / 36000.0).isCloseTo(0.5, within(0.01)); // sd ≈ 0.0026
    assertThat(new HideAndSeek(16, 0).draw(96, rng)).doesNotContain(true);
  }
}
