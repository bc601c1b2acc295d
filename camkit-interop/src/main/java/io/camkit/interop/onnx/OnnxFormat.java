package io.camkit.interop.onnx;

import io.camkit.interop.ModelFormat;
import io.camkit.interop.SimpleModelFormat;
import io.camkit.model.layers.LayeredModel;
import io.camkit.model.layers.TokenGrid;
import java.nio.file.Path;

/** An ONNX file ({@code .onnx}) with its {@link OnnxCard}, opened as an {@link OnnxModel}. */
public final class OnnxFormat extends SimpleModelFormat {
  /** The format, for {@code META-INF/services}. */
  public OnnxFormat() {
    super("onnx", "an ONNX .onnx file with its .json card", 0, p -> ModelFormat.isFileEndingWith(p, ".onnx"),
        (p, card) -> OnnxModel.load(p, card(p, card)));
  }

  private static OnnxCard card(Path model, Path card) {
    return card != null ? OnnxCard.read(card) : OnnxCard.besides(model);
  }

  @Override
  public LayeredModel open(Path path, Path card, TokenGrid tokens) {
    return OnnxModel.load(path, card(path, card).withTokens(tokens));
  }
}
