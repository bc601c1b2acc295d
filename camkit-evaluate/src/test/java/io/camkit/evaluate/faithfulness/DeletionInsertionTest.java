package io.camkit.evaluate.faithfulness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DeletionInsertionTest {
  /** A fake model: the "probability" is the mean of every value of the image (all channels). */
  static final ClassScorer MEAN = (images, n, c, h, w, classes) -> {
    int size = c * h * w;
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < size; j++) {
        s += images[i * size + j];
      }
      out[i] = (float) (s / size);
    }
    return out;
  };

  /** One channel, 2×2: pixel i (row-major) is 0.25 · (i + 1). */
  private static ChwImage quarters() {
    return new ChwImage(1, 2, 2, new float[] {0.25f, 0.5f, 0.75f, 1f});
  }

  /** Ranks pixel 1 first, then 3, 2, 0. */
  private static HeatMap handMap() {
    return new HeatMap(2, 2, new float[] {0.1f, 0.9f, 0.3f, 0.5f});
  }

  private static DeletionInsertionOptions zeroBoth(int steps) {
    return DeletionInsertionOptions.defaults().withSteps(steps).withBaselines(Baseline.ZERO, Baseline.ZERO);
  }

  @Test
  void handComputedCurvesAndTrapezoidAreas() {
    DeletionInsertion.Result r = new DeletionInsertion(MEAN, zeroBoth(4)).evaluate(quarters(), 7, handMap());
    assertThat(r.fractions()).containsExactly(0, 0.25, 0.5, 0.75, 1);
    // Deleting pixel 1 (0.5), then 3 (1.0), then 2 (0.75), then 0 (0.25) from a sum of 2.5.
    assertThat(r.deletionCurve()).containsExactly(0.625, 0.5, 0.25, 0.0625, 0);
    // 0.25 · (0.625/2 + 0.5 + 0.25 + 0.0625 + 0/2) = 0.28125
    assertThat(r.deletionAuc()).isCloseTo(0.28125, within(1e-12));
    // Inserting them in the same order into a black image.
    assertThat(r.insertionCurve()).containsExactly(0, 0.125, 0.375, 0.5625, 0.625);
    // 0.25 · (0/2 + 0.125 + 0.375 + 0.5625 + 0.625/2) = 0.34375
    assertThat(r.insertionAuc()).isCloseTo(0.34375, within(1e-12));
  }

  @Test
  void meanBaselineReplacesPixelsByTheChannelMean() {
    DeletionInsertionOptions o = zeroBoth(2).withBaselines(Baseline.MEAN, Baseline.MEAN);
    DeletionInsertion.Result r = new DeletionInsertion(MEAN, o).evaluate(quarters(), 0, handMap());
    // The mean image has the same mean (0.625); after 2 of 4 pixels (1 and 3 -> 0.625): 0.25 + 0.75 + 1.25 = 2.25.
    assertThat(r.deletionCurve()).containsExactly(0.625, 0.5625, 0.625);
    // From the mean image, reveal 0.5 and 1.0: 0.625 + 0.5 + 0.625 + 1 = 2.75.
    assertThat(r.insertionCurve()).containsExactly(0.625, 0.6875, 0.625);
  }

  @Test
  void unevenStepsUseTheExactFractionOfPixels() {
    float[] v = new float[9];
    v[8] = 1f;
    HeatMap constant = new HeatMap(3, 3, new float[9]);
    DeletionInsertion.Result r =
        new DeletionInsertion(MEAN, zeroBoth(4)).evaluate(new ChwImage(1, 3, 3, v), 0, constant);
    // ⌊s · 9 / 4⌋ = 0, 2, 4, 6, 9 pixels.
    assertThat(r.fractions()).containsExactly(0, 2 / 9.0, 4 / 9.0, 6 / 9.0, 1);
    // A constant map deletes in row-major order: the only bright pixel (8) goes in the last step.
    assertThat(r.deletionCurve()).containsExactly(1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 0);
    double expected = (6 / 9.0) * (1 / 9f) + (3 / 9.0) * (1 / 9f) / 2;
    assertThat(r.deletionAuc()).isCloseTo(expected, within(1e-9));
  }

  @Test
  void orderIsByDecreasingSaliencyWithTiesInPixelOrderAndNaNLast() {
    assertThat(DeletionInsertion.order(handMap())).containsExactly(1, 3, 2, 0);
    assertThat(DeletionInsertion.order(new HeatMap(3, 3, new float[9]))).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    float nan = Float.NaN;
    assertThat(DeletionInsertion.order(new HeatMap(2, 2, new float[] {nan, 0.5f, nan, 0.1f})))
        .containsExactly(1, 3, 0, 2);
    assertThat(DeletionInsertion.order(new HeatMap(3, 1, new float[] {nan, Float.NEGATIVE_INFINITY, 0f})))
        .containsExactly(2, 1, 0);
    assertThat(DeletionInsertion.order(new HeatMap(2, 1, new float[] {-0f, 0f}))).containsExactly(0, 1);
    assertThat(DeletionInsertion.order(new HeatMap(2, 2, new float[] {nan, nan, nan, nan})))
        .containsExactly(0, 1, 2, 3);
  }

  @Test
  void aNaNPixelIsDeletedLast() {
    float nan = Float.NaN;
    HeatMap withNaN = new HeatMap(2, 2, new float[] {nan, 0.9f, 0.3f, 0.5f});
    DeletionInsertion.Result r = new DeletionInsertion(MEAN, zeroBoth(4)).evaluate(quarters(), 0, withNaN);
    assertThat(r.deletionCurve()).containsExactly(0.625, 0.5, 0.25, 0.0625, 0);
  }

  @Test
  void scorerIsCalledInBatchesOfAtMostTheBatchSize() {
    List<Integer> sizes = new ArrayList<>();
    ClassScorer counting = (images, n, c, h, w, classes) -> {
      assertThat(images).hasSize(n * c * h * w);
      assertThat(classes).hasSize(n).containsOnly(7);
      sizes.add(n);
      return MEAN.scores(images, n, c, h, w, classes);
    };
    new DeletionInsertion(counting, zeroBoth(4).withBatchSize(3)).evaluate(quarters(), 7, handMap());
    // 2 curves × (4 + 1) images = 10, in batches of 3, 3, 3, 1.
    assertThat(sizes).containsExactly(3, 3, 3, 1);
    sizes.clear();
    new DeletionInsertion(counting, DeletionInsertionOptions.defaults().withSteps(9))
        .evaluate(new ChwImage(3, 3, 3, new float[27]), 7, new HeatMap(3, 3, new float[9]));
    assertThat(sizes).containsExactly(20);
  }

  @Test
  void blurKernelAndBlurredBaselineAreHandComputed() {
    double e = Math.exp(-0.5);
    double[] g = Baselines.gaussianKernel(3, 1.0);
    assertThat(g).containsExactly(new double[] {e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e)}, within(1e-12));
    float[] impulse = new float[9];
    impulse[4] = 1f;
    float[] b = Baselines.gaussianBlur(new ChwImage(1, 3, 3, impulse), 3, 1.0);
    // Clamped borders never reach the centre twice: the result is the outer product g ⊗ g.
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 3; x++) {
        assertThat((double) b[y * 3 + x]).isCloseTo(g[y] * g[x], within(1e-7));
      }
    }
    float[] grey = new float[2 * 4 * 5];
    java.util.Arrays.fill(grey, 0.4f);
    float[] same = Baselines.gaussianBlur(new ChwImage(2, 4, 5, grey), 11, 5.0);
    for (float v : same) {
      assertThat(v).isCloseTo(0.4f, within(1e-6f));
    }
  }

  @Test
  void defaultInsertionStartsFromTheBlurredImage() {
    float[] impulse = new float[9];
    impulse[4] = 1f;
    ChwImage img = new ChwImage(1, 3, 3, impulse);
    DeletionInsertionOptions o = DeletionInsertionOptions.defaults().withSteps(9).withBlur(3, 1.0);
    DeletionInsertion.Result r = new DeletionInsertion(MEAN, o).evaluate(img, 0, new HeatMap(3, 3, new float[9]));
    // The blur keeps the sum of an interior impulse: the blurred image also has mean 1/9.
    assertThat(r.insertionCurve()[0]).isCloseTo(1 / 9.0, within(1e-6));
    assertThat(r.insertionCurve()[9]).isCloseTo(1 / 9.0, within(1e-7));
    assertThat(r.deletionCurve()[9]).isZero();
  }

  @Test
  void rgbImagesAreScoredAsPlanesInTheUnitInterval() {
    byte[] rgb = new byte[12];
    rgb[0] = (byte) 255; // pixel 0 red
    DeletionInsertion.Result r = new DeletionInsertion(MEAN, zeroBoth(4))
        .evaluate(new RgbImage(2, 2, rgb), 0, handMap());
    // Pixel 0 ranks last: the mean is 1/12 until the last step.
    assertThat(r.deletionCurve()).containsExactly(1 / 12f, 1 / 12f, 1 / 12f, 1 / 12f, 0);
    ChwImage chw = ChwImage.of(new RgbImage(2, 2, rgb));
    assertThat(chw.get(0, 0, 0)).isEqualTo(1f);
    assertThat(chw.get(0, 0, 1)).isZero();
  }

  @Property
  void aPerfectMapBeatsItsReverse(
      @ForAll @Size(18) List<@FloatRange(min = 0, max = 1) Float> raw,
      @ForAll @IntRange(min = 1, max = 9) int steps) {
    float[] v = new float[18];
    float[] perfect = new float[9];
    float[] reversed = new float[9];
    for (int i = 0; i < 18; i++) {
      v[i] = raw.get(i);
      perfect[i % 9] += v[i];
      reversed[i % 9] -= v[i];
    }
    ChwImage img = new ChwImage(2, 3, 3, v);
    DeletionInsertion di = new DeletionInsertion(MEAN, zeroBoth(steps));
    DeletionInsertion.Result good = di.evaluate(img, 0, new HeatMap(3, 3, perfect));
    DeletionInsertion.Result bad = di.evaluate(img, 0, new HeatMap(3, 3, reversed));
    assertThat(good.deletionAuc()).isLessThanOrEqualTo(bad.deletionAuc() + 1e-6);
    assertThat(good.insertionAuc()).isGreaterThanOrEqualTo(bad.insertionAuc() - 1e-6);
    assertThat(good.deletionAuc()).isBetween(0.0, 1.0);
    assertThat(img.values()).containsExactly(v); // the input is not modified
    assertThat(good.deletionCurve()[0]).isEqualTo(good.insertionCurve()[steps]);
  }

  @Test
  void trapezoidRule() {
    assertThat(DeletionInsertion.auc(new double[] {0, 0.5, 1}, new double[] {1, 0, 1})).isEqualTo(0.5);
    assertThatThrownBy(() -> DeletionInsertion.auc(new double[] {0, 1}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 x and 1 y");
  }

  @Test
  void invalidOptionsAreRejectedByName() {
    DeletionInsertionOptions d = DeletionInsertionOptions.defaults();
    assertThatThrownBy(() -> d.withSteps(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option --steps = 0 is out of range (allowed: ≥ 1)");
    assertThatThrownBy(() -> d.withBatchSize(0)).hasMessageContaining("--batch-size = 0");
    assertThatThrownBy(() -> d.withBlur(4, 1)).hasMessageContaining("--blur-kernel-size = 4");
    assertThatThrownBy(() -> d.withBlur(3, Double.NaN)).hasMessageContaining("--blur-sigma = NaN");
    assertThatThrownBy(() -> d.withBlur(3, 0)).hasMessageContaining("--blur-sigma = 0.0");
    assertThatThrownBy(() -> d.withBaselines(null, Baseline.BLUR)).hasMessageContaining("--deletion-baseline");
  }

  @Test
  void mismatchedInputsAreRejectedClearly() {
    DeletionInsertion di = new DeletionInsertion(MEAN, zeroBoth(4));
    assertThatThrownBy(() -> di.evaluate(quarters(), 0, new HeatMap(3, 2, new float[6])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3x2 (WxH) but the image is 2x2");
    assertThatThrownBy(() -> di.evaluate(quarters(), -1, handMap()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("≥ 0, got -1");
    assertThatThrownBy(() -> new DeletionInsertion(MEAN, zeroBoth(5)).evaluate(quarters(), 0, handMap()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("steps = 5 exceeds the 4 pixels of a 2x2 image");
    assertThatThrownBy(() -> new ChwImage(1, 2, 2, new float[] {0, 0, 1.5f, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.5 at channel 0, x=0, y=1 is outside [0, 1]");
    assertThatThrownBy(() -> new ChwImage(1, 2, 2, new float[3]))
        .hasMessageContaining("needs 4 values, got 3");
  }

  @Test
  void aMisbehavingScorerIsReported() {
    ClassScorer tooFew = (images, n, c, h, w, classes) -> new float[n - 1];
    assertThatThrownBy(() -> new DeletionInsertion(tooFew, zeroBoth(4)).evaluate(quarters(), 0, handMap()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned 9 scores for a batch of 10 images");
    ClassScorer nan = (images, n, c, h, w, classes) -> new float[] {Float.NaN};
    assertThatThrownBy(
            () -> new DeletionInsertion(nan, zeroBoth(1).withBatchSize(1)).evaluate(quarters(), 0, handMap()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned NaN");
  }

  @Test
  void optionsRoundTripThroughJson() throws Exception {
    ObjectMapper json = new ObjectMapper();
    DeletionInsertionOptions o = DeletionInsertionOptions.defaults().withSteps(224).withBaselines(Baseline.MEAN, Baseline.BLUR);
    String s = json.writeValueAsString(o);
    assertThat(s).contains("\"deletionBaseline\":\"MEAN\"");
    assertThat(json.readValue(s, DeletionInsertionOptions.class)).isEqualTo(o);
    assertThatThrownBy(() -> json.readValue(s.replace("224", "0"), DeletionInsertionOptions.class))
        .hasRootCauseMessage("option --steps = 0 is out of range (allowed: ≥ 1)");
  }
}
