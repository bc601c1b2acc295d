package io.camkit.core;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Reads and writes images, decoding by content (never by file extension). */
public final class ImageFiles {
  /**
   * The most pixels {@link #read} decodes (2²⁷ ≈ 134 M, e.g. 16384 × 8192): a decoded image takes
   * about 7 bytes a pixel on the heap, so a larger header (a decompression bomb, or a huge scan) is
   * refused before any pixel is decoded. Read such images a region at a time ({@link ImageRegions}).
   */
  public static final long MAX_PIXELS = 1L << 27;

  /** Extensions of files that live beside images but are not images (annotations, lists, notes). */
  private static final Set<String> COMPANIONS = Set.of("xml", "json", "txt", "csv", "md");

  private ImageFiles() {}

  /**
   * A decoded image and the decoder's warnings. A non-empty {@code warnings} list means the file is
   * damaged and only part of it decoded (a JPEG cut short decodes its first rows and fills the rest
   * grey): the image is whole in size but not in content.
   *
   * @param image the upright RGB image
   * @param warnings what the decoder reported while decoding (e.g. {@code Truncated File - Missing
   *     EOI marker}), empty for an intact file
   */
  public record Decoded(RgbImage image, List<String> warnings) {
    public Decoded {
      warnings = List.copyOf(warnings);
    }

    /** Whether the decoder warned, i.e. the image decoded only in part. */
    public boolean partial() {
      return !warnings.isEmpty();
    }

    /** The warnings as one reason line, {@code partly decoded (w1; w2)}. */
    public String partialReason() {
      return "damaged image, decoded only in part (" + String.join("; ", warnings) + ")";
    }
  }

  /** An image file that does not decode at all; {@link #reason()} says why, without the file. */
  public static final class UnreadableImageException extends CamkitException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final String reason;
    private final boolean missing;

    UnreadableImageException(Path file, String reason, boolean missing, Throwable cause) {
      super(reason + ": " + file, cause);
      this.file = file;
      this.reason = reason;
      this.missing = missing;
    }

    public Path file() {
      return file;
    }

    public String reason() {
      return reason;
    }

    /** Whether the file does not exist (rather than existing and not decoding). */
    public boolean missing() {
      return missing;
    }
  }

  /**
   * Decodes an image file by its content and shows it upright (a JPEG's EXIF orientation is
   * applied, {@link ExifOrientation}). A file that decodes only in part (truncated, damaged) is
   * returned as it decoded: use {@link #decode} to learn that. A missing, empty, non-image or
   * over-large file (more than {@link #MAX_PIXELS}) gives an {@link UnreadableImageException}
   * naming the file.
   */
  public static RgbImage read(Path file) {
    return decode(file).image();
  }

  /**
   * As {@link #read}, with the decoder's warnings: a damaged file that decodes partly (a JPEG
   * without its end marker or with corrupt data) comes back with {@link Decoded#partial()} set,
   * so that the caller can report it or leave it out.
   */
  public static Decoded decode(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UnreadableImageException(file, "image not found", true, e);
    } catch (IOException e) {
      throw new UnreadableImageException(file, "cannot read image file (" + e.getMessage() + ")", false, e);
    }
    return decode(bytes, file);
  }

  /**
   * As {@link #decode(Path)}, for bytes already read (a Spark task, a web upload): the same checks,
   * in the same order (empty, unknown format, the pixel cap read from the header before any pixel
   * is decoded, a decode that fails), and the same partial-decode warnings.
   *
   * @param name the file's name or URI, for the messages ({@link UnreadableImageException#file()})
   */
  public static Decoded decode(byte[] bytes, String name) {
    return decode(bytes, Path.of(name));
  }

  private static Decoded decode(byte[] bytes, Path file) {
    if (bytes.length == 0) {
      throw new UnreadableImageException(file, "not a readable image (empty file)", false, null);
    }
    List<String> warnings = new ArrayList<>();
    BufferedImage img;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new UnreadableImageException(file, "not a readable image (unknown or corrupt format)", false, null);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw new UnreadableImageException(file, String.format(Locale.ROOT,
              "image of %dx%d pixels is over the %d-pixel limit of a whole-image read (a decompression bomb,"
                  + " or an image to read in regions)", reader.getWidth(0), reader.getHeight(0), MAX_PIXELS),
              false, null);
        }
        img = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (UnreadableImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new UnreadableImageException(file, "cannot decode image (" + e.getMessage() + ")", false, e);
    }
    if (img == null) {
      throw new UnreadableImageException(file, "not a readable image (unknown or corrupt format)", false, null);
    }
    return new Decoded(ExifOrientation.apply(RgbImage.of(img), ExifOrientation.of(bytes)), warnings);
  }

  /**
   * Whether {@code file} is a known companion of images rather than an image: an annotation, list
   * or note ({@code .xml}, {@code .json}, {@code .txt}, {@code .csv}, {@code .md}, any case) or a
   * hidden file ({@code .DS_Store}). Folder walks pass over these silently and report only files
   * that look like images but do not decode.
   */
  public static boolean isCompanionFile(Path file) {
    String name = file.getFileName().toString();
    if (name.startsWith(".")) {
      return true;
    }
    int dot = name.lastIndexOf('.');
    return dot > 0 && COMPANIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /**
   * Writes a PNG atomically. The encoder buffers in memory, not in a temporary file: ImageIO's
   * file cache registers a shutdown hook per stream, which fails while a Ctrl-C'd run writes its
   * last outputs ({@link Interruption}).
   */
  public static void writePng(BufferedImage img, Path file) throws IOException {
    AtomicFiles.write(
        file,
        out -> {
          java.util.Iterator<javax.imageio.ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
          if (!writers.hasNext()) {
            throw new IOException("no PNG writer available");
          }
          javax.imageio.ImageWriter writer = writers.next();
          try (javax.imageio.stream.ImageOutputStream ios = new javax.imageio.stream.MemoryCacheImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(img);
          } finally {
            writer.dispose();
          }
        });
  }
}
