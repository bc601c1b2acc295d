package io.camkit.serve;

import io.camkit.core.CamkitException;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.dataset.io.DatasetFolders;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An annotated folder the server lets a person browse, read by {@link DatasetFolders#read} (COCO,
 * image list or class folders), and the only files of it the server hands out.
 *
 * @param name the name in the API (the folder's name)
 * @param root the folder, as a real path (symbolic links resolved)
 * @param data its samples, decoded
 * @param problems how many entries were skipped or used with a problem
 */
public record ServedDataset(String name, Path root, Dataset data, int problems) {

  /** Reads {@code dir} leniently (bad entries are left out and counted). */
  public static ServedDataset read(Path dir) {
    CocoFormat.Loaded loaded = DatasetFolders.read(dir);
    try {
      Path real = dir.toRealPath();
      return new ServedDataset(real.getFileName().toString(), real, loaded.dataset(), loaded.problems().size());
    } catch (IOException e) {
      throw new CamkitException("cannot resolve the data folder " + dir + ": " + e.getMessage(), e);
    }
  }
}
