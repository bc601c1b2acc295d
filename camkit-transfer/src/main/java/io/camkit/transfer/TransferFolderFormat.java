package io.camkit.transfer;

import io.camkit.interop.ModelFormat;
import io.camkit.interop.SimpleModelFormat;

/**
 * A transfer model folder ({@code transfer.json}, {@code head.params}): a backbone and a new head,
 * opened as a {@link TransferModel} (a card path given to {@code open} is ignored: the backbone's
 * card is named in {@code transfer.json}). Asked before the camkit folder format (priority 10), so
 * that a folder holding both cards opens as a transfer model, as before.
 */
public final class TransferFolderFormat extends SimpleModelFormat {
  /** The format, for {@code META-INF/services}. */
  public TransferFolderFormat() {
    super("transfer", "a transfer folder with " + TransferCard.FILE, 10,
        p -> ModelFormat.isFolderWith(p, TransferCard.FILE), (p, card) -> TransferModel.load(p));
  }
}
