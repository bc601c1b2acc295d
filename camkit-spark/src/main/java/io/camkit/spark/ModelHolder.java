package io.camkit.spark;

import io.camkit.interop.Models;
import io.camkit.model.layers.LayeredModel;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of this JVM, opened once per executor and kept for its life (DJL's Spark pattern: a
 * lazily initialised holder, so a model is loaded once per executor, not once per task or row).
 * Tasks running side by side in one executor share the model and take turns on its passes
 * ({@code synchronized (model)} in {@link ImageTask}): a model's native state is not for callers at
 * the same time; decoding, scoring and writing of the tasks still run in parallel, and the pass
 * itself uses PyTorch's intra-op threads ({@code -Dai.djl.pytorch.num_threads}).
 */
final class ModelHolder {
  private static final ConcurrentHashMap<String, LayeredModel> MODELS = new ConcurrentHashMap<>();

  private ModelHolder() {}

  /**
   * The model at {@code model} (with its card at {@code card}, or null for beside it), opened on the
   * first call in this JVM ({@link Models#open}: any kind camkit opens); later calls return the same
   * instance. A second caller for the same key waits while the first one loads.
   */
  static LayeredModel get(String model, String card) {
    return MODELS.computeIfAbsent(model + '\u0000' + card,
        k -> Models.open(Path.of(model), card == null ? null : Path.of(card)));
  }

  /** Closes and forgets every model (the benchmark, between sessions of one JVM). */
  static void clear() {
    MODELS.values().forEach(LayeredModel::close);
    MODELS.clear();
  }

  /** How many models this JVM holds (for tests: one per executor JVM, whatever the number of tasks). */
  static int loaded() {
    return MODELS.size();
  }
}
