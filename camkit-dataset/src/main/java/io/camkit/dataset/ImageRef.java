package io.camkit.dataset;

import io.camkit.core.CamkitException;
import io.camkit.core.ImageFiles;
import io.camkit.core.RgbImage;
import java.lang.ref.SoftReference;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The pixels of a {@link Sample}: held in memory ({@link #of(RgbImage)}: generated images,
 * uploads), or read from a file whose decoded pixels are only softly kept ({@link #file}): the
 * JVM drops them when it needs the memory, and the next {@link #get()} decodes the file again.
 * So a data set of any number of photos can be scored in a bounded heap; one that fits stays
 * decoded, as before.
 *
 * <p>Width and height are known without the pixels (the readers decode each file once, to check
 * it and its boxes).
 */
public abstract sealed class ImageRef permits ImageRef.InMemory, ImageRef.FromFile {
  private ImageRef() {}

  /** The pixels, decoded again from the file if they were dropped. */
  public abstract RgbImage get();

  public abstract int width();

  public abstract int height();

  /** An image held in memory for as long as its sample lives. */
  public static ImageRef of(RgbImage image) {
    return new InMemory(image);
  }

  /**
   * The image of {@code file}, already decoded once as {@code decoded}: kept softly, decoded again
   * when needed.
   */
  public static ImageRef file(Path file, RgbImage decoded) {
    return new FromFile(file, decoded);
  }

  static final class InMemory extends ImageRef {
    private final RgbImage image;

    InMemory(RgbImage image) {
      this.image = Objects.requireNonNull(image, "image");
    }

    @Override
    public RgbImage get() {
      return image;
    }

    @Override
    public int width() {
      return image.width();
    }

    @Override
    public int height() {
      return image.height();
    }
  }

  static final class FromFile extends ImageRef {
    private final Path file;
    private final int width;
    private final int height;
    private volatile SoftReference<RgbImage> cached;

    FromFile(Path file, RgbImage decoded) {
      this.file = Objects.requireNonNull(file, "file");
      this.width = decoded.width();
      this.height = decoded.height();
      this.cached = new SoftReference<>(decoded);
    }

    /**
     * @throws CamkitException when the file no longer decodes, or decodes to another size, since it
     *     was read (it changed on disk during the run)
     */
    @Override
    public RgbImage get() {
      RgbImage image = cached.get();
      if (image != null) {
        return image;
      }
      try {
        image = ImageFiles.decode(file).image();
      } catch (ImageFiles.UnreadableImageException e) {
        throw new CamkitException(file + " was readable when the data was read and is not now (" + e.reason()
            + "): was it changed or removed during the run?", e);
      }
      if (image.width() != width || image.height() != height) {
        throw new CamkitException(file + " was " + width + "x" + height + " when the data was read and is "
            + image.width() + "x" + image.height() + " now: was it changed during the run?");
      }
      cached = new SoftReference<>(image);
      return image;
    }

    @Override
    public int width() {
      return width;
    }

    @Override
    public int height() {
      return height;
    }

    /** For tests: drops the decoded pixels as the JVM would under memory pressure. */
    void forget() {
      cached.clear();
    }

    /** Whether the decoded pixels are held now. */
    boolean held() {
      return cached.get() != null;
    }

    @Override
    public String toString() {
      return file.toString();
    }
  }
}
