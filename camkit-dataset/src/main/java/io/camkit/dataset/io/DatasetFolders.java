package io.camkit.dataset.io;

import io.camkit.core.CamkitException;
import io.camkit.dataset.Split;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads an annotated folder in whichever layout it has. */
public final class DatasetFolders {
  private DatasetFolders() {}

  /** As {@link #read(Path, boolean)}, lenient: problems are in {@link CocoFormat.Loaded#problems()}. */
  public static CocoFormat.Loaded read(Path dir) {
    return read(dir, false);
  }

  /**
   * {@code annotations.json} → COCO ({@link CocoFormat}); {@code images.txt} with {@code
   * train_test_split.txt} → CUB-200-2011, its official test split, every class ({@link CubFormat},
   * {@link #read(Path, Split, CubFormat.Selection, boolean)} for another part or a subset of
   * classes); {@code dataset.txt} → image list with CSV
   * boxes ({@link ImageListFormat}); otherwise one subfolder per class, with optional VOC XML
   * beside the images ({@link ImageFolderFormat}). A bad image or annotation is one {@link
   * io.camkit.core.DataProblem} and the rest of the folder is used.
   *
   * @param strict whether the first problem ends the read with a {@link CamkitException}
   */
  public static CocoFormat.Loaded read(Path dir, boolean strict) {
    if (!Files.isDirectory(dir)) {
      throw new CamkitException("no such data folder: " + dir + " (expected COCO annotations.json, an image list"
          + " dataset.txt, a CUB-200-2011 folder (images.txt, train_test_split.txt), or one subfolder per class)");
    }
    if (Files.isRegularFile(dir.resolve(CocoFormat.ANNOTATIONS))) {
      return CocoFormat.read(dir, strict);
    }
    if (CubFormat.isCub(dir)) {
      return CubFormat.read(dir, Split.TEST, CubFormat.Selection.defaults(), strict);
    }
    if (Files.isRegularFile(dir.resolve("dataset.txt"))) {
      return ImageListFormat.read(dir, null, strict);
    }
    return ImageFolderFormat.read(dir, strict);
  }

  /**
   * As {@link #read(Path, boolean)}, but a CUB-200-2011 folder gives {@code cubPart} (TRAIN, VAL
   * carved from the training split, or TEST) of the classes of {@code cub}; other layouts ignore
   * both.
   */
  public static CocoFormat.Loaded read(Path dir, Split cubPart, CubFormat.Selection cub, boolean strict) {
    if (Files.isDirectory(dir) && CubFormat.isCub(dir)) {
      return CubFormat.read(dir, cubPart, cub, strict);
    }
    return read(dir, strict);
  }
}
