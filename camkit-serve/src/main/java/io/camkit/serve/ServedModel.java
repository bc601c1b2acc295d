package io.camkit.serve;

import io.camkit.interop.Models;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Calibration;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model the server keeps open: its name in the API, the model, and its calibration (τ* per
 * method). The server does not close it; whoever opened it does. Requests to one model are
 * explained one at a time (its native state is not thread-safe): synchronise on {@link #lock()}.
 *
 * @param name the name the API and the page use (the folder's or file's name)
 * @param model the opened model, of any kind camkit opens
 * @param calibration τ* per method chosen on validation at training, if stored beside the model
 */
public record ServedModel(String name, LayeredModel model, Optional<Calibration> calibration) {

  /** Opens {@code path} as the CLI does ({@link Models#open(Path, Path)}: camkit, transfer, TorchScript, ONNX). */
  public static ServedModel open(Path path, Path card) {
    LayeredModel m = Models.open(path, card);
    try {
      Path abs = path.toAbsolutePath().normalize();
      String name = abs.getFileName().toString();
      if (name.equals("model") && abs.getParent() != null && abs.getParent().getFileName() != null) {
        name = abs.getParent().getFileName() + "/" + name; // runs/demo/model → demo/model
      }
      return new ServedModel(name, m, Calibration.of(path));
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** What explains of this model synchronise on. */
  public Object lock() {
    return model;
  }
}
