package io.camkit.core;

/**
 * An image read a rectangle at a time, so that a large image never needs to be decoded whole
 * ({@link ImageRegions} decodes each rectangle from the file).
 */
public interface RegionSource {
  /** Width of the whole image, pixels. */
  int width();

  /** Height of the whole image, pixels. */
  int height();

  /**
   * The pixels {@code [x, x + w) × [y, y + h)}, which must lie inside the image.
   *
   * @throws CamkitException when the image cannot be decoded
   */
  RgbImage read(int x, int y, int w, int h);

  /** An image already in memory, as a source (for tests and small images). */
  static RegionSource of(RgbImage image) {
    byte[] all = image.bytes();
    return new RegionSource() {
      @Override
      public int width() {
        return image.width();
      }

      @Override
      public int height() {
        return image.height();
      }

      @Override
      public RgbImage read(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > image.width() || y + h > image.height()) {
          throw new IllegalArgumentException("region " + x + "," + y + " " + w + "×" + h + " outside the image");
        }
        byte[] out = new byte[w * h * 3];
        for (int r = 0; r < h; r++) {
          System.arraycopy(all, ((y + r) * image.width() + x) * 3, out, r * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
      }
    };
  }
}
