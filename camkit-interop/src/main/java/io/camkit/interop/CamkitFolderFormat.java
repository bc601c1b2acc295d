package io.camkit.interop;

import io.camkit.model.CamModel;
import io.camkit.model.ModelCard;
import io.camkit.model.layers.CamModelLayers;

/**
 * camkit's own model folder: {@code model.json} and the weights, opened as a {@link
 * CamModelLayers} (a card path given to {@code open} is ignored: {@code model.json} is the card).
 */
public final class CamkitFolderFormat extends SimpleModelFormat {
  /** The format, for {@code META-INF/services}. */
  public CamkitFolderFormat() {
    super("camkit", "a camkit model folder with " + ModelCard.FILE, 0, p -> ModelFormat.isFolderWith(p, ModelCard.FILE),
        (p, card) -> CamModelLayers.owning(CamModel.load(p)));
  }
}
