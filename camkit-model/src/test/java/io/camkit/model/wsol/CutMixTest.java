package io.camkit.model.wsol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CutMixTest {
  @Test
  void aClippedBoxIsPastedFromThePartnerAndTheLabelWeightsAreThePastedAreas() {
    // 4×4 images, a box of side 4 centred at (3, 3): corners clip(3 ∓ 2, 0, 4) = [1, 4) on both
    // axes, a 3×3 box: 9 of 16 pixels pasted, λ_adj = 7/16 (not the 1 − 16/16 = 0 of the unclipped box).
    CutMix.Mix mix = CutMix.box(4, 3, 3, 4, new int[] {1, 0});
    assertThat(new int[] {mix.x1(), mix.y1(), mix.x2(), mix.y2()}).containsExactly(1, 1, 4, 4);
    assertThat(mix.lambdaAdj()).isEqualTo(7.0 / 16);
    float[] data = new float[32]; // image 0 all 0, image 1 all 1, one channel
    java.util.Arrays.fill(data, 16, 32, 1f);
    CutMix.paste(data, 2, 1, 4, mix);
    int pastedInto0 = 0;
    int keptIn1 = 0;
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        boolean inBox = x >= 1 && y >= 1;
        assertThat(data[y * 4 + x]).isEqualTo(inBox ? 1f : 0f);
        assertThat(data[16 + y * 4 + x]).isEqualTo(inBox ? 0f : 1f); // got image 0's original box
        pastedInto0 += (int) data[y * 4 + x];
        keptIn1 += (int) data[16 + y * 4 + x];
      }
    }
    // Image 0 is class 0, image 1 class 2 (C = 3): each label weight is its share of the pixels.
    float[] t = CutMix.mixTargets(new float[] {1, 0, 0, 0, 0, 1}, 3, mix);
    assertThat(t).usingComparatorWithPrecision(1e-7f).containsExactly(7f / 16, 0, 9f / 16, 9f / 16, 0, 7f / 16);
    assertThat(t[2]).isEqualTo(pastedInto0 / 16f);
    assertThat(t[5]).isEqualTo(keptIn1 / 16f);
  }

  @Test
  void anUnclippedBoxHasTheDrawnSideAndADrawIsSeeded() {
    CutMix.Mix mix = CutMix.box(10, 5, 4, 4, new int[] {0});
    assertThat(new int[] {mix.x1(), mix.y1(), mix.x2(), mix.y2()}).containsExactly(3, 2, 7, 6);
    assertThat(mix.lambdaAdj()).isEqualTo(1 - 16 / 100.0);
    CutMix cm = new CutMix(1, 1);
    CutMix.Mix a = cm.draw(8, 32, new SplittableRandom(9));
    CutMix.Mix b = cm.draw(8, 32, new SplittableRandom(9));
    assertThat(b.partner()).containsExactly(a.partner());
    assertThat(b.lambdaAdj()).isEqualTo(a.lambdaAdj());
    assertThat(new CutMix(1, 0).draw(8, 32, new SplittableRandom(9))).isNull();
  }

  @Test
  void betaDrawsHaveTheMeanAndVarianceOfBetaAlphaAlpha() {
    // Beta(½, ½): mean ½, variance 1 / (4 (2α + 1)) = 1/8; Beta(2, 2): 1/20.
    for (double alpha : new double[] {0.5, 2}) {
      SplittableRandom rng = new SplittableRandom(1);
      int n = 40_000;
      double sum = 0;
      double sq = 0;
      for (int i = 0; i < n; i++) {
        double x = CutMix.beta(alpha, rng);
        assertThat(x).isBetween(0.0, 1.0);
        sum += x;
        sq += x * x;
      }
      double mean = sum / n;
      assertThat(mean).isCloseTo(0.5, within(0.01));
      assertThat(sq / n - mean * mean).isCloseTo(1 / (4 * (2 * alpha + 1)), within(0.005));
    }
  }
}
