package io.camkit.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.camkit.core.CamkitException;
import java.util.ArrayList;
import java.util.List;

/**
 * One optimisation step of a classifier block, shared by every trainer: forward in training mode,
 * softmax cross-entropy, backward, an Adam update of every trainable weight, gradients zeroed.
 * Create it after any weights were loaded (loading replaces the arrays, which then need gradients
 * again).
 */
final class TrainingStep {
  private final Block block;
  private final NDManager manager;
  private final ResumableAdam adam;
  private final float weightDecay;
  private final List<Pair<String, Parameter>> params = new ArrayList<>();

  TrainingStep(Block block, NDManager manager, ResumableAdam adam, float weightDecay) {
    this.block = block;
    this.manager = manager;
    this.adam = adam;
    this.weightDecay = weightDecay;
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        p.getValue().getArray().setRequiresGradient(true);
        params.add(p);
      }
    }
  }

  /**
   * @param data the batch {@code [N, …]}, already normalised
   * @return the batch's mean loss and its number of correct predictions
   */
  double[] run(float[] data, Shape shape, long[] labels, float lr) {
    adam.nextStep();
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = scope.create(data, shape);
      NDArray y = scope.create(labels);
      NDArray logits;
      NDArray loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        logits = block.forward(new ParameterStore(scope, false), new NDList(x), true).singletonOrThrow();
        loss = CamNetTrainer.crossEntropy(logits, y);
        gc.backward(loss);
      }
      float lossValue = loss.getFloat();
      if (!Float.isFinite(lossValue)) {
        throw new CamkitException(
            "training diverged (loss " + lossValue + ") at step " + adam.step() + "; try a smaller --lr");
      }
      for (Pair<String, Parameter> p : params) {
        NDArray w = p.getValue().getArray();
        try (NDArray g = w.getGradient()) {
          float decay = w.getShape().dimension() > 1 ? weightDecay : 0f;
          adam.update(p.getKey(), w, g, lr, decay);
          g.subi(g);
        }
      }
      return new double[] {lossValue, logits.argMax(1).eq(y).sum().getLong()};
    }
  }
}
