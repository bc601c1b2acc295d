package io.camkit.interop.torchscript;

import io.camkit.interop.ModelFormat;
import io.camkit.model.layers.LayeredModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A TorchScript file ({@code .pt}, {@code .pth}, {@code .torchscript}) with its {@link
 * TorchScriptCard}: a {@link TorchScriptModel} when the card names {@code features}/{@code head}
 * splits, else a {@link TorchScriptForwardModel}.
 */
public final class TorchScriptFormat implements ModelFormat {
  /** Registered through {@code META-INF/services}. */
  public TorchScriptFormat() {}

  @Override
  public String name() {
    return "torchscript";
  }

  @Override
  public boolean accepts(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(path)
        && (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".torchscript"));
  }

  @Override
  public LayeredModel open(Path path, Path cardFile) {
    TorchScriptCard card = cardFile != null ? TorchScriptCard.read(cardFile) : TorchScriptCard.besides(path);
    return card.splits().isEmpty() ? TorchScriptForwardModel.load(path, card) : TorchScriptModel.load(path, card);
  }

  @Override
  public String describe() {
    return "a TorchScript .pt/.pth/.torchscript file with its .json card";
  }
}
