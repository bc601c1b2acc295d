package io.camkit.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.Mask;
import io.camkit.dataset.ObjectAnnotation;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MaskIouTest {
  private static Mask mask(int w, int h, int... setIndices) {
    boolean[] b = new boolean[w * h];
    for (int i : setIndices) {
      b[i] = true;
    }
    return new Mask(w, h, b);
  }

  @Test
  void maskAtTauAgainstTheTruthByHandWithEveryComponentAndPooledClassIou() {
    // A 3×3 map with two separate blobs ≥ τ = 0.5: {0, 1} and {8}; 0.5 itself counts (≥ τ).
    HeatMap map = new HeatMap(3, 3, new float[] {1f, 0.5f, 0f, 0.2f, 0.49f, 0f, 0f, 0f, 0.7f});
    // Truth {1, 4, 8}: TP = {1, 8} = 2, FP = {0} = 1, FN = {4} = 1: IoU 2 / 4.
    MaskIouAccumulator acc = new MaskIouAccumulator(3, 0.5).add(0, map, mask(3, 3, 1, 4, 8));
    MaskIouMetrics one = acc.snapshot();
    assertThat(one.meanIou()).isEqualTo(0.5);
    assertThat(one.classIou()[0]).isEqualTo(0.5);
    assertThat(one.classIou()[1]).isNaN();
    assertThat(one.mIoU()).isEqualTo(0.5);

    // Class 0 again: a big pair, TP 90 of union 100 (IoU .9); class 2: TP 1 of 4 (.25).
    acc.add(0, 90, 6, 4).add(2, 1, 3, 0);
    MaskIouMetrics m = acc.snapshot();
    assertThat(m.pairs()).isEqualTo(3);
    assertThat(m.meanIou()).isCloseTo((0.5 + 0.9 + 0.25) / 3, within(1e-12)); // per pair
    assertThat(m.classIou()[0]).isCloseTo(92.0 / 104, within(1e-12)); // pooled pixels, not (.5 + .9) / 2
    assertThat(m.classIou()[2]).isEqualTo(0.25);
    assertThat(m.mIoU()).isCloseTo((92.0 / 104 + 0.25) / 2, within(1e-12)); // class 1 has no pair

    // Merging two halves gives the same snapshot as one accumulator.
    MaskIouAccumulator a = new MaskIouAccumulator(3, 0.5).add(0, map, mask(3, 3, 1, 4, 8));
    MaskIouAccumulator b = new MaskIouAccumulator(3, 0.5).add(0, 90, 6, 4).add(2, 1, 3, 0);
    MaskIouMetrics merged = a.merge(b).snapshot();
    assertThat(merged.classIou()).containsExactly(m.classIou());
    assertThat(merged.meanIou()).isEqualTo(m.meanIou());
    assertThat(new MaskIouAccumulator(3, 0.5).snapshot().mIoU()).isNaN();
  }

  @Test
  void truthMaskIsTheUnionOfTheObjectsMasksAndAbsentWhenOneLacksAMask() {
    var a = new ObjectAnnotation(0, new Box(0, 0, 1, 1), Optional.of(mask(2, 2, 0)));
    var b = new ObjectAnnotation(0, new Box(1, 1, 2, 2), Optional.of(mask(2, 2, 3)));
    var boxOnly = new ObjectAnnotation(0, new Box(0, 0, 2, 2), Optional.empty());
    assertThat(Scorer.truthMask(2, 2, List.of(a, b))).contains(mask(2, 2, 0, 3));
    assertThat(Scorer.truthMask(2, 2, List.of(a, boxOnly))).isEmpty();
    assertThat(Scorer.truthMask(3, 3, List.of(a))).isEmpty();
    assertThat(Scorer.truthMask(2, 2, List.of())).isEmpty();
  }
}
