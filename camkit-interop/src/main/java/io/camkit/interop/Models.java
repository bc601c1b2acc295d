package io.camkit.interop;

import io.camkit.core.CamkitException;
import io.camkit.model.ModelCard;
import io.camkit.model.layers.LayeredModel;
import io.camkit.model.layers.TokenGrid;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens any model camkit can explain, by what the path is: the first registered {@link
 * ModelFormat} that accepts it ({@link ModelFormats}).
 */
public final class Models {
  private Models() {}

  /**
   * A camkit model folder (with {@code model.json}), a TorchScript file ({@code .pt}/{@code
   * .pth}/{@code .torchscript}) or an ONNX file ({@code .onnx}), each with its card beside it, or
   * any format another module registers (the transfer folder, with {@code transfer.json}, of
   * {@code camkit-transfer}). Close the result to free the weights.
   */
  public static LayeredModel open(Path path) {
    return open(path, null);
  }

  /** As {@link #open(Path)}, with the model card at {@code card} (null: beside the model). */
  public static LayeredModel open(Path path, Path cardFile) {
    return ModelFormats.find(path).orElseThrow(() -> unknown(path)).open(path, cardFile);
  }

  /**
   * As {@link #open(Path, Path)}, with the token grid of a vision transformer's token layers set
   * over its card ({@link TokenGrid#AUTO}: the card's, else inferred).
   */
  public static LayeredModel open(Path path, Path cardFile, TokenGrid tokens) {
    return ModelFormats.find(path).orElseThrow(() -> unknown(path)).open(path, cardFile, tokens);
  }

  private static CamkitException unknown(Path path) {
    String formats = " (registered formats: " + ModelFormats.describeAll() + ")";
    if (Files.isDirectory(path)) {
      return new CamkitException("not a camkit model folder (no " + ModelCard.FILE + "): " + path + formats);
    }
    if (!Files.isRegularFile(path)) {
      return new CamkitException("no such model: " + path + formats);
    }
    return new CamkitException("unknown model format: " + path + formats);
  }

  /**
   * Whether the model at {@code path} was trained multi-label (binary cross-entropy, one sigmoid
   * per class), as its camkit model card says; false for every other kind of model.
   */
  public static boolean trainedMultiLabel(Path path) {
    if (!Files.isRegularFile(path.resolve(ModelCard.FILE))) {
      return false;
    }
    var training = ModelCard.read(path).training();
    return training != null && training.multiLabel();
  }
}
