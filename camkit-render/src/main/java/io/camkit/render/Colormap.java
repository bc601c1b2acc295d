package io.camkit.render;

/**
 * Viridis, the perceptually uniform colormap of matplotlib (van der Walt &amp; Smith, 2015):
 * lightness rises monotonically from dark purple (0) to yellow (1), and it stays readable in grey
 * and for colour-blind readers. Interpolated linearly between 11 entries of matplotlib's table
 * (at 0, 0.1, …, 1).
 */
public final class Colormap {
  private static final int[] VIRIDIS = {
    0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151,
    0xbddf26, 0xfde725
  };

  private Colormap() {}

  /** The RGB colour ({@code 0xRRGGBB}) of {@code v}, clamped to [0, 1]; NaN maps to 0. */
  public static int viridis(double v) {
    if (!(v > 0)) {
      return VIRIDIS[0];
    }
    if (v >= 1) {
      return VIRIDIS[VIRIDIS.length - 1];
    }
    double pos = v * (VIRIDIS.length - 1);
    int i = (int) pos;
    double t = pos - i;
    int a = VIRIDIS[i];
    int b = VIRIDIS[i + 1];
    int r = (int) Math.round(((a >> 16) & 0xFF) * (1 - t) + ((b >> 16) & 0xFF) * t);
    int g = (int) Math.round(((a >> 8) & 0xFF) * (1 - t) + ((b >> 8) & 0xFF) * t);
    int bl = (int) Math.round((a & 0xFF) * (1 - t) + (b & 0xFF) * t);
    return (r << 16) | (g << 8) | bl;
  }
}
