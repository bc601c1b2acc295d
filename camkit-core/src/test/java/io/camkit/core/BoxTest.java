package io.camkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BoxTest {
  @Test
  void iouOfOverlappingBoxesByHand() {
    // [0,4)x[0,4) (16 px) and [2,6)x[2,6) (16 px) overlap in [2,4)x[2,4) = 4 px: 4 / 28.
    assertThat(new Box(0, 0, 4, 4).iou(new Box(2, 2, 6, 6))).isCloseTo(4.0 / 28, within(1e-12));
  }

  @Test
  void iouOfDisjointAndEqualBoxes() {
    assertThat(new Box(0, 0, 2, 2).iou(new Box(2, 0, 4, 2))).isZero();
    assertThat(new Box(3, 1, 9, 7).iou(new Box(3, 1, 9, 7))).isEqualTo(1.0);
  }

  @Test
  void zeroSizeBoxIsRejectedWithItsCoordinates() {
    assertThatThrownBy(() -> new Box(5, 5, 5, 9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x0=5");
  }

  @Test
  void vocIsOneBasedInclusive() {
    assertThat(Box.fromVoc(1, 1, 10, 5)).isEqualTo(new Box(0, 0, 10, 5));
  }

  @Property
  void iouIsSymmetricAndInUnitInterval(
      @ForAll @IntRange(min = 0, max = 50) int ax, @ForAll @IntRange(min = 0, max = 50) int ay,
      @ForAll @IntRange(min = 1, max = 30) int aw, @ForAll @IntRange(min = 1, max = 30) int ah,
      @ForAll @IntRange(min = 0, max = 50) int bx, @ForAll @IntRange(min = 0, max = 50) int by,
      @ForAll @IntRange(min = 1, max = 30) int bw, @ForAll @IntRange(min = 1, max = 30) int bh) {
    Box a = new Box(ax, ay, ax + aw, ay + ah);
    Box b = new Box(bx, by, bx + bw, by + bh);
    assertThat(a.iou(b)).isEqualTo(b.iou(a)).isBetween(0.0, 1.0);
  }
}
