package io.camkit.core;

import java.awt.image.BufferedImage;

/**
 * An 8-bit RGB image, row-major and interleaved: pixel {@code (x, y)} channel {@code c} is {@code
 * rgb[(y * width + x) * 3 + c]} (unsigned). Immutable.
 */
public final class RgbImage {
  private final int width;
  private final int height;
  private final byte[] rgb;

  public RgbImage(int width, int height, byte[] rgb) {
    if (width <= 0 || height <= 0 || rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "RGB image of " + width + "x" + height + " needs " + (width * height * 3) + " bytes");
    }
    this.width = width;
    this.height = height;
    this.rgb = rgb.clone();
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Channel {@code c} of pixel {@code (x, y)}, in 0..255. */
  public int get(int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xFF;
  }

  /** A copy of the interleaved bytes. */
  public byte[] bytes() {
    return rgb.clone();
  }

  /**
   * Writes the image into {@code dst[offset ...]} as planar {@code [3, H, W]} floats in [0, 1]
   * (the layout of one item of an {@code [N, C, H, W]} batch).
   */
  public void toChw(float[] dst, int offset) {
    int plane = width * height;
    for (int i = 0; i < plane; i++) {
      dst[offset + i] = (rgb[i * 3] & 0xFF) / 255f;
      dst[offset + plane + i] = (rgb[i * 3 + 1] & 0xFF) / 255f;
      dst[offset + 2 * plane + i] = (rgb[i * 3 + 2] & 0xFF) / 255f;
    }
  }

  public BufferedImage toBufferedImage() {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = (y * width + x) * 3;
        img.setRGB(x, y, ((rgb[i] & 0xFF) << 16) | ((rgb[i + 1] & 0xFF) << 8) | (rgb[i + 2] & 0xFF));
      }
    }
    return img;
  }

  /**
   * From any decoded image. Grey images (8 or 16 bits, with or without alpha) copy their grey
   * level to R, G and B: Java2D's own conversion treats grey as linear light and would brighten
   * every mid-tone (200 becomes 229), while grey files store display values like sRGB. 16-bit
   * samples are scaled to 8 bits; alpha is dropped (the colour is kept, not composited); palette,
   * CMYK and other colour models go through the colour model's sRGB conversion.
   */
  public static RgbImage of(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] rgb = new byte[w * h * 3];
    java.awt.image.ColorModel cm = img.getColorModel();
    if (cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
        && !(cm instanceof java.awt.image.IndexColorModel)) {
      java.awt.image.Raster r = img.getRaster();
      double scale = 255.0 / ((1L << cm.getComponentSize(0)) - 1);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          byte g = (byte) Math.round(r.getSample(x, y, 0) * scale);
          int i = (y * w + x) * 3;
          rgb[i] = g;
          rgb[i + 1] = g;
          rgb[i + 2] = g;
        }
      }
      return new RgbImage(w, h, rgb);
    }
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int p = row[x];
        int i = (y * w + x) * 3;
        rgb[i] = (byte) (p >> 16);
        rgb[i + 1] = (byte) (p >> 8);
        rgb[i + 2] = (byte) p;
      }
    }
    return new RgbImage(w, h, rgb);
  }

  /** Bilinear resize (half-pixel centres), for feeding images of any size to a fixed-size model. */
  public RgbImage resize(int newWidth, int newHeight) {
    if (newWidth == width && newHeight == height) {
      return this;
    }
    byte[] out = new byte[newWidth * newHeight * 3];
    Bilinear bx = new Bilinear(width, newWidth);
    Bilinear by = new Bilinear(height, newHeight);
    for (int y = 0; y < newHeight; y++) {
      for (int x = 0; x < newWidth; x++) {
        for (int c = 0; c < 3; c++) {
          double v =
              Bilinear.mix(
                  get(bx.lo[x], by.lo[y], c), get(bx.hi[x], by.lo[y], c), get(bx.lo[x], by.hi[y], c),
                  get(bx.hi[x], by.hi[y], c), bx.w[x], by.w[y]);
          out[(y * newWidth + x) * 3 + c] = (byte) Math.round(v);
        }
      }
    }
    return new RgbImage(newWidth, newHeight, out);
  }
}
