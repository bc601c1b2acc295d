package io.camkit.core;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An image file decoded a rectangle at a time ({@link ImageReadParam#setSourceRegion}), by
 * content, not by extension: the reader learns the size from the header without decoding the
 * pixels, and each {@link #read} decodes only what it returns (formats such as PNG still inflate
 * the rows before the rectangle, but do not keep them). Unlike {@link ImageFiles#read}, a JPEG's
 * EXIF orientation is not applied: regions are in the file's stored pixel grid. Close it to
 * release the file.
 */
public final class ImageRegions implements RegionSource, AutoCloseable {
  private final Path file;
  private final ImageInputStream in;
  private final ImageReader reader;
  private final int width;
  private final int height;

  private ImageRegions(Path file, ImageInputStream in, ImageReader reader, int width, int height) {
    this.file = file;
    this.in = in;
    this.reader = reader;
    this.width = width;
    this.height = height;
  }

  /** Opens {@code file}; a missing, empty or non-image file gives a {@link CamkitException}. */
  public static ImageRegions open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CamkitException("image not found: " + file);
    }
    ImageInputStream in = null;
    try {
      in = ImageIO.createImageInputStream(file.toFile());
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new CamkitException("not a readable image (unknown or corrupt format): " + file);
      }
      ImageReader reader = readers.next();
      reader.setInput(in, true, true);
      return new ImageRegions(file, in, reader, reader.getWidth(0), reader.getHeight(0));
    } catch (IOException | RuntimeException e) {
      close(in);
      if (e instanceof CamkitException c) {
        throw c;
      }
      throw new CamkitException("cannot decode image " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int height() {
    return height;
  }

  @Override
  public RgbImage read(int x, int y, int w, int h) {
    if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height) {
      throw new IllegalArgumentException("region " + x + "," + y + " " + w + "×" + h + " outside the "
          + width + "×" + height + " image");
    }
    ImageReadParam p = reader.getDefaultReadParam();
    p.setSourceRegion(new Rectangle(x, y, w, h));
    return decode(p);
  }

  /**
   * The whole image subsampled by the smallest integer factor that makes its longer side at most
   * {@code maxSide} (every factor-th pixel, no filtering): a preview for overlays.
   */
  public RgbImage preview(int maxSide) {
    int f = Math.max(1, (Math.max(width, height) + maxSide - 1) / maxSide);
    ImageReadParam p = reader.getDefaultReadParam();
    p.setSourceSubsampling(f, f, 0, 0);
    return decode(p);
  }

  private RgbImage decode(ImageReadParam p) {
    try {
      BufferedImage img = reader.read(0, p);
      return RgbImage.of(img);
    } catch (IOException | RuntimeException e) {
      throw new CamkitException("cannot decode image " + file + " (truncated or corrupt?): " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    reader.dispose();
    close(in);
  }

  private static void close(ImageInputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        // nothing was written; the stream is gone either way
      }
    }
  }
}
