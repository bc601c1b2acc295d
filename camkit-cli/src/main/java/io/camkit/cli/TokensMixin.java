package io.camkit.cli;

import io.camkit.model.layers.TokenGrid;
import picocli.CommandLine.Option;

/**
 * How a vision transformer's token layers {@code [N, T, D]} become maps {@code [N, D, h, w]}
 * ({@link TokenGrid}): the options of every command that opens a model; they override the card's
 * {@code tokens} and {@code classTokens}.
 */
final class TokensMixin {
  @Option(names = "--tokens", paramLabel = "HxW", description = "vision transformers: the patch grid of token layers"
      + " [N, T, D], e.g. 14x14 (default: the card's, else √T, or √(T − 1) with a class token)")
  String tokens;

  @Option(names = "--class-tokens", paramLabel = "C", description = "vision transformers: leading tokens that are not"
      + " patches (class, distillation), left out of the map and kept for the head (default: the card's, else 1 when"
      + " T − 1 is a square and T is not, else 0)")
  Integer classTokens;

  TokenGrid grid() {
    return TokenGrid.parse(tokens, classTokens);
  }
}
