package io.camkit.core;

import io.camkit.core.testing.TestImages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {
  @TempDir Path tmp;

  private Path write(BufferedImage img, String format, String name) throws Exception {
    Path p = tmp.resolve(name);
    assertThat(ImageIO.write(img, format, p.toFile())).isTrue();
    return p;
  }

  @Test
  void greyImagesBecomeRgbWithEqualChannels() throws Exception {
    BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(1, 1, 0, 200);
    RgbImage rgb = ImageFiles.read(write(grey, "png", "g.png"));
    assertThat(rgb.width()).isEqualTo(3);
    assertThat(new int[] {rgb.get(1, 1, 0), rgb.get(1, 1, 1), rgb.get(1, 1, 2)}).containsExactly(200, 200, 200);
    assertThat(rgb.get(0, 0, 0)).isZero();
  }

  @Test
  void sixteenBitGreyIsScaledTo8Bits() throws Exception {
    BufferedImage g16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    g16.getRaster().setSample(0, 0, 0, 65535);
    RgbImage rgb = ImageFiles.read(write(g16, "png", "g16.png"));
    assertThat(rgb.get(0, 0, 1)).isEqualTo(255);
    assertThat(rgb.get(1, 0, 1)).isZero();
  }

  @Test
  void alphaIsDroppedKeepingTheColour() throws Exception {
    BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x80FF8000);
    RgbImage rgb = ImageFiles.read(write(argb, "png", "a.png"));
    assertThat(new int[] {rgb.get(0, 0, 0), rgb.get(0, 0, 1), rgb.get(0, 0, 2)}).containsExactly(255, 128, 0);
  }

  @Test
  void aPngNamedJpgIsDecodedByContent() throws Exception {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    img.setRGB(2, 3, 0x123456);
    RgbImage rgb = ImageFiles.read(write(img, "png", "liar.jpg"));
    assertThat(rgb.get(2, 3, 2)).isEqualTo(0x56);
  }

  @Test
  void emptyTruncatedMissingAndTextFilesAreNamedInTheError() throws Exception {
    Path empty = Files.write(tmp.resolve("empty.png"), new byte[0]);
    Path text = Files.writeString(tmp.resolve("notes.jpg"), "not an image");
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    byte[] jpg = Files.readAllBytes(write(img, "jpg", "whole.jpg"));
    Path cut = Files.write(tmp.resolve("cut.jpg"), java.util.Arrays.copyOf(jpg, 20));
    for (Path p : new Path[] {empty, text, cut, tmp.resolve("missing.png")}) {
      assertThatThrownBy(() -> ImageFiles.read(p))
          .isInstanceOf(CamkitException.class)
          .hasMessageContaining(p.getFileName().toString());
    }
  }

  @Test
  void aTruncatedJpegDecodesPartlyAndSaysSo() throws Exception {
    BufferedImage img = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
    java.util.Random rnd = new java.util.Random(5);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 96; x++) {
        img.setRGB(x, y, rnd.nextInt());
      }
    }
    byte[] jpg = Files.readAllBytes(write(img, "jpg", "whole.jpg"));
    assertThat(ImageFiles.decode(tmp.resolve("whole.jpg")).partial()).isFalse();
    Path half = Files.write(tmp.resolve("half.jpg"), java.util.Arrays.copyOf(jpg, jpg.length / 2));
    ImageFiles.Decoded d = ImageFiles.decode(half);
    assertThat(d.partial()).isTrue();
    assertThat(d.warnings()).contains("Truncated File - Missing EOI marker");
    assertThat(d.image().width()).isEqualTo(96);
    assertThat(d.partialReason()).startsWith("damaged image, decoded only in part (Truncated File");
  }

  @Test
  void aDecompressionBombHeaderIsRefusedBeforeDecoding() throws Exception {
    Path bomb = Files.write(tmp.resolve("bomb.png"), TestImages.pngHeader(100_000, 100_000));
    assertThatThrownBy(() -> ImageFiles.read(bomb))
        .isInstanceOf(ImageFiles.UnreadableImageException.class)
        .hasMessageContaining("100000x100000 pixels is over the 134217728-pixel limit")
        .hasMessageContaining("bomb.png");
    // just under the limit in pixels but without data: a decode error, still named
    Path small = Files.write(tmp.resolve("nodata.png"), TestImages.pngHeader(8, 8));
    assertThatThrownBy(() -> ImageFiles.read(small)).hasMessageContaining("nodata.png");
  }

  @Test
  void bytesDecodeAsTheFileWouldWithTheSameChecks() throws Exception {
    BufferedImage img = new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB);
    img.setRGB(3, 4, 0x123456);
    byte[] png = Files.readAllBytes(write(img, "png", "a.png"));
    RgbImage fromBytes = ImageFiles.decode(png, "s3a://bucket/a.png").image();
    RgbImage fromFile = ImageFiles.read(tmp.resolve("a.png"));
    assertThat(fromBytes.width()).isEqualTo(20);
    assertThat(fromBytes.bytes()).isEqualTo(fromFile.bytes());
    assertThat(fromBytes.get(3, 4, 2)).isEqualTo(0x56);
    // the pixel cap from the header, and empty or unknown bytes: the reasons of decode(Path), naming the source
    assertThatThrownBy(() -> ImageFiles.decode(TestImages.pngHeader(100_000, 100_000), "hdfs:/x/bomb.png"))
        .isInstanceOfSatisfying(ImageFiles.UnreadableImageException.class, e -> assertThat(e.reason())
            .startsWith("image of 100000x100000 pixels is over the 134217728-pixel limit"))
        .hasMessageEndingWith("bomb.png");
    assertThatThrownBy(() -> ImageFiles.decode(new byte[0], "zero.png"))
        .hasMessage("not a readable image (empty file): zero.png");
    assertThatThrownBy(() -> ImageFiles.decode("text".getBytes(java.nio.charset.StandardCharsets.UTF_8), "t.jpg"))
        .hasMessage("not a readable image (unknown or corrupt format): t.jpg");
  }

  @Test
  void aMissingFileIsToldApartFromABrokenOne() throws Exception {
    Path text = Files.writeString(tmp.resolve("notes.png"), "not an image");
    assertThatThrownBy(() -> ImageFiles.read(tmp.resolve("gone.png")))
        .isInstanceOfSatisfying(ImageFiles.UnreadableImageException.class, e -> {
          assertThat(e.missing()).isTrue();
          assertThat(e.reason()).isEqualTo("image not found");
        });
    assertThatThrownBy(() -> ImageFiles.read(text))
        .isInstanceOfSatisfying(ImageFiles.UnreadableImageException.class, e -> {
          assertThat(e.missing()).isFalse();
          assertThat(e.reason()).isEqualTo("not a readable image (unknown or corrupt format)");
        });
  }

  @Test
  void companionFilesAreKnownByExtensionInAnyCase() {
    for (String name : new String[] {"a.xml", "b.JSON", "list.txt", "boxes.csv", "README.md", ".DS_Store"}) {
      assertThat(ImageFiles.isCompanionFile(Path.of("d", name))).as(name).isTrue();
    }
    for (String name : new String[] {"a.jpg", "b.PNG", "c", "xml", "notes.txt.png", "scan.tiff"}) {
      assertThat(ImageFiles.isCompanionFile(Path.of("d", name))).as(name).isFalse();
    }
  }
}
