package io.camkit.interop.torchscript;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.pytorch.jni.JniUtils;
import io.camkit.core.CamkitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/** What both TorchScript model kinds share: loading a file and running without autograd. */
final class TorchScriptFiles {
  private TorchScriptFiles() {}

  /**
   * Loads {@code file} with {@code trainParam=true} (DJL's inference-mode loading cannot record
   * autograd) and wraps it; the DJL model is closed if wrapping fails. Errors name the file.
   */
  static <T> T open(Path file, Function<Model, T> wrap) {
    if (!Files.isRegularFile(file)) {
      throw new CamkitException("no such model file: " + file);
    }
    Model m = Model.newInstance(file.getFileName().toString(), "PyTorch");
    try {
      m.load(file, null, Map.of("trainParam", "true"));
      return wrap.apply(m);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      m.close();
      if (e instanceof CamkitException c) {
        throw c;
      }
      throw new CamkitException("cannot load TorchScript model " + file + ": " + firstLine(e.getMessage()), e);
    }
  }

  static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  /** Runs {@code f} with PyTorch's grad mode off on this thread (restored after). */
  static <T> T withoutGrad(Supplier<T> f) {
    boolean prev = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return f.get();
    } finally {
      JniUtils.setGradMode(prev);
    }
  }
}
