package io.camkit.evaluate.faithfulness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.camkit.core.HeatMap;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ROAD's imputation and figures by hand. */
class RoadTest {

  @Test
  void aLonePixelTakesTheWeightedMeanOfItsEightNeighbours() {
    // 3×3, one channel: edge neighbours weigh 1/6, diagonals 1/12 (sum 1)
    float[] img = {0.1f, 0.2f, 0.3f, 0.4f, 0.9f, 0.6f, 0.7f, 0.8f, 0.5f};
    boolean[] removed = new boolean[9];
    removed[4] = true;
    float[] out = NoisyLinearImputer.impute(img, 1, 3, 3, removed, 0, new SplittableRandom(1));
    double expected = (0.2 + 0.4 + 0.6 + 0.8) / 6 + (0.1 + 0.3 + 0.7 + 0.5) / 12;
    assertThat(out[4]).isCloseTo((float) expected, within(1e-6f));
    assertThat(out).startsWith(0.1f, 0.2f, 0.3f, 0.4f);
    assertThat(img[4]).isEqualTo(0.9f); // not modified
  }

  /** A row {@code a ? ? d}: {@code v1/3 − v2/6 = a/6}, {@code v2/3 − v1/6 = d/6}, so linear interpolation. */
  @Test
  void twoRemovedNeighboursInARowInterpolateLinearly() {
    float[] out = NoisyLinearImputer.impute(new float[] {0.3f, 0f, 0f, 0.9f}, 1, 1, 4,
        new boolean[] {false, true, true, false}, 0, new SplittableRandom(1));
    assertThat(out).containsExactly(new float[] {0.3f, 0.5f, 0.7f, 0.9f}, within(1e-6f));
  }

  /** A linear ramp has the mean-value property of the symmetric stencil: a removed block comes back exactly. */
  @Test
  void aRemovedBlockOfALinearRampComesBackExactlyInEveryChannel() {
    int h = 9;
    int w = 11;
    float[] img = new float[2 * h * w];
    boolean[] removed = new boolean[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img[y * w + x] = 0.05f + 0.03f * x + 0.04f * y;
        img[h * w + y * w + x] = 0.9f - 0.02f * x - 0.05f * y;
        removed[y * w + x] = x >= 2 && x < 9 && y >= 1 && y < 7;
      }
    }
    float[] out = NoisyLinearImputer.impute(img, 2, h, w, removed, 0, new SplittableRandom(1));
    assertThat(out).containsExactly(img, within(1e-5f));
    float[] noisy = NoisyLinearImputer.impute(img, 2, h, w, removed, 0.01, new SplittableRandom(4));
    assertThat(noisy).isNotEqualTo(out);
    assertThat(NoisyLinearImputer.impute(img, 2, h, w, removed, 0.01, new SplittableRandom(4))).containsExactly(noisy);
    for (int i = 0; i < noisy.length; i++) {
      assertThat(noisy[i]).isBetween(0f, 1f);
      assertThat(Math.abs(noisy[i] - img[i])).isLessThan(removed[i % (h * w)] ? 0.06f : 1e-9f);
    }
  }

  @Test
  void percentilesInterpolateAsNumpy() {
    float[] v = {4, 1, 3, 2};
    assertThat(Road.percentile(v, 50)).isCloseTo(2.5, within(1e-12));
    assertThat(Road.percentile(v, 10)).isCloseTo(1.3, within(1e-6));
    assertThat(Road.percentile(v, 90)).isCloseTo(3.7, within(1e-6));
  }

  /**
   * A 4×4 image whose 2×2 object is white on black, a scorer whose probability is the object's
   * mean brightness, and the object's own mask as the map (noise 0). MoRF: at p ≤ 70 the p-th
   * percentile is 0 and every pixel goes (nothing is kept, so the fill is 0); at 80 and 90 it is 1 and
   * the object goes, filled from the black background: Δ = −1 each time. LeRF on 1 − map: at p = 10,
   * 20 every pixel goes (Δ = −1), from p = 30 (percentile 0.5) only the background goes (Δ = 0). So
   * MoRF = −1, LeRF = −2/9, combined = (−2/9 + 1)/2 = 7/18.
   */
  @Test
  void roadOfAPerfectMapByHand() {
    float[] img = new float[3 * 16];
    float[] map = new float[16];
    for (int p : new int[] {5, 6, 9, 10}) {
      map[p] = 1;
      for (int c = 0; c < 3; c++) {
        img[c * 16 + p] = 1;
      }
    }
    ClassScorer objectBrightness = (images, n, channels, height, width, classes) -> {
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        for (int p : new int[] {5, 6, 9, 10}) {
          out[i] += images[i * channels * 16 + p] / 4;
        }
      }
      return out;
    };
    Road road = new Road(objectBrightness, new RoadOptions(new int[] {10, 20, 30, 40, 50, 60, 70, 80, 90}, 0, 0, 5));
    Road.Result r = road.evaluate(new ChwImage(3, 4, 4, img), 0, new HeatMap(4, 4, map));
    assertThat(r.morf()).isCloseTo(-1, within(1e-6));
    assertThat(r.lerf()).isCloseTo(-2 / 9.0, within(1e-6));
    assertThat(r.combined()).isCloseTo(7 / 18.0, within(1e-6));
  }

  @Test
  void optionsAreValidated() {
    assertThatThrownBy(() -> new RoadOptions(new int[] {0}, 0.01, 0, 8)).hasMessageContaining("road-percentiles");
    assertThatThrownBy(() -> new RoadOptions(new int[] {50}, -1, 0, 8)).hasMessageContaining("road-noise");
    assertThat(RoadOptions.none().enabled()).isFalse();
    assertThat(RoadOptions.defaults().percentiles()).hasSize(9);
  }
}
