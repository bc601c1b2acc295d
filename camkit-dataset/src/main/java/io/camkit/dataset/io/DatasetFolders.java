package io.camkit.dataset.io;

import io.camkit.core.CamkitException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads an annotated folder in whichever layout it has. */
public final class DatasetFolders {
  private DatasetFolders() {}

  /**
   * {@code annotations.json} → COCO ({@link CocoFormat}); {@code dataset.txt} → image list with CSV
   * boxes ({@link ImageListFormat}); otherwise one subfolder per class, with optional VOC XML
   * beside the images ({@link ImageFolderFormat}).
   */
  public static CocoFormat.Loaded read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CamkitException("no such data folder: " + dir + " (expected COCO annotations.json, an image list"
          + " dataset.txt, or one subfolder per class)");
    }
    if (Files.isRegularFile(dir.resolve(CocoFormat.ANNOTATIONS))) {
      return CocoFormat.read(dir);
    }
    if (Files.isRegularFile(dir.resolve("dataset.txt"))) {
      return ImageListFormat.read(dir, null);
    }
    return ImageFolderFormat.read(dir);
  }
}
