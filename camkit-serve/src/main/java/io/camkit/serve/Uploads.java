package io.camkit.serve;

import io.camkit.core.ImageFiles;
import io.camkit.core.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns uploaded bytes into an image with the library's decoder ({@link ImageFiles#decode}: by
 * content, never by name; the pixel count read from the header is checked before any pixel is
 * decoded), and every refusal into an {@link ApiError} that says why: an empty upload 400, a
 * file that is no image 415, an image over {@link ImageFiles#MAX_PIXELS} pixels 413, a damaged
 * image (cut short, corrupt) 422.
 */
public final class Uploads {
  private Uploads() {}

  /**
   * Decodes {@code bytes} (written to a private temporary file that is deleted again).
   *
   * @param name the client's file name, only for messages
   */
  public static RgbImage decode(byte[] bytes, String name) {
    if (bytes.length == 0) {
      throw new ApiError(400, "the upload " + name + " is empty");
    }
    Path tmp;
    try {
      tmp = Files.createTempFile("camkit-upload-", ".bin");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.write(tmp, bytes);
      ImageFiles.Decoded d = ImageFiles.decode(tmp);
      if (d.partial()) {
        throw new ApiError(422, name + ": " + d.partialReason());
      }
      return d.image();
    } catch (ImageFiles.UnreadableImageException e) {
      String reason = e.reason();
      int status = reason.contains("pixel limit") ? 413 : reason.startsWith("not a readable image") ? 415 : 422;
      throw new ApiError(status, name + ": " + reason);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a temporary file left behind is removed by the system
      }
    }
  }
}
