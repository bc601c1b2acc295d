package io.camkit.interop;

import io.camkit.model.CamModel;
import io.camkit.model.ModelCard;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.model.layers.LayeredModel;
import java.nio.file.Files;
import java.nio.file.Path;

/** camkit's own model folder: {@code model.json} and the weights, opened as a {@link CamModelLayers}. */
public final class CamkitFolderFormat implements ModelFormat {
  /** Registered through {@code META-INF/services}. */
  public CamkitFolderFormat() {}

  @Override
  public String name() {
    return "camkit";
  }

  @Override
  public boolean accepts(Path path) {
    return Files.isDirectory(path) && Files.isRegularFile(path.resolve(ModelCard.FILE));
  }

  /** Opens the folder; {@code card} is ignored ({@code model.json} is the card). */
  @Override
  public LayeredModel open(Path path, Path card) {
    return CamModelLayers.owning(CamModel.load(path));
  }

  @Override
  public String describe() {
    return "a camkit model folder with " + ModelCard.FILE;
  }
}
