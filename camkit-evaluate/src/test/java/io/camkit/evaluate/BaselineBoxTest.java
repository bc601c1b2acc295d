package io.camkit.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fixed baseline boxes, with IoUs computed by hand. */
class BaselineBoxTest {
  @Test
  void theCentredBoxHasHalfTheAreaAndTheImagesAspectRatio() {
    // 100×100: sides round(100/√2) = round(70.71) = 71, corner ⌊(100 − 71)/2⌋ = 14
    assertThat(BaselineBox.CENTRED_HALF_AREA.box(100, 100)).isEqualTo(new Box(14, 14, 85, 85));
    // 200×100: 141 × 71 at (29, 14): area 10011 of 20000
    assertThat(BaselineBox.CENTRED_HALF_AREA.box(200, 100)).isEqualTo(new Box(29, 14, 170, 85));
    assertThat(BaselineBox.WHOLE_IMAGE.box(200, 100)).isEqualTo(new Box(0, 0, 200, 100));
  }

  @Test
  void accuraciesAtEachIouThresholdByHand() {
    BaselineBoxAccumulator acc = new BaselineBoxAccumulator()
        // [0,50)²: centred ∩ = [14,50)² = 1296, ∪ = 5041 + 2500 − 1296 = 6245 → 0.2075; whole 2500/10000 = 0.25
        .add(List.of(new Box(0, 0, 50, 50)), 100, 100)
        // [20,80)² inside the centred box: 3600/5041 = 0.714 (≥ 0.3, 0.5, 0.7); whole 0.36 (≥ 0.3)
        .add(List.of(new Box(20, 20, 80, 80)), 100, 100)
        // [10,90)² holds the centred box: 5041/6400 = 0.788 (all three); whole 0.64 (≥ 0.3, 0.5)
        .add(List.of(new Box(10, 10, 90, 90)), 100, 100)
        // two objects: the best one counts; [0,10)² misses, [0,100)×[0,100) is the whole image:
        // centred 5041/10000 = 0.504 (≥ 0.3, 0.5); whole 1.0 (all three)
        .add(List.of(new Box(0, 0, 10, 10), new Box(0, 0, 100, 100)), 100, 100);
    assertThat(acc.accuracy(BaselineBox.CENTRED_HALF_AREA, 0)).isEqualTo(3 / 4.0);
    assertThat(acc.accuracy(BaselineBox.CENTRED_HALF_AREA, 1)).isEqualTo(3 / 4.0);
    assertThat(acc.accuracy(BaselineBox.CENTRED_HALF_AREA, 2)).isEqualTo(2 / 4.0);
    assertThat(acc.gtKnown(BaselineBox.CENTRED_HALF_AREA)).isEqualTo(0.75);
    assertThat(acc.maxBoxAccV2(BaselineBox.CENTRED_HALF_AREA)).isCloseTo((0.75 + 0.75 + 0.5) / 3, within(1e-12));
    assertThat(acc.accuracy(BaselineBox.WHOLE_IMAGE, 0)).isEqualTo(3 / 4.0);
    assertThat(acc.gtKnown(BaselineBox.WHOLE_IMAGE)).isEqualTo(2 / 4.0);
    assertThat(acc.accuracy(BaselineBox.WHOLE_IMAGE, 2)).isEqualTo(1 / 4.0);
    assertThat(acc.maxBoxAccV2(BaselineBox.WHOLE_IMAGE)).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void mergedEqualsWholeAndEmptyIsNaN() {
    BaselineBoxAccumulator whole = new BaselineBoxAccumulator().add(List.of(new Box(20, 20, 80, 80)), 100, 100)
        .add(List.of(new Box(0, 0, 50, 50)), 100, 100);
    BaselineBoxAccumulator merged = new BaselineBoxAccumulator().add(List.of(new Box(20, 20, 80, 80)), 100, 100)
        .merge(new BaselineBoxAccumulator().add(List.of(new Box(0, 0, 50, 50)), 100, 100));
    for (BaselineBox b : BaselineBox.values()) {
      assertThat(merged.maxBoxAccV2(b)).isEqualTo(whole.maxBoxAccV2(b));
    }
    assertThat(new BaselineBoxAccumulator().gtKnown(BaselineBox.WHOLE_IMAGE)).isNaN();
  }

  @Test
  void singleAndMultiLabelReportsShowTheBaselinesOnTheSameImages() {
    // 100×100 image, object [20,80)²: centred 0.714 (hit at 0.3 / 0.5 / 0.7), whole 0.36 (0.3 only)
    Sample s = new Sample("s", new RgbImage(100, 100, new byte[30000]),
        List.of(new ObjectAnnotation(0, new Box(20, 20, 80, 80), Optional.empty())));
    HeatMap flat = new HeatMap(100, 100, new float[10000]);
    ImageOutcome o = new Scorer(0.2).score(s, 0, 0.9, flat, flat);
    LocalizationMetrics m = new LocalizationAccumulator(0.2).add(o, 100, 100).snapshot();
    assertThat(m.centredBaseline()).isEqualTo(1.0);
    assertThat(m.centredBaselineV2()).isEqualTo(1.0);
    assertThat(m.wholeImageBaseline()).isZero();
    assertThat(m.wholeImageBaselineV2()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(Reports.markdownTable(m))
        .contains("| baseline: centred box of half the image area (sides ÷ √2), GT-known loc / MaxBoxAccV2 | 100.0 % / 100.0 % |")
        .contains("| baseline: whole-image box, GT-known loc / MaxBoxAccV2 | 0.0 % / 33.3 % |");
    assertThat(Reports.baselineLine(m)).isEqualTo("Baselines on the same images (GT-known loc / MaxBoxAccV2):"
        + " centred box of half the image area (sides ÷ √2) 100.0 % / 100.0 %; whole-image box 0.0 % / 33.3 %.");

    MultiLabelMetrics ml = new MultiLabelAccumulator(2, 0.2).add(s, new float[] {1, 0}, c -> flat).snapshot();
    assertThat(ml.centredBaseline()).isEqualTo(1.0);
    assertThat(ml.wholeImageBaselineV2()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(Reports.markdownTable(ml, List.of("a", "b"))).contains("| baseline: whole-image box, GT-known loc /"
        + " MaxBoxAccV2 | 0.0 % / 33.3 % |");
  }
}
