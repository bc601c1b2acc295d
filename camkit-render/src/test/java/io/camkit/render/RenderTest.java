package io.camkit.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RenderTest {
  @Test
  void viridisEndsAndMiddleAreMatplotlibs() {
    assertThat(Colormap.viridis(0)).isEqualTo(0x440154);
    assertThat(Colormap.viridis(0.5)).isEqualTo(0x21918c);
    assertThat(Colormap.viridis(1)).isEqualTo(0xfde725);
    assertThat(Colormap.viridis(Double.NaN)).isEqualTo(0x440154);
    assertThat(Colormap.viridis(7)).isEqualTo(0xfde725);
  }

  @Test
  void viridisLightnessRisesMonotonically() {
    double last = -1;
    for (int i = 0; i <= 100; i++) {
      int c = Colormap.viridis(i / 100.0);
      double luma = 0.299 * (c >> 16 & 0xFF) + 0.587 * (c >> 8 & 0xFF) + 0.114 * (c & 0xFF);
      assertThat(luma).isGreaterThanOrEqualTo(last - 0.5);
      last = luma;
    }
  }

  @Test
  void overlayBlendsAndDrawsBoxesInTheirColours() {
    byte[] white = new byte[8 * 8 * 3];
    java.util.Arrays.fill(white, (byte) 255);
    RgbImage img = new RgbImage(8, 8, white);
    HeatMap zero = new HeatMap(8, 8, new float[64]);
    BufferedImage out = Overlay.render(img, zero, 0.5, List.of(new Box(0, 0, 4, 4)), Optional.of(new Box(4, 4, 8, 8)), 1);
    // Inside, away from the boxes: (255 + viridis(0)) / 2 = (255 + 0x44, 255 + 0x01, 255 + 0x54) / 2.
    int p = out.getRGB(2, 6) & 0xFFFFFF;
    assertThat(p >> 16 & 0xFF).isEqualTo(Math.round((255 + 0x44) / 2f));
    assertThat(p >> 8 & 0xFF).isEqualTo(128);
    assertThat(p & 0xFF).isEqualTo(Math.round((255 + 0x54) / 2f));
    assertThat(out.getRGB(0, 0) & 0xFFFFFF).isEqualTo(Overlay.GROUND_TRUTH.getRGB() & 0xFFFFFF);
    assertThat(out.getRGB(7, 7) & 0xFFFFFF).isEqualTo(Overlay.PREDICTED.getRGB() & 0xFFFFFF);
  }
}
