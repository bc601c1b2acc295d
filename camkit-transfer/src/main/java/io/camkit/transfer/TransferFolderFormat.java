package io.camkit.transfer;

import io.camkit.interop.ModelFormat;
import io.camkit.model.layers.LayeredModel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A transfer model folder ({@code transfer.json}, {@code head.params}): a backbone and a new head,
 * opened as a {@link TransferModel}. Asked before the camkit folder format ({@link #priority()}
 * 10), so that a folder holding both cards opens as a transfer model, as before.
 */
public final class TransferFolderFormat implements ModelFormat {
  /** Registered through {@code META-INF/services}. */
  public TransferFolderFormat() {}

  @Override
  public String name() {
    return "transfer";
  }

  @Override
  public boolean accepts(Path path) {
    return Files.isDirectory(path) && TransferCard.isTransferFolder(path);
  }

  /** Opens the folder; {@code card} is ignored (the backbone's card is named in {@code transfer.json}). */
  @Override
  public LayeredModel open(Path path, Path card) {
    return TransferModel.load(path);
  }

  @Override
  public String describe() {
    return "a transfer folder with " + TransferCard.FILE;
  }

  @Override
  public int priority() {
    return 10;
  }
}
