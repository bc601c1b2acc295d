package io.camkit.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
  private final java.util.function.ToDoubleFunction<String> lrFactor;

  TrainingStep(Block block, NDManager manager, ResumableAdam adam, float weightDecay) {
    this(block, manager, adam, weightDecay, name -> 1.0);
  }

  /**
   * @param lrFactor the factor applied to the learning rate of each parameter, by its name in
   *     {@code block.getParameters()} (e.g. 0.1 for a pretrained backbone being fine-tuned)
   */
  TrainingStep(Block block, NDManager manager, ResumableAdam adam, float weightDecay,
      java.util.function.ToDoubleFunction<String> lrFactor) {
    this.lrFactor = lrFactor;
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
   * @param labels the class of each item (softmax cross-entropy), or null with {@code multiHot}
   * @param multiHot {@code [N · C]} 0/1 targets for multi-label training (binary cross-entropy), or
   *     null
   * @return the batch's mean loss and its number of correct predictions (multi-label: items whose
   *     every class is right at score 0)
   */
  double[] run(float[] data, Shape shape, long[] labels, float[] multiHot, float lr) {
    adam.nextStep();
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = scope.create(data, shape);
      NDArray logits;
      NDArray loss;
      NDArray y;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        logits = block.forward(new ParameterStore(scope, false), new NDList(x), true).singletonOrThrow();
        y = multiHot == null ? scope.create(labels) : scope.create(multiHot, logits.getShape());
        loss = multiHot == null ? CamNetTrainer.crossEntropy(logits, y) : binaryCrossEntropy(logits, y);
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
          adam.update(p.getKey(), w, g, (float) (lr * lrFactor.applyAsDouble(p.getKey())), decay);
          g.subi(g);
        }
      }
      long correct = multiHot == null
          ? logits.argMax(1).eq(y).sum().getLong()
          : logits.gt(0).eq(y.gt(0.5)).toType(DataType.INT32, false).sum(new int[] {1})
              .eq(logits.getShape().get(1)).sum().getLong();
      return new double[] {lossValue, correct};
    }
  }

  /**
   * Mean binary cross-entropy of logits {@code z} against 0/1 targets {@code y}, in the stable form
   * {@code max(z, 0) − z·y + log(1 + exp(−|z|))}.
   */
  static NDArray binaryCrossEntropy(NDArray z, NDArray y) {
    return z.maximum(0).sub(z.mul(y)).add(z.abs().neg().exp().add(1).log()).mean();
  }
}
