package io.camkit.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import io.camkit.core.CamkitException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One optimisation step on a loss the caller builds (the supervised box head's multi-task loss, a
 * segmenter's per-pixel loss): the loss recorded inside a gradient collector, backward, an Adam
 * update of every trainable weight of the block, gradients zeroed. {@link TrainingStep} is the
 * classifiers' own, with their losses built in.
 */
final class LossStep {
  private final NDManager manager;
  private final ResumableAdam adam;
  private final String what;
  private final List<Pair<String, Parameter>> trainable = new ArrayList<>();

  /**
   * @param what the model's name in the divergence message, e.g. "box head"
   */
  LossStep(Block block, NDManager manager, String what) {
    this.manager = manager;
    this.adam = new ResumableAdam(manager);
    this.what = what;
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        p.getValue().getArray().setRequiresGradient(true);
        trainable.add(p);
      }
    }
  }

  /**
   * @param loss builds the batch's scalar loss in the scope it is given (closed after the step)
   * @return the loss's value
   * @throws CamkitException when the loss is NaN or infinite
   */
  float run(float lr, Function<NDManager, NDArray> loss) {
    adam.nextStep();
    try (NDManager scope = manager.newSubManager()) {
      NDArray l;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        l = loss.apply(scope);
        gc.backward(l);
      }
      float value = l.getFloat();
      if (!Float.isFinite(value)) {
        throw new CamkitException(what + " training diverged (loss " + value + "); try a smaller --lr");
      }
      for (Pair<String, Parameter> p : trainable) {
        NDArray w = p.getValue().getArray();
        try (NDArray g = w.getGradient()) {
          adam.update(p.getKey(), w, g, lr, 0f);
          g.subi(g);
        }
      }
      return value;
    }
  }
}
