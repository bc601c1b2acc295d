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

/** Multi-label scoring by hand: two 10×10 images, two classes. */
class MultiLabelAccumulatorTest {
  static final Box TOP_LEFT = new Box(0, 0, 5, 5);
  static final Box BOTTOM_RIGHT = new Box(5, 5, 10, 10);
  static final Box TOP_RIGHT = new Box(5, 0, 10, 5);

  static Sample sample(String id, ObjectAnnotation... objects) {
    return new Sample(id, new RgbImage(10, 10, new byte[300]), List.of(objects));
  }

  static ObjectAnnotation object(int c, Box b) {
    return new ObjectAnnotation(c, b, Optional.empty());
  }

  /** 1 inside {@code b}, 0 elsewhere (already normalised). */
  static HeatMap block(Box b) {
    float[] v = new float[100];
    for (int y = b.y0(); y < b.y1(); y++) {
      for (int x = b.x0(); x < b.x1(); x++) {
        v[y * 10 + x] = 1;
      }
    }
    return new HeatMap(10, 10, v);
  }

  // Image A holds class 0 (top left) and class 1 (bottom right); its class-1 map wrongly lights the
  // top left. Image B holds class 0 only (top right), found.
  static final Sample A = sample("a", object(0, TOP_LEFT), object(1, BOTTOM_RIGHT));
  static final Sample B = sample("b", object(0, TOP_RIGHT));

  static MultiLabelAccumulator addA(MultiLabelAccumulator acc) {
    return acc.add(A, new float[] {2, 1}, c -> block(TOP_LEFT));
  }

  static MultiLabelAccumulator addB(MultiLabelAccumulator acc) {
    // B scores class 1 above A although class 1 is absent: class 1's AP is 1/2.
    return acc.add(B, new float[] {3, 5}, c -> c == 0 ? block(TOP_RIGHT) : null);
  }

  @Test
  void scoresByHand() {
    MultiLabelMetrics m = addB(addA(new MultiLabelAccumulator(2, 0.2))).snapshot();
    assertThat(m.images()).isEqualTo(2);
    assertThat(m.pairs()).isEqualTo(3);
    // Class 0 present in both (AP 1); class 1 in A only, ranked below B (AP 1/2).
    assertThat(m.averagePrecision()).containsExactly(1.0, 0.5);
    assertThat(m.mAP()).isEqualTo(0.75);
    // Pairs (A,0) and (B,0) are exact boxes; (A,1) lies on the wrong object.
    assertThat(m.classPairs()).containsExactly(2, 1);
    assertThat(m.classGtKnown()).containsExactly(1.0, 0.0);
    assertThat(m.gtKnownLocalization()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.classPointing()).containsExactly(1.0, 0.0);
    assertThat(m.pointingGame()).isCloseTo(2.0 / 3, within(1e-12));
    // τ = 0 keeps the whole image (IoU 25/100): every τ > 0 keeps exactly the block.
    assertThat(m.maxBoxAcc()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.tauStar()).isEqualTo(0.01);
  }

  @Test
  void mergingInImageOrderEqualsAddingInOrder() {
    MultiLabelAccumulator whole = addB(addA(new MultiLabelAccumulator(2, 0.2)));
    MultiLabelAccumulator merged = addA(new MultiLabelAccumulator(2, 0.2)).merge(addB(new MultiLabelAccumulator(2, 0.2)));
    assertThat(merged.snapshot()).usingRecursiveComparison().isEqualTo(whole.snapshot());
    assertThat(merged.curve()).containsExactly(whole.curve());
    assertThat(whole.curve()[0]).isZero();
  }

  @Test
  void aClassNeverPresentHasNoApAndIsLeftOutOfTheMean() {
    MultiLabelMetrics m = new MultiLabelAccumulator(3, 0.2).add(B, new float[] {1, 2, 3}, c -> block(TOP_RIGHT))
        .snapshot();
    assertThat(m.averagePrecision()[0]).isEqualTo(1.0);
    assertThat(Double.isNaN(m.averagePrecision()[1])).isTrue();
    assertThat(m.mAP()).isEqualTo(1.0);
    assertThat(Double.isNaN(m.classGtKnown()[2])).isTrue();
  }
}
