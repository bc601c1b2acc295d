package io.camkit.dataset.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.RgbImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PhotoAugmentationTest {
  /** Whole-image crops of a 10×6 image (area 1, its own ratio), no flip, no jitter. */
  private static final PhotoAugmentation NONE = new PhotoAugmentation(1, 10 / 6.0, 10 / 6.0, false, 0, 0, 0);

  /** A w × h image whose red is x, green y and blue 7. */
  private static RgbImage ramp(int w, int h) {
    byte[] px = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        px[(y * w + x) * 3] = (byte) x;
        px[(y * w + x) * 3 + 1] = (byte) y;
        px[(y * w + x) * 3 + 2] = 7;
      }
    }
    return new RgbImage(w, h, px);
  }

  @Test
  void withoutRandomnessItIsTheResize() {
    RgbImage src = ramp(10, 6);
    assertThat(NONE.apply(src, 5, 3, new SplittableRandom(1)).bytes()).containsExactly(src.resize(5, 3).bytes());
  }

  @Test
  void theOutputIsTheDrawnCropResized() {
    RgbImage sub = PhotoAugmentation.crop(ramp(16, 16), 3, 2, 5, 4);
    assertThat(sub.width()).isEqualTo(5);
    assertThat(sub.height()).isEqualTo(4);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 5; x++) {
        assertThat(sub.get(x, y, 0)).isEqualTo(3 + x);
        assertThat(sub.get(x, y, 1)).isEqualTo(2 + y);
      }
    }
    var a = new PhotoAugmentation(0.3, 0.5, 2, false, 0, 0, 0);
    RgbImage src = ramp(16, 16);
    int[] box = a.cropBox(16, 16, new SplittableRandom(3)); // the same first draws as apply's
    assertThat(a.apply(src, 12, 12, new SplittableRandom(3)).bytes())
        .containsExactly(PhotoAugmentation.crop(src, box[0], box[1], box[2], box[3]).resize(12, 12).bytes());
  }

  @Test
  void cropsStayInsideTheImageWithTheirAreaAndRatioInRange() {
    PhotoAugmentation a = PhotoAugmentation.standard();
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < 2000; i++) {
      int[] b = a.cropBox(300, 200, rng);
      assertThat(b[0]).isGreaterThanOrEqualTo(0);
      assertThat(b[1]).isGreaterThanOrEqualTo(0);
      assertThat(b[0] + b[2]).isLessThanOrEqualTo(300);
      assertThat(b[1] + b[3]).isLessThanOrEqualTo(200);
      double area = (double) b[2] * b[3] / (300 * 200);
      double ratio = (double) b[2] / b[3];
      // rounding of the sides moves area and ratio by at most a pixel's worth
      assertThat(area).isBetween(0.25 - 0.02, 1.0);
      assertThat(ratio).isBetween(0.75 - 0.02, 4.0 / 3 + 0.02);
    }
  }

  @Test
  void noFittingCropFallsBackToTheCentreCutToTheRatioBound() {
    // a 100×10 strip: no crop of ratio ≤ 4/3 and at least 90 % of the area fits; the centre 13×10 is used
    var a = new PhotoAugmentation(0.9, 0.75, 4.0 / 3, false, 0, 0, 0);
    assertThat(a.cropBox(100, 10, new SplittableRandom(2))).containsExactly(43, 0, 13, 10);
  }

  @Test
  void theFlipMirrorsRows() {
    var flipAlways = new PhotoAugmentation(1, 2.5, 2.5, true, 0, 0, 0); // whole 5×2 crops
    RgbImage src = ramp(5, 2);
    byte[] mirrored = src.bytes();
    PhotoAugmentation.mirror(mirrored, 5, 2);
    assertThat(new RgbImage(5, 2, mirrored).get(0, 1, 0)).isEqualTo(4); // row 1 reads 4, 3, 2, 1, 0
    assertThat(new RgbImage(5, 2, mirrored).get(4, 1, 0)).isZero();
    int flipped = 0;
    for (int seed = 0; seed < 40; seed++) {
      byte[] out = flipAlways.apply(src, 5, 2, new SplittableRandom(seed)).bytes();
      if (java.util.Arrays.equals(out, mirrored)) {
        flipped++;
      } else {
        assertThat(out).containsExactly(src.bytes());
      }
    }
    assertThat(flipped).isBetween(8, 32); // about half of 40
  }

  @Test
  void jitterByHand() {
    // one gray pixel (100,100,100) and one red (200,0,0)
    byte[] px = {100, 100, 100, (byte) 200, 0, 0};
    // brightness 1.5: (150,150,150), (255 clipped, 0, 0); mean gray = (150 + 0.299·255) / 2 = 113.1245
    // contrast 0.5: x/2 + 56.56225 → (131.56225 ×3), (184.06225, 56.56225, 56.56225)
    // saturation 0: each pixel its gray: 131.56225 and 0.299·184.06225 + 0.701·56.56225 = 94.68475
    PhotoAugmentation.jitter(px, 1.5, 0.5, 0);
    assertThat(px).containsExactly(new byte[] {(byte) 132, (byte) 132, (byte) 132, 95, 95, 95});
  }

  @Test
  void sameSeedSameImageAndBadOptionsAreNamed() {
    RgbImage src = ramp(40, 30);
    PhotoAugmentation a = PhotoAugmentation.standard();
    assertThat(a.apply(src, 20, 20, new SplittableRandom(9)).bytes())
        .containsExactly(a.apply(src, 20, 20, new SplittableRandom(9)).bytes());
    assertThatThrownBy(() -> PhotoAugmentation.withJitter(0, 0.2)).hasMessageContaining("augment-min-scale");
    assertThatThrownBy(() -> PhotoAugmentation.withJitter(0.5, 1)).hasMessageContaining("jitter");
  }
}
