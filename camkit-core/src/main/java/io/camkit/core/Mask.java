package io.camkit.core;

import java.util.Arrays;
import java.util.Optional;

/** A binary mask over an image, row-major: {@code get(x, y) == bits[y * width + x]}. */
public final class Mask {
  private final int width;
  private final int height;
  private final boolean[] bits;

  public Mask(int width, int height, boolean[] bits) {
    if (width <= 0 || height <= 0 || bits.length != width * height) {
      throw new IllegalArgumentException(
          "mask of " + width + "x" + height + " needs " + (width * height) + " values");
    }
    this.width = width;
    this.height = height;
    this.bits = bits.clone();
  }

  public static Mask empty(int width, int height) {
    return new Mask(width, height, new boolean[width * height]);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public boolean get(int x, int y) {
    return bits[y * width + x];
  }

  /** A copy of the bits, row-major. */
  public boolean[] bits() {
    return bits.clone();
  }

  public int count() {
    int n = 0;
    for (boolean b : bits) {
      if (b) {
        n++;
      }
    }
    return n;
  }

  /** The tightest box around the set pixels, or empty when none is set. */
  public Optional<Box> boundingBox() {
    int x0 = width;
    int y0 = height;
    int x1 = -1;
    int y1 = -1;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (bits[y * width + x]) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      }
    }
    return x1 < 0 ? Optional.empty() : Optional.of(new Box(x0, y0, x1 + 1, y1 + 1));
  }

  /** A black-and-white picture of the mask: set pixels white. */
  public java.awt.image.BufferedImage toBufferedImage() {
    var img = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    var raster = img.getRaster();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        raster.setSample(x, y, 0, bits[y * width + x] ? 255 : 0);
      }
    }
    return img;
  }

  /** Pixel IoU of two masks of the same size; two empty masks give 0. */
  public double iou(Mask o) {
    if (o.width != width || o.height != height) {
      throw new IllegalArgumentException("masks differ in size");
    }
    int inter = 0;
    int union = 0;
    for (int i = 0; i < bits.length; i++) {
      if (bits[i] && o.bits[i]) {
        inter++;
      }
      if (bits[i] || o.bits[i]) {
        union++;
      }
    }
    return union == 0 ? 0 : (double) inter / union;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Mask m && m.width == width && m.height == height && Arrays.equals(m.bits, bits);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(bits);
  }
}
