package io.camkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExifOrientationTest {
  /** 3×2 image whose red channel numbers the pixels: (x, y) → 10·y + x + 1. */
  static RgbImage numbered() {
    byte[] b = new byte[3 * 2 * 3];
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        b[(y * 3 + x) * 3] = (byte) (10 * y + x + 1);
      }
    }
    return new RgbImage(3, 2, b);
  }

  static int[][] red(RgbImage img) {
    int[][] r = new int[img.height()][img.width()];
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        r[y][x] = img.get(x, y, 0);
      }
    }
    return r;
  }

  @Test
  void everyOrientationByHand() {
    RgbImage s = numbered(); // rows: [1 2 3] [11 12 13]
    assertThat(red(ExifOrientation.apply(s, 1))).isEqualTo(new int[][] {{1, 2, 3}, {11, 12, 13}});
    assertThat(red(ExifOrientation.apply(s, 2))).isEqualTo(new int[][] {{3, 2, 1}, {13, 12, 11}});
    assertThat(red(ExifOrientation.apply(s, 3))).isEqualTo(new int[][] {{13, 12, 11}, {3, 2, 1}});
    assertThat(red(ExifOrientation.apply(s, 4))).isEqualTo(new int[][] {{11, 12, 13}, {1, 2, 3}});
    assertThat(red(ExifOrientation.apply(s, 5))).isEqualTo(new int[][] {{1, 11}, {2, 12}, {3, 13}});
    // 6: stored rotated 90° counter-clockwise, shown by turning it 90° clockwise
    assertThat(red(ExifOrientation.apply(s, 6))).isEqualTo(new int[][] {{11, 1}, {12, 2}, {13, 3}});
    assertThat(red(ExifOrientation.apply(s, 7))).isEqualTo(new int[][] {{13, 3}, {12, 2}, {11, 1}});
    assertThat(red(ExifOrientation.apply(s, 8))).isEqualTo(new int[][] {{3, 13}, {2, 12}, {1, 11}});
  }

  /** A JPEG with an APP1 Exif segment holding orientation {@code o}, big- or little-endian. */
  static byte[] jpegWithOrientation(int w, int h, int o, boolean little) throws Exception {
    ByteArrayOutputStream jpg = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "jpg", jpg);
    byte[] plain = jpg.toByteArray();
    byte[] tiff = little
        ? new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) o, 0, 0, 0, 0, 0, 0, 0}
        : new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) o, 0, 0, 0, 0, 0, 0};
    int len = 2 + 6 + tiff.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(plain, 0, 2); // SOI
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len, 'E', 'x', 'i', 'f', 0, 0});
    out.writeBytes(tiff);
    out.write(plain, 2, plain.length - 2);
    return out.toByteArray();
  }

  @Test
  void readingAJpegHonoursItsOrientation(@TempDir Path dir) throws Exception {
    for (boolean little : new boolean[] {true, false}) {
      byte[] j = jpegWithOrientation(40, 20, 6, little);
      assertThat(ExifOrientation.of(j)).isEqualTo(6);
      Path f = dir.resolve("photo" + little + ".jpg");
      Files.write(f, j);
      RgbImage img = ImageFiles.read(f);
      assertThat(img.width()).isEqualTo(20);
      assertThat(img.height()).isEqualTo(40);
    }
    assertThat(ExifOrientation.of(jpegWithOrientation(8, 8, 9, true))).isEqualTo(1); // invalid value
    assertThat(ExifOrientation.of(new byte[] {1, 2, 3})).isEqualTo(1);
  }
}
