package io.camkit.interop.onnx;

import io.camkit.interop.ModelFormat;
import io.camkit.interop.SimpleModelFormat;

/** An ONNX file ({@code .onnx}) with its {@link OnnxCard}, opened as an {@link OnnxModel}. */
public final class OnnxFormat extends SimpleModelFormat {
  /** The format, for {@code META-INF/services}. */
  public OnnxFormat() {
    super("onnx", "an ONNX .onnx file with its .json card", 0, p -> ModelFormat.isFileEndingWith(p, ".onnx"),
        (p, card) -> OnnxModel.load(p, card != null ? OnnxCard.read(card) : OnnxCard.besides(p)));
  }
}
