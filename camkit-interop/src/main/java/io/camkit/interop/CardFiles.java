package io.camkit.interop;

import io.camkit.core.CamkitException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where an imported model's card lies: {@code model.ext.json}, else {@code model.json}, beside the model. */
public final class CardFiles {
  private CardFiles() {}

  /**
   * The card beside {@code model}.
   *
   * @param what what the card must hold, for the error message
   * @throws CamkitException naming both places looked at when there is none
   */
  public static Path besides(Path model, String what) {
    Path a = model.resolveSibling(model.getFileName() + ".json");
    String name = model.getFileName().toString();
    Path b = model.resolveSibling((name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name) + ".json");
    if (Files.isRegularFile(a)) {
      return a;
    }
    if (Files.isRegularFile(b)) {
      return b;
    }
    throw new CamkitException("no model card for " + model + ": expected " + a.getFileName() + " or "
        + b.getFileName() + " (" + what + ")");
  }
}
