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
import ai.djl.util.PairList;
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
  private final List<Pair<String, Parameter>> trainable = new ArrayList<>();
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
        trainable.add(p);
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
    return run(data, shape, labels, multiHot, multiHot != null, lr, null);
  }

  /**
   * One step with soft targets and forward parameters. When the block returns several scores (the
   * branches of ACoL), the loss is the sum of each one's loss and the accuracy is the first's.
   *
   * @param targets {@code [N · C]} targets, or null for the one-hot {@code labels}: with {@code
   *     multiLabel} the 0/1 (or mixed) targets of binary cross-entropy, else the probabilities
   *     {@code t} of the soft-target cross-entropy {@code −Σ_c t_c log softmax(z)_c} (CutMix)
   * @param labels each item's class (the accuracy's reference; ignored with {@code multiLabel})
   * @param params forward parameters for the block (e.g. {@code CamNet.LABELS}), or null
   */
  double[] run(float[] data, Shape shape, long[] labels, float[] targets, boolean multiLabel, float lr,
      PairList<String, Object> params) {
    adam.nextStep();
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = scope.create(data, shape);
      NDList outputs;
      NDArray loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        outputs = block.forward(new ParameterStore(scope, false), new NDList(x), true, params);
        loss = null;
        for (NDArray logits : outputs) {
          NDArray l = loss(logits, scope, labels, targets, multiLabel);
          loss = loss == null ? l : loss.add(l);
        }
        gc.backward(loss);
      }
      float lossValue = loss.getFloat();
      if (!Float.isFinite(lossValue)) {
        throw new CamkitException(
            "training diverged (loss " + lossValue + ") at step " + adam.step() + "; try a smaller --lr");
      }
      Gradients.requireFinite(trainable, lossValue, adam.step(), "classifier");
      for (Pair<String, Parameter> p : trainable) {
        NDArray w = p.getValue().getArray();
        try (NDArray g = w.getGradient()) {
          float decay = w.getShape().dimension() > 1 ? weightDecay : 0f;
          adam.update(p.getKey(), w, g, (float) (lr * lrFactor.applyAsDouble(p.getKey())), decay);
        }
        Gradients.clear(w);
      }
      NDArray logits = outputs.get(0);
      long correct;
      if (multiLabel) {
        NDArray y = scope.create(targets, logits.getShape());
        correct = logits.gt(0).eq(y.gt(0.5)).toType(DataType.INT32, false).sum(new int[] {1})
            .eq(logits.getShape().get(1)).sum().getLong();
      } else {
        correct = logits.argMax(1).eq(scope.create(labels)).sum().getLong();
      }
      return new double[] {lossValue, correct};
    }
  }

  private static NDArray loss(NDArray logits, NDManager scope, long[] labels, float[] targets, boolean multiLabel) {
    if (multiLabel) {
      return binaryCrossEntropy(logits, scope.create(targets, logits.getShape()));
    }
    if (targets == null) {
      return CamNetTrainer.crossEntropy(logits, scope.create(labels));
    }
    return softCrossEntropy(logits, scope.create(targets, logits.getShape()));
  }

  /** {@code mean_n(−Σ_c t_nc log softmax(z_n)_c)} for logits {@code z = [N, C]} and targets {@code t = [N, C]}. */
  static NDArray softCrossEntropy(NDArray z, NDArray t) {
    return z.logSoftmax(1).mul(t).sum(new int[] {1}).mean().neg();
  }

  /**
   * Mean binary cross-entropy of logits {@code z} against 0/1 targets {@code y}, in the stable form
   * {@code max(z, 0) − z·y + log(1 + exp(−|z|))}.
   */
  static NDArray binaryCrossEntropy(NDArray z, NDArray y) {
    return z.maximum(0).sub(z.mul(y)).add(z.abs().neg().exp().add(1).log()).mean();
  }
}
