package io.camkit.localize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GuidedFilterTest {

  private static RgbImage uniform(int w, int h, int value) {
    byte[] b = new byte[w * h * 3];
    java.util.Arrays.fill(b, (byte) value);
    return new RgbImage(w, h, b);
  }

  /** {@code p = 0.3 + 0.5 R − 0.2 G} at every pixel of {@code rgb}, colours in [0, 1]. */
  private static float[] linearInColours(byte[] rgb) {
    float[] p = new float[rgb.length / 3];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (0.3 + 0.5 * (rgb[3 * i] & 0xff) / 255.0 - 0.2 * (rgb[3 * i + 1] & 0xff) / 255.0);
    }
    return p;
  }

  /**
   * A 24k × 24k image with a bright square over [9k, 15k)² on a dark background, and a map that is
   * the square grown by 3k px on each side (a CAM's halo), 1 inside and 0 outside.
   */
  private record HaloedSquare(RgbImage image, HeatMap map) {
    static HaloedSquare scaled(int k) {
      int s = 24 * k;
      byte[] rgb = new byte[s * s * 3];
      float[] p = new float[s * s];
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          boolean in = x >= 9 * k && x < 15 * k && y >= 9 * k && y < 15 * k;
          java.util.Arrays.fill(rgb, 3 * (y * s + x), 3 * (y * s + x) + 3, (byte) (in ? 220 : 30));
          p[y * s + x] = x >= 6 * k && x < 18 * k && y >= 6 * k && y < 18 * k ? 1f : 0f;
        }
      }
      return new HaloedSquare(new RgbImage(s, s, rgb), new HeatMap(s, s, p));
    }
  }

  @Test
  void aConstantGuideGivesTheMeanOfTheWindowMeans() {
    // 3×1, radius 1 px: a = 0 (no colour variance), b = p̄ = [0.25, 0.5, 0.75] (clipped windows),
    // q = b̄ = [(0.25 + 0.5) / 2, (0.25 + 0.5 + 0.75) / 3, (0.5 + 0.75) / 2]
    HeatMap p = new HeatMap(3, 1, new float[] {0f, 0.5f, 1f});
    float[] q = new GuidedFilter(0.5, 0.01).filter(uniform(3, 1, 128), p);
    assertThat(q[0]).isCloseTo(0.375f, within(1e-6f));
    assertThat(q[1]).isCloseTo(0.5f, within(1e-6f));
    assertThat(q[2]).isCloseTo(0.625f, within(1e-6f));
  }

  @Test
  void aMapLinearInTheColoursPassesUnchanged() {
    // In every window p = 0.3 + 0.5 R − 0.2 G exactly, so the least-squares fit recovers it (ε → 0).
    int w = 17;
    int h = 11;
    Random rnd = new Random(5);
    byte[] rgb = new byte[w * h * 3];
    rnd.nextBytes(rgb);
    RgbImage guide = new RgbImage(w, h, rgb);
    float[] p = linearInColours(rgb);
    float[] q = new GuidedFilter(0.2, 1e-9).filter(guide, new HeatMap(w, h, p));
    for (int i = 0; i < p.length; i++) {
      assertThat(q[i]).as("pixel %d", i).isCloseTo(p[i], within(1e-4f));
    }
  }

  @Test
  void aBlurredMapSnapsToTheObjectsEdges() {
    // A 6×6 bright square on a dark background; the map is the square grown by 3 px (a CAM's halo).
    // The refined map keeps the square at its maximum and lowers the halo below 0.6 of it (to 0.39–0.49,
    // as a NumPy transcription of the filter gives): thresholded at 0.6 it is the square itself, the raw
    // map the grown square.
    HaloedSquare sq = HaloedSquare.scaled(1);
    HeatMap refined = new GuidedFilter(0.2, 0.001).apply(sq.image(), sq.map());
    assertThat(refined.max()).isEqualTo(1f);
    assertThat(refined.min()).isGreaterThanOrEqualTo(0f);
    Localization raw = new ThresholdLocalizer(0.6).localizeNormalised(sq.map());
    Localization sharp = new ThresholdLocalizer(0.6).localizeNormalised(refined);
    assertThat(raw.box()).contains(new io.camkit.core.Box(6, 6, 18, 18));
    assertThat(sharp.box()).contains(new io.camkit.core.Box(9, 9, 15, 15));
  }

  @Test
  void anAllZeroMapStaysZero() {
    HeatMap zero = new HeatMap(5, 4, new float[20]);
    HeatMap out = new GuidedFilter(0.25, 0.01).apply(uniform(5, 4, 7), zero);
    assertThat(out.values()).containsOnly(0f);
  }

  @Test
  void radiusIsAFractionOfTheShorterSide() {
    GuidedFilter f = new GuidedFilter(0.16, 0.01);
    assertThat(f.radiusPixels(96, 96)).isEqualTo(15);
    assertThat(f.radiusPixels(500, 375)).isEqualTo(60);
    assertThat(f.radiusPixels(3, 2)).isEqualTo(1);
    assertThat(f.describe(96, 96)).isEqualTo("guided filter, radius 0.16 of the shorter side (15 px at 96×96), ε 0.01");
    assertThat(f.describe()).isEqualTo("guided filter, radius 0.16 of the shorter side, ε 0.01");
  }

  @Test
  void specRoundTripsAndBadValuesSayWhatIsExpected() {
    for (GuidedFilter f : GuidedFilter.candidates()) {
      assertThat(GuidedFilter.parse(f.spec())).isEqualTo(f);
    }
    assertThat(GuidedFilter.candidates()).hasSize(12);
    assertThatThrownBy(() -> GuidedFilter.parse("0.1")).hasMessageContaining("RADIUS,EPS");
    assertThatThrownBy(() -> GuidedFilter.parse("x,0.1")).hasMessageContaining("two numbers");
    assertThatThrownBy(() -> new GuidedFilter(0.7, 0.01)).hasMessageContaining("radius");
    assertThatThrownBy(() -> new GuidedFilter(0.1, 0)).hasMessageContaining("eps");
    assertThatThrownBy(() -> new GuidedFilter(0.1, 0.01).filter(uniform(4, 4, 0), new HeatMap(3, 4, new float[12])))
        .hasMessageContaining("differ in size");
  }

  @Test
  void largeImagesUseSubsampledCoefficientsAndStillPassALinearMapAndSnapToEdges() {
    // 1100×600: shorter side 600 > 512, so the coefficients come from 2×2 blocks. A map linear in
    // the colours is linear in the block means too: the interpolated coefficients are the same
    // everywhere and q = p.
    int w = 1100;
    int h = 600;
    Random rnd = new Random(8);
    byte[] rgb = new byte[w * h * 3];
    rnd.nextBytes(rgb);
    float[] p = linearInColours(rgb);
    float[] q = new GuidedFilter(0.1, 1e-9).filter(new RgbImage(w, h, rgb), new HeatMap(w, h, p));
    for (int i = 0; i < p.length; i += 997) {
      assertThat(q[i]).as("pixel %d", i).isCloseTo(p[i], within(1e-3f));
    }
    // and a haloed square snaps back to within a pixel of its edges (the same case as above, × 30; halo
    // 0.39–0.53 of the max there in the NumPy transcription of the exact filter)
    HaloedSquare sq = HaloedSquare.scaled(30); // 720 px: square [270, 450)², halo to [180, 540)²
    HeatMap refined = new GuidedFilter(0.2, 0.001).apply(sq.image(), sq.map());
    io.camkit.core.Box box = new ThresholdLocalizer(0.6).localizeNormalised(refined).box().orElseThrow();
    assertThat(box.x0()).isBetween(269, 271);
    assertThat(box.y0()).isBetween(269, 271);
    assertThat(box.x1()).isBetween(449, 451);
    assertThat(box.y1()).isBetween(449, 451);
  }
}
