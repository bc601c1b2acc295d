package io.camkit.core;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 of IFD0 in the APP1 "Exif" segment) and the
 * transform that shows the image upright. Values 1–8 as in the EXIF 2.3 specification; a file
 * without the tag, or with an unreadable one, is orientation 1 (as it is stored).
 */
public final class ExifOrientation {
  private ExifOrientation() {}

  /** The orientation tag of {@code jpeg}'s bytes, 1 when absent or unreadable. */
  public static int of(byte[] jpeg) {
    if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      return 1;
    }
    int p = 2;
    while (p + 4 <= jpeg.length && (jpeg[p] & 0xFF) == 0xFF) {
      int marker = jpeg[p + 1] & 0xFF;
      if (marker == 0xDA || marker == 0xD9) {
        return 1; // start of scan: no more metadata
      }
      int len = ((jpeg[p + 2] & 0xFF) << 8) | (jpeg[p + 3] & 0xFF);
      if (len < 2 || p + 2 + len > jpeg.length) {
        return 1;
      }
      if (marker == 0xE1 && len >= 8 && jpeg[p + 4] == 'E' && jpeg[p + 5] == 'x' && jpeg[p + 6] == 'i'
          && jpeg[p + 7] == 'f') {
        return fromTiff(jpeg, p + 10, p + 2 + len);
      }
      p += 2 + len;
    }
    return 1;
  }

  private static int fromTiff(byte[] b, int start, int end) {
    if (start + 8 > end) {
      return 1;
    }
    boolean little = b[start] == 'I' && b[start + 1] == 'I';
    if (!little && !(b[start] == 'M' && b[start + 1] == 'M')) {
      return 1;
    }
    long ifd = u32(b, start + 4, little);
    int at = (int) (start + ifd);
    if (ifd < 8 || at + 2 > end) {
      return 1;
    }
    int entries = u16(b, at, little);
    for (int i = 0; i < entries; i++) {
      int e = at + 2 + 12 * i;
      if (e + 12 > end) {
        return 1;
      }
      if (u16(b, e, little) == 0x0112) {
        int v = u16(b, e + 8, little);
        return v >= 1 && v <= 8 ? v : 1;
      }
    }
    return 1;
  }

  private static int u16(byte[] b, int i, boolean little) {
    int a = b[i] & 0xFF;
    int c = b[i + 1] & 0xFF;
    return little ? a | (c << 8) : (a << 8) | c;
  }

  private static long u32(byte[] b, int i, boolean little) {
    long v = 0;
    for (int k = 0; k < 4; k++) {
      int byteAt = little ? i + 3 - k : i + k;
      v = (v << 8) | (b[byteAt] & 0xFF);
    }
    return v;
  }

  /**
   * {@code image} (as stored) shown upright for EXIF orientation {@code o}: 2 mirror, 3 rotate
   * 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° counter-clockwise.
   */
  public static RgbImage apply(RgbImage image, int o) {
    if (o <= 1 || o > 8) {
      return image;
    }
    int w = image.width();
    int h = image.height();
    boolean swap = o >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    byte[] src = image.bytes();
    byte[] out = new byte[src.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int nx;
        int ny;
        switch (o) {
          case 2 -> { nx = w - 1 - x; ny = y; }
          case 3 -> { nx = w - 1 - x; ny = h - 1 - y; }
          case 4 -> { nx = x; ny = h - 1 - y; }
          case 5 -> { nx = y; ny = x; }
          case 6 -> { nx = h - 1 - y; ny = x; }
          case 7 -> { nx = h - 1 - y; ny = w - 1 - x; }
          default -> { nx = y; ny = w - 1 - x; }
        }
        System.arraycopy(src, (y * w + x) * 3, out, (ny * ow + nx) * 3, 3);
      }
    }
    return new RgbImage(ow, oh, out);
  }
}
