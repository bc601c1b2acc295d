package io.camkit.interop;

import io.camkit.core.CamkitException;
import io.camkit.model.layers.LayeredModel;
import io.camkit.model.layers.TokenGrid;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One kind of model file or folder that {@link Models#open} can open: a service provider, found
 * through {@link java.util.ServiceLoader} (list the implementation in {@code
 * META-INF/services/io.camkit.interop.ModelFormat}), so a module adds a format without {@code
 * camkit-interop} knowing it.
 *
 * <p>camkit's formats: {@link CamkitFolderFormat} ({@code model.json}), TorchScript ({@code
 * .pt}/{@code .pth}/{@code .torchscript}), ONNX ({@code .onnx}) here, and the transfer folder
 * ({@code transfer.json}) in {@code camkit-transfer}. {@link ModelFormats} lists what is
 * registered. An implementation needs a public no-argument constructor.
 */
public interface ModelFormat {

  /** A short name, e.g. {@code "onnx"}, unique among the registered formats. */
  String name();

  /**
   * Whether {@code path} is a model of this format, decided from the path and cheap looks at the
   * file system (a file's extension, a card file in a folder); the model is not read.
   */
  boolean accepts(Path path);

  /**
   * Opens the model at {@code path} (one {@link #accepts} took). Close the result to free the
   * weights.
   *
   * @param path the model file or folder
   * @param card the model card, or null for the card beside the model (formats without a separate
   *     card ignore it)
   * @return the model, cut at its layers
   */
  LayeredModel open(Path path, Path card);

  /**
   * As {@link #open(Path, Path)}, with the token grid of transformer layers set over the card's
   * ({@link TokenGrid}: {@code --tokens HxW}, {@code --class-tokens C}). Formats without token
   * layers accept only {@link TokenGrid#AUTO}.
   */
  default LayeredModel open(Path path, Path card, TokenGrid tokens) {
    if (!tokens.isAuto()) {
      throw new CamkitException("a token grid (--tokens, --class-tokens) applies to TorchScript and ONNX"
          + " transformers, not to " + describe());
    }
    return open(path, card);
  }

  /**
   * What a path of this format looks like, for error messages, e.g. {@code "an ONNX .onnx file
   * with its .json card"}.
   */
  String describe();

  /**
   * The order in which formats are asked (highest first; ties by name): camkit's file and folder
   * formats are 0; a format that refines another (a folder that may also hold another format's
   * card) returns more.
   */
  default int priority() {
    return 0;
  }

  /** Whether {@code path} is a regular file whose name ends with one of {@code endings} (any case). */
  static boolean isFileEndingWith(Path path, String... endings) {
    Path file = path.getFileName();
    String name = file == null ? "" : file.toString().toLowerCase(java.util.Locale.ROOT);
    return Files.isRegularFile(path) && java.util.Arrays.stream(endings).anyMatch(name::endsWith);
  }

  /** Whether {@code path} is a folder holding the regular file {@code card} (e.g. {@code model.json}). */
  static boolean isFolderWith(Path path, String card) {
    return Files.isDirectory(path) && Files.isRegularFile(path.resolve(card));
  }
}
