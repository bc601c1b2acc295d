package io.camkit.explain.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.camkit.core.RgbImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class AugmentationTest {
  /** {@code v(x, y) = 10 y + x + 1} on a {@code w × h} grid: every pixel distinct and non-zero. */
  static float[] indexMap(int w, int h) {
    float[] m = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        m[y * w + x] = 10 * y + x + 1;
      }
    }
    return m;
  }

  static RgbImage indexImage(int w, int h) {
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < w * h; i++) {
      rgb[i * 3] = (byte) (i * 7);
      rgb[i * 3 + 1] = (byte) (255 - i * 5);
      rgb[i * 3 + 2] = (byte) (i * 13 + 1);
    }
    return new RgbImage(w, h, rgb);
  }

  @Test
  void identityIsExact() {
    Augmentation id = Augmentation.identity();
    float[] m = indexMap(5, 3);
    assertThat(id.isIdentity()).isTrue();
    assertThat(id.applyToMap(m, 5, 3)).containsExactly(m);
    assertThat(id.invertMap(m, 5, 3)).containsExactly(m);
    assertThat(id.inverseCoverage(5, 3)).containsOnly(1f);
    RgbImage img = indexImage(5, 3);
    assertThat(id.apply(img).bytes()).containsExactly(img.bytes());
  }

  @Test
  void rotationBy90DegreesIsTheIndexPermutation() {
    // Counter-clockwise as displayed: the right column becomes the top row,
    // out(x, y) = in(N − 1 − y, x).
    for (int n : new int[] {3, 4}) {
      float[] m = indexMap(n, n);
      float[] out = new Augmentation(90, 0, 0, false).applyToMap(m, n, n);
      RgbImage img = indexImage(n, n);
      RgbImage rot = new Augmentation(90, 0, 0, false).apply(img);
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          assertThat(out[y * n + x]).as("(%d, %d) of %dx%d", x, y, n, n)
              .isEqualTo(m[x * n + (n - 1 - y)]);
          for (int c = 0; c < 3; c++) {
            assertThat(rot.get(x, y, c)).isEqualTo(img.get(n - 1 - y, x, c));
          }
        }
      }
    }
    float[] m = indexMap(3, 3);
    // The right column (3, 13, 23) becomes the top row, left to right.
    assertThat(new Augmentation(90, 0, 0, false).applyToMap(m, 3, 3))
        .containsExactly(3, 13, 23, 2, 12, 22, 1, 11, 21);
    assertThat(new Augmentation(-90, 0, 0, false).applyToMap(m, 3, 3))
        .containsExactly(21, 11, 1, 22, 12, 2, 23, 13, 3);
    assertThat(new Augmentation(180, 0, 0, false).applyToMap(m, 3, 3))
        .containsExactly(23, 22, 21, 13, 12, 11, 3, 2, 1);
  }

  @Test
  void flipMirrorsLeftRight() {
    float[] m = indexMap(4, 2);
    assertThat(new Augmentation(0, 0, 0, true).applyToMap(m, 4, 2))
        .containsExactly(4, 3, 2, 1, 14, 13, 12, 11);
  }

  @Test
  void integerTranslationMovesPixelsExactlyAndFillsWithZero() {
    int w = 5;
    int h = 4;
    float[] m = indexMap(w, h);
    float[] out = new Augmentation(0, 2, -1, false).applyToMap(m, w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int sx = x - 2;
        int sy = y + 1;
        float want = sx >= 0 && sy < h ? m[sy * w + sx] : 0f;
        assertThat(out[y * w + x]).as("(%d, %d)", x, y).isEqualTo(want);
      }
    }
    // Back again: exact where the content survived, 0 (and coverage 0) where it left the frame.
    Augmentation a = new Augmentation(0, 2, -1, false);
    float[] back = a.invertMap(out, w, h);
    float[] cov = a.inverseCoverage(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean seen = x + 2 < w && y - 1 >= 0;
        assertThat(cov[y * w + x]).isEqualTo(seen ? 1f : 0f);
        assertThat(back[y * w + x]).isEqualTo(seen ? m[y * w + x] : 0f);
      }
    }
  }

  @Test
  void halfPixelShiftAverages() {
    float[] out = new Augmentation(0, 0.5, 0, false).applyToMap(new float[] {2, 4, 6, 10}, 4, 1);
    // out(x) = in(x − 0.5): the first pixel samples half outside, where the fill is zero.
    assertThat(out).containsExactly(new float[] {1, 3, 5, 8}, within(1e-6f));
  }

  @Test
  void invertUndoesApplyInTheValidInterior() {
    int w = 40;
    int h = 32;
    float[] m = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        m[y * w + x] = (float) (Math.sin(x / 6.0) * Math.cos(y / 5.0) + 1);
      }
    }
    float[] ones = new float[w * h];
    java.util.Arrays.fill(ones, 1f);
    for (Augmentation a :
        List.of(
            new Augmentation(17, 1.3, -0.7, false),
            new Augmentation(-8, -3, 2, true),
            new Augmentation(90, 0, 0, true))) {
      float[] back = a.invertMap(a.applyToMap(m, w, h), w, h);
      float[] valid = a.invertMap(a.applyToMap(ones, w, h), w, h);
      int interior = 0;
      for (int i = 0; i < m.length; i++) {
        if (valid[i] > 1 - 1e-5) {
          interior++;
          // Two bilinear resamplings blur a little: the map's curvature is at most 1/25 per px².
          assertThat(back[i]).as("%s at %d", a, i).isCloseTo(m[i], within(0.03f));
        }
      }
      assertThat(interior).as("valid interior of %s", a).isGreaterThan(m.length / 2);
    }
  }

  @Test
  void averageInvertedIgnoresWhatAnAugmentationDidNotSee() {
    int w = 6;
    int h = 5;
    float[] constant = new float[w * h];
    java.util.Arrays.fill(constant, 3f);
    List<Augmentation> augs =
        List.of(Augmentation.identity(), new Augmentation(0, 2, 0, false),
            new Augmentation(0, -1, 1, false));
    // Integer shifts of a constant scene: 3 where the content landed, 0 where the frame was filled.
    List<float[]> maps = augs.stream().map(a -> a.applyToMap(constant, w, h)).toList();
    float[] avg = Augmentation.averageInverted(augs, maps, w, h);
    assertThat(avg).containsOnly(3f);
    // A plain mean would be pulled towards 0 where the shifted copies saw nothing.
    float[] plain = new float[w * h];
    for (int l = 0; l < augs.size(); l++) {
      float[] back = augs.get(l).invertMap(maps.get(l), w, h);
      for (int i = 0; i < plain.length; i++) {
        plain[i] += back[i] / augs.size();
      }
    }
    assertThat(plain[0]).isLessThan(2.9f);
  }

  @Test
  void randomSetStartsWithTheIdentityAndIsSeeded() {
    List<Augmentation> a = Augmentation.randomSet(6, 15, 4, 42L);
    assertThat(a).hasSize(6);
    assertThat(a.get(0)).isEqualTo(Augmentation.identity());
    assertThat(Augmentation.randomSet(6, 15, 4, 42L)).isEqualTo(a);
    assertThat(Augmentation.randomSet(6, 15, 4, 43L)).isNotEqualTo(a);
    for (Augmentation x : a) {
      assertThat(Math.abs(x.angleDeg())).isLessThanOrEqualTo(15);
      assertThat(Math.abs(x.dx())).isLessThanOrEqualTo(4);
      assertThat(Math.abs(x.dy())).isLessThanOrEqualTo(4);
      assertThat(x.flip()).isFalse();
    }
    assertThat(a.subList(1, 6)).noneMatch(Augmentation::isIdentity);
    assertThat(Augmentation.randomSet(1, 15, 4, 1L)).containsExactly(Augmentation.identity());
  }

  @Test
  void scaledKeepsAngleAndScalesTheShift() {
    assertThat(new Augmentation(12, 8, -4, true).scaled(0.25))
        .isEqualTo(new Augmentation(12, 2, -1, true));
  }

  @Test
  void badOptionsNameTheOption() {
    assertThatThrownBy(() -> new Augmentation(400, 0, 0, false)).hasMessageContaining("augment-angle");
    assertThatThrownBy(() -> new Augmentation(Double.NaN, 0, 0, false))
        .hasMessageContaining("augment-angle");
    assertThatThrownBy(() -> new Augmentation(0, Double.POSITIVE_INFINITY, 0, false))
        .hasMessageContaining("augment-dx");
    assertThatThrownBy(() -> new Augmentation(0, 0, Double.NaN, false))
        .hasMessageContaining("augment-dy");
    assertThatThrownBy(() -> Augmentation.randomSet(0, 10, 2, 1L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option --augment-count = 0 is out of range (allowed: >= 1)");
    assertThatThrownBy(() -> Augmentation.randomSet(3, -1, 2, 1L))
        .hasMessageContaining("augment-max-angle");
    assertThatThrownBy(() -> Augmentation.randomSet(3, 10, -2, 1L))
        .hasMessageContaining("augment-max-shift");
    assertThatThrownBy(() -> Augmentation.identity().scaled(0)).hasMessageContaining("augment-scale");
    assertThatThrownBy(() -> Augmentation.identity().applyToMap(new float[5], 2, 2))
        .hasMessageContaining("needs 4 values");
  }
}
