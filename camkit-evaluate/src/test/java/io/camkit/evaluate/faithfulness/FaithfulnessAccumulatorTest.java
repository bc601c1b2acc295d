package io.camkit.evaluate.faithfulness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FaithfulnessAccumulatorTest {
  private static DeletionInsertion.Result result(double deletionAuc, double insertionAuc) {
    double[] x = {0, 1};
    return new DeletionInsertion.Result(x, x, x, deletionAuc, insertionAuc);
  }

  private static FaithfulnessAccumulator filled() {
    HeatMap peak = new HeatMap(2, 2, new float[] {0, 0, 0, 1});
    return new FaithfulnessAccumulator("Grad-CAM", 0)
        .add(result(0.2, 0.7))
        .add(result(0.1, 0.5))
        .addConfidence(0.8, 0.4)
        .addConfidence(0.5, 0.6)
        .addPointing(peak, List.of(new Box(1, 1, 2, 2)))
        .addPointing(peak, List.of(new Box(0, 0, 1, 1)))
        .addPointing(peak, List.of(new Box(0, 1, 2, 2)))
        .addPointing(new PointingGame().add(false));
  }

  @Test
  void snapshotAveragesEachFigureOverItsOwnCount() {
    FaithfulnessMetrics m = filled().snapshot();
    assertThat(m.method()).isEqualTo("Grad-CAM");
    assertThat(m.curveImages()).isEqualTo(2);
    assertThat(m.deletionAuc()).isCloseTo(0.15, within(1e-12));
    assertThat(m.insertionAuc()).isCloseTo(0.6, within(1e-12));
    assertThat(m.confidenceImages()).isEqualTo(2);
    assertThat(m.averageDropPercent()).isCloseTo(25.0, within(1e-12));
    assertThat(m.increaseInConfidencePercent()).isEqualTo(50.0);
    assertThat(m.pointingTotal()).isEqualTo(4);
    assertThat(m.pointingHits()).isEqualTo(2);
    assertThat(m.pointingAccuracy()).isEqualTo(0.5);
  }

  @Test
  void markdownRowsUseAFixedLocaleAndSayNa() {
    assertThat(FaithfulnessMetrics.markdownHeader())
        .isEqualTo("| method | deletion AUC ↓ | insertion AUC ↑ | average drop ↓ | increase in confidence ↑ "
            + "| ROAD ↑ | pointing game ↑ |\n|---|---|---|---|---|---|---|\n");
    assertThat(filled().snapshot().markdownRow())
        .isEqualTo("| Grad-CAM | 0.150 | 0.600 | 25.0 % | 50.0 % | n/a | 50.0 % (r = 0 px) |\n");
    assertThat(new FaithfulnessAccumulator("CAM", 15).snapshot().markdownRow())
        .isEqualTo("| CAM | n/a | n/a | n/a | n/a | n/a | n/a |\n");
    assertThat(FaithfulnessMetrics.markdownTable(List.of(filled().snapshot(), filled().snapshot())))
        .startsWith(FaithfulnessMetrics.markdownHeader())
        .endsWith("|---|\n| Grad-CAM | 0.150 | 0.600 | 25.0 % | 50.0 % | n/a | 50.0 % (r = 0 px) |\n"
            + "| Grad-CAM | 0.150 | 0.600 | 25.0 % | 50.0 % | n/a | 50.0 % (r = 0 px) |\n");
  }

  @Test
  void toMapIsJsonReadyWithNullForNaN() throws Exception {
    Map<String, Object> m = new FaithfulnessAccumulator("CAM", 15).add(result(0.25, 0.5)).snapshot().toMap();
    assertThat(m).containsEntry("deletionAuc", 0.25).containsEntry("averageDropPercent", null)
        .containsEntry("pointingTolerance", 15);
    assertThat(m.keySet()).containsExactly(
        "method", "curveImages", "deletionAuc", "insertionAuc", "confidenceImages", "averageDropPercent",
        "increaseInConfidencePercent", "pointingTolerance", "pointingTotal", "pointingHits", "pointingAccuracy",
        "roadImages", "roadMorf", "roadLerf", "roadCombined");
    assertThat(new ObjectMapper().writeValueAsString(m)).contains("\"pointingAccuracy\":null").doesNotContain("NaN");
  }

  /** ROAD: means over images, combined = (LeRF − MoRF) / 2 of the means; merged sums equal one pass. */
  @Test
  void roadFiguresAreMeansAndMerge() {
    FaithfulnessAccumulator a = new FaithfulnessAccumulator("CAM", 0).add(new Road.Result(-0.5, 0.1, 0.3));
    FaithfulnessAccumulator b = new FaithfulnessAccumulator("CAM", 0).add(new Road.Result(-0.1, -0.1, 0));
    FaithfulnessMetrics m = a.merge(b).snapshot();
    assertThat(m.roadImages()).isEqualTo(2);
    assertThat(m.roadMorf()).isCloseTo(-0.3, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(m.roadLerf()).isCloseTo(0.0, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(m.roadCombined()).isCloseTo(0.15, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(m.markdownRow()).contains("| 0.150 |");
  }

  @Test
  void mergeChecksMethodAndTolerance() {
    assertThatThrownBy(() -> filled().merge(new FaithfulnessAccumulator("CAM", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"CAM\" into \"Grad-CAM\"");
    assertThatThrownBy(() -> filled().merge(new FaithfulnessAccumulator("Grad-CAM", 15)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tolerance 0 and 15");
    assertThatThrownBy(() -> new FaithfulnessAccumulator(" ", 0)).hasMessageContaining("method name");
  }

  @Property
  void mergingAnySplitEqualsOnePass(
      @ForAll @Size(max = 40) List<@DoubleRange(min = 0, max = 1) Double> values,
      @ForAll @IntRange(min = 0, max = 10) int cut) {
    int images = values.size() / 4;
    int c = Math.min(cut, images);
    FaithfulnessAccumulator whole = new FaithfulnessAccumulator("RISE", 15);
    FaithfulnessAccumulator left = new FaithfulnessAccumulator("RISE", 15);
    FaithfulnessAccumulator right = new FaithfulnessAccumulator("RISE", 15);
    for (int i = 0; i < images; i++) {
      FaithfulnessAccumulator part = i < c ? left : right;
      for (FaithfulnessAccumulator a : List.of(whole, part)) {
        a.add(result(values.get(4 * i), values.get(4 * i + 1)))
            .addConfidence(values.get(4 * i + 2), values.get(4 * i + 3))
            .addPointing(new PointingGame(15).add(values.get(4 * i) > 0.5));
      }
    }
    FaithfulnessMetrics one = whole.snapshot();
    FaithfulnessMetrics merged = right.merge(left).snapshot();
    assertThat(merged.curveImages()).isEqualTo(one.curveImages());
    assertThat(merged.pointingHits()).isEqualTo(one.pointingHits());
    // Sums merged in another order may differ in the last bit, so a rounded row may differ in its
    // last digit at a rounding boundary (0.0125): rows are compared only when there is nothing to add.
    if (images == 0) {
      assertThat(merged.markdownRow()).isEqualTo(one.markdownRow());
    } else {
      assertThat(merged.deletionAuc()).isCloseTo(one.deletionAuc(), within(1e-12));
      assertThat(merged.insertionAuc()).isCloseTo(one.insertionAuc(), within(1e-12));
      assertThat(merged.averageDropPercent()).isCloseTo(one.averageDropPercent(), within(1e-9));
      assertThat(merged.increaseInConfidencePercent()).isEqualTo(one.increaseInConfidencePercent());
    }
  }
}
