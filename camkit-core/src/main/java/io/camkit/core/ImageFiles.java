package io.camkit.core;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Reads and writes images, decoding by content (never by file extension). */
public final class ImageFiles {
  private ImageFiles() {}

  /**
   * Decodes an image file by its content and shows it upright (a JPEG's EXIF orientation is
   * applied, {@link ExifOrientation}). A missing, empty, truncated or non-image file gives a
   * {@link CamkitException} naming the file.
   */
  public static RgbImage read(Path file) {
    BufferedImage img;
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
      img = ImageIO.read(new java.io.ByteArrayInputStream(bytes));
    } catch (NoSuchFileException e) {
      throw new CamkitException("image not found: " + file);
    } catch (IOException | RuntimeException e) {
      throw new CamkitException("cannot decode image " + file + ": " + e.getMessage(), e);
    }
    if (img == null) {
      throw new CamkitException("not a readable image (unknown or corrupt format): " + file);
    }
    return ExifOrientation.apply(RgbImage.of(img), ExifOrientation.of(bytes));
  }

  /** Writes a PNG atomically. */
  public static void writePng(BufferedImage img, Path file) throws IOException {
    AtomicFiles.write(
        file,
        out -> {
          if (!ImageIO.write(img, "png", out)) {
            throw new IOException("no PNG writer available");
          }
        });
  }
}
