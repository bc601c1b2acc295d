package io.camkit.interop.onnx;

import io.camkit.interop.ModelFormat;
import io.camkit.model.layers.LayeredModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** An ONNX file ({@code .onnx}) with its {@link OnnxCard}, opened as an {@link OnnxModel}. */
public final class OnnxFormat implements ModelFormat {
  /** Registered through {@code META-INF/services}. */
  public OnnxFormat() {}

  @Override
  public String name() {
    return "onnx";
  }

  @Override
  public boolean accepts(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(path) && name.endsWith(".onnx");
  }

  @Override
  public LayeredModel open(Path path, Path cardFile) {
    OnnxCard card = cardFile != null ? OnnxCard.read(cardFile) : OnnxCard.besides(path);
    return OnnxModel.load(path, card);
  }

  @Override
  public String describe() {
    return "an ONNX .onnx file with its .json card";
  }
}
