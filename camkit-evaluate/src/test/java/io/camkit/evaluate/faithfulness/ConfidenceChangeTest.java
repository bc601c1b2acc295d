package io.camkit.evaluate.faithfulness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.camkit.core.HeatMap;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ConfidenceChangeTest {

  @Test
  void averageDropAndIncreaseOnHandMadeProbabilities() {
    ConfidenceChange.Metrics m =
        new ConfidenceChange()
            .add(0.8, 0.4) // drop (0.8 − 0.4) / 0.8 = 0.5
            .add(0.5, 0.6) // no drop; an increase
            .add(0.5, 0.5) // neither
            .add(0.0, 0.2) // Y = 0: drop term 0; an increase
            .snapshot();
    assertThat(m.images()).isEqualTo(4);
    assertThat(m.averageDropPercent()).isCloseTo(12.5, within(1e-12));
    assertThat(m.increaseInConfidencePercent()).isEqualTo(50.0);
  }

  @Test
  void emptyAccumulatorGivesNaN() {
    ConfidenceChange.Metrics m = new ConfidenceChange().snapshot();
    assertThat(m.images()).isZero();
    assertThat(m.averageDropPercent()).isNaN();
    assertThat(m.increaseInConfidencePercent()).isNaN();
  }

  @Test
  void probabilitiesOutsideTheUnitIntervalAreRejected() {
    assertThatThrownBy(() -> new ConfidenceChange().add(1.2, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Y = 1.2 (image)");
    assertThatThrownBy(() -> new ConfidenceChange().add(0.5, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("O = NaN (explanation map)");
  }

  @Test
  void explanationMapMultipliesEveryChannelAndCountsNaNAsZero() {
    ChwImage img = new ChwImage(2, 1, 2, new float[] {0.5f, 1f, 0.2f, 0.4f});
    ChwImage e = ConfidenceChange.explanationMap(img, new HeatMap(2, 1, new float[] {0.5f, Float.NaN}));
    assertThat(e.values()).containsExactly(0.25f, 0f, 0.1f, 0f);
    assertThat(img.values()).containsExactly(0.5f, 1f, 0.2f, 0.4f);
    assertThatThrownBy(() -> ConfidenceChange.explanationMap(img, new HeatMap(2, 1, new float[] {1.5f, 0})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("map value 1.5 at x=0, y=0 is outside [0, 1]");
    assertThatThrownBy(() -> ConfidenceChange.explanationMap(img, new HeatMap(1, 2, new float[2])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the map is 1x2 (WxH) but the image is 2x1");
  }

  @Test
  void scoresImagesAndExplanationMapsInBatches() {
    List<Integer> sizes = new ArrayList<>();
    ClassScorer counting = (images, n, c, h, w, classes) -> {
      sizes.add(n);
      return DeletionInsertionTest.MEAN.scores(images, n, c, h, w, classes);
    };
    List<ChwImage> images = List.of(
        new ChwImage(1, 1, 2, new float[] {0.5f, 0.5f}),
        new ChwImage(1, 1, 2, new float[] {1f, 0f}),
        new ChwImage(1, 1, 2, new float[] {0.25f, 0.75f}));
    List<HeatMap> maps = List.of(
        new HeatMap(2, 1, new float[] {1f, 0f}),
        new HeatMap(2, 1, new float[] {1f, 0f}),
        new HeatMap(2, 1, new float[] {0f, 1f}));
    ConfidenceChange cc = new ConfidenceChange().add(counting, images, maps, new int[] {0, 1, 2}, 4);
    assertThat(sizes).containsExactly(4, 2);
    // Y = 0.5, 0.5, 0.5; O = 0.25, 0.5, 0.375: drops 0.5, 0, 0.25; no increase.
    ConfidenceChange.Metrics m = cc.snapshot();
    assertThat(m.images()).isEqualTo(3);
    assertThat(m.averageDropPercent()).isCloseTo(25.0, within(1e-9));
    assertThat(m.increaseInConfidencePercent()).isZero();
    assertThatThrownBy(() -> new ConfidenceChange().add(counting, images, maps.subList(0, 2), new int[3], 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 images, 2 maps and 3 classes");
    List<ChwImage> mixed = List.of(images.get(0), new ChwImage(1, 2, 1, new float[2]));
    assertThatThrownBy(() -> new ConfidenceChange().add(counting, mixed, maps.subList(0, 2), new int[2], 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("image 1 is 1x2x1 but image 0 is 1x1x2");
  }

  @Property
  void mergingAnySplitEqualsOnePass(
      @ForAll @Size(max = 60) List<@DoubleRange(min = 0, max = 1) Double> values,
      @ForAll @IntRange(min = 0, max = 30) int cut1,
      @ForAll @IntRange(min = 0, max = 30) int cut2) {
    int pairs = values.size() / 2;
    int a = Math.min(Math.min(cut1, cut2), pairs);
    int b = Math.min(Math.max(cut1, cut2), pairs);
    ConfidenceChange whole = new ConfidenceChange();
    ConfidenceChange[] parts = {new ConfidenceChange(), new ConfidenceChange(), new ConfidenceChange()};
    for (int i = 0; i < pairs; i++) {
      double y = values.get(2 * i);
      double o = values.get(2 * i + 1);
      whole.add(y, o);
      parts[i < a ? 0 : (i < b ? 1 : 2)].add(y, o);
    }
    ConfidenceChange.Metrics one = whole.snapshot();
    ConfidenceChange.Metrics merged = parts[2].merge(parts[0]).merge(parts[1]).snapshot();
    assertThat(merged.images()).isEqualTo(one.images());
    if (pairs == 0) {
      assertThat(merged.averageDropPercent()).isNaN();
      assertThat(merged.increaseInConfidencePercent()).isNaN();
    } else {
      assertThat(merged.increaseInConfidencePercent()).isEqualTo(one.increaseInConfidencePercent());
      assertThat(merged.averageDropPercent()).isCloseTo(one.averageDropPercent(), within(1e-9));
      assertThat(merged.averageDropPercent()).isBetween(0.0, 100.0);
    }
  }
}
