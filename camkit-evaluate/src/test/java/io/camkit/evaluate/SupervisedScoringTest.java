package io.camkit.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.camkit.core.Box;
import io.camkit.core.Mask;
import io.camkit.core.RgbImage;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fully supervised localizers' scores, by hand. */
class SupervisedScoringTest {
  private static Sample sample(String id, int label, Box box, Optional<Mask> mask) {
    return new Sample(id, new RgbImage(10, 10, new byte[10 * 10 * 3]), List.of(new ObjectAnnotation(label, box, mask)));
  }

  /**
   * Three 10×10 images, truth (2, 2, 8, 8) (36 px). Image 1: the same box, right class (IoU 1).
   * Image 2: (2, 2, 8, 5), 18 px inside the truth (IoU 0.5), wrong class. Image 3: (0, 0, 4, 4):
   * intersection 4, union 16 + 36 − 4 = 48 (IoU 1/12), right class.
   */
  @Test
  void boxesByHand() {
    Box truth = new Box(2, 2, 8, 8);
    SupervisedScoring.Boxes b = new SupervisedScoring.Boxes();
    b.add(sample("1", 0, truth, Optional.empty()), new float[] {2f, 1f}, truth);
    SupervisedScoring.BoxOutcome two = b.add(sample("2", 0, truth, Optional.empty()), new float[] {1f, 2f},
        new Box(2, 2, 8, 5));
    b.add(sample("3", 1, truth, Optional.empty()), new float[] {0f, 3f}, new Box(0, 0, 4, 4));
    assertThat(two.predictedClass()).isEqualTo(1);
    assertThat(two.iou()).isCloseTo(0.5, within(1e-9));
    SupervisedScoring.BoxMetrics m = b.snapshot();
    assertThat(m.images()).isEqualTo(3);
    assertThat(m.top1Accuracy()).isCloseTo(2 / 3.0, within(1e-9));
    assertThat(m.top1Localization()).isCloseTo(1 / 3.0, within(1e-9)); // image 2 has the box but not the class
    assertThat(m.gtKnownLocalization()).isCloseTo(2 / 3.0, within(1e-9)); // IoU ≥ 0.5: images 1 and 2
    assertThat(m.boxAccuracy()).containsExactly(2 / 3.0, 2 / 3.0, 1 / 3.0);
    assertThat(m.meanBoxAccuracy()).isCloseTo(5 / 9.0, within(1e-9));
    assertThat(m.meanIou()).isCloseTo((1 + 0.5 + 1 / 12.0) / 3, within(1e-9));
    assertThat(SupervisedScoring.markdownTable(m)).contains("| MaxBoxAcc, MaxBoxAccV2, τ* | – (no map, no τ) |")
        .doesNotContain("NaN");
  }

  /**
   * A segmenter whose map of the true class is exactly the object's mask: its class has the
   * largest mass, its box is the truth at any τ in (0, 1], its mask IoU and PxAP are 1.
   */
  @Test
  void mapsAreScoredAsCamMaps() {
    boolean[] bits = new boolean[100];
    for (int y = 2; y < 8; y++) {
      for (int x = 2; x < 8; x++) {
        bits[y * 10 + x] = true;
      }
    }
    Sample s = sample("m", 1, new Box(2, 2, 8, 8), Optional.of(new Mask(10, 10, bits)));
    float[] planes = new float[3 * 100]; // background, class 0, class 1
    for (int p = 0; p < 100; p++) {
      planes[200 + p] = bits[p] ? 1f : 0f;
      planes[p] = bits[p] ? 0f : 1f;
    }
    SupervisedScoring.Maps maps = new SupervisedScoring.Maps(2, 0.5);
    SupervisedScoring.Scored r = maps.add(s, planes, 10);
    assertThat(r.outcome().predictedClass()).isEqualTo(1);
    assertThat(r.outcome().gtKnownIou()).isEqualTo(1.0);
    LocalizationMetrics m = maps.metrics();
    assertThat(m.top1Localization()).isEqualTo(1.0);
    assertThat(m.pxap()).isCloseTo(1.0, within(1e-9));
    assertThat(maps.masks().mIoU()).isCloseTo(1.0, within(1e-9));
  }
}
