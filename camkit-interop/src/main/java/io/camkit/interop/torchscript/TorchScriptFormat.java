package io.camkit.interop.torchscript;

import io.camkit.interop.ModelFormat;
import io.camkit.interop.SimpleModelFormat;
import io.camkit.model.layers.LayeredModel;
import io.camkit.model.layers.TokenGrid;
import java.nio.file.Path;

/**
 * A TorchScript file ({@code .pt}, {@code .pth}, {@code .torchscript}) with its {@link
 * TorchScriptCard}: a {@link TorchScriptModel} when the card names {@code features}/{@code head}
 * splits, else a {@link TorchScriptForwardModel}.
 */
public final class TorchScriptFormat extends SimpleModelFormat {
  /** The format, for {@code META-INF/services}. */
  public TorchScriptFormat() {
    super("torchscript", "a TorchScript .pt/.pth/.torchscript file with its .json card", 0,
        p -> ModelFormat.isFileEndingWith(p, ".pt", ".pth", ".torchscript"), TorchScriptFormat::load);
  }

  private static LayeredModel load(Path path, Path cardFile) {
    return load(path, cardFile, TokenGrid.AUTO);
  }

  @Override
  public LayeredModel open(Path path, Path card, TokenGrid tokens) {
    return load(path, card, tokens);
  }

  private static LayeredModel load(Path path, Path cardFile, TokenGrid tokens) {
    TorchScriptCard card = (cardFile != null ? TorchScriptCard.read(cardFile) : TorchScriptCard.besides(path))
        .withTokens(tokens);
    return card.splits().isEmpty() ? TorchScriptForwardModel.load(path, card) : TorchScriptModel.load(path, card);
  }
}
