package io.camkit.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvaluationPicturesTest {

  private static RgbImage gray(int w, int h) {
    byte[] rgb = new byte[w * h * 3];
    java.util.Arrays.fill(rgb, (byte) 128);
    return new RgbImage(w, h, rgb);
  }

  private static HeatMap zeros(int w, int h) {
    return new HeatMap(w, h, new float[w * h]);
  }

  @Test
  void smallImagesAreDoubledMidSizedKeptAndPhotosReducedToTheMaximumSide() {
    BufferedImage small = EvaluationPictures.tile(gray(64, 48), zeros(8, 6), List.of(), Optional.empty());
    BufferedImage mid = EvaluationPictures.tile(gray(224, 200), zeros(7, 7), List.of(), Optional.empty());
    BufferedImage photo = EvaluationPictures.tile(gray(500, 375), zeros(7, 7), List.of(), Optional.empty());
    BufferedImage tall = EvaluationPictures.tile(gray(333, 1000), zeros(7, 7), List.of(), Optional.empty());
    assertThat(new int[] {small.getWidth(), small.getHeight()}).containsExactly(128, 96);
    assertThat(new int[] {mid.getWidth(), mid.getHeight()}).containsExactly(224, 200);
    assertThat(new int[] {photo.getWidth(), photo.getHeight()}).containsExactly(320, 240);
    assertThat(new int[] {tall.getWidth(), tall.getHeight()}).containsExactly(107, 320);
  }

  @Test
  void aReducedPhotosBoxesAreScaledWithIt() {
    // 500×375 → 320×240, f = 0.64: the box [100, 300) × [50, 250) becomes [64, 192) × [32, 160)
    Box predicted = new Box(100, 50, 300, 250);
    BufferedImage t = EvaluationPictures.tile(gray(500, 375), zeros(7, 7), List.of(), Optional.of(predicted));
    int red = Overlay.PREDICTED.getRGB() & 0xFFFFFF;
    assertThat(t.getRGB(64, 100) & 0xFFFFFF).isEqualTo(red);
    assertThat(t.getRGB(191, 100) & 0xFFFFFF).isEqualTo(red);
    assertThat(t.getRGB(120, 32) & 0xFFFFFF).isEqualTo(red);
    assertThat(t.getRGB(120, 159) & 0xFFFFFF).isEqualTo(red);
    assertThat(t.getRGB(120, 100) & 0xFFFFFF).isNotEqualTo(red);
    assertThat(t.getRGB(62, 100) & 0xFFFFFF).isNotEqualTo(red);
  }

  @Test
  void aShrunkBoxKeepsAPixelAndStaysInside() {
    assertThat(EvaluationPictures.shrink(new Box(10, 10, 11, 11), 0.05, 16, 16)).isEqualTo(new Box(0, 0, 1, 1));
    assertThat(EvaluationPictures.shrink(new Box(490, 360, 500, 375), 0.64, 320, 240))
        .isEqualTo(new Box(313, 230, 320, 240));
    assertThat(EvaluationPictures.shrink(new Box(499, 374, 500, 375), 0.64, 320, 240))
        .isEqualTo(new Box(319, 239, 320, 240));
  }
}
