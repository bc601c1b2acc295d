package io.camkit.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.CamkitException;
import io.camkit.core.Interruption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
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
        throw new CamkitException(what + " training diverged (loss " + value + ") at step " + adam.step()
            + "; try a smaller --lr");
      }
      Gradients.requireFinite(trainable, value, adam.step(), what);
      for (Pair<String, Parameter> p : trainable) {
        NDArray w = p.getValue().getArray();
        try (NDArray g = w.getGradient()) {
          adam.update(p.getKey(), w, g, lr, 0f);
        }
        Gradients.clear(w);
      }
      return value;
    }
  }

  /** Builds one batch's loss from the indices of its items, in the scope it is given. */
  @FunctionalInterface
  interface BatchLoss {
    NDArray loss(int[] items, NDManager scope);
  }

  /**
   * Trains for {@code epochs} passes over {@code n} items: each epoch a shuffle seeded once from
   * {@code seed}, batches of at most {@code batchSize}, one {@link #run} each, a stop checked
   * between batches; one log line per epoch.
   *
   * @return the mean loss of each epoch
   */
  List<Double> fit(int n, int epochs, int batchSize, float lr, long seed, BatchLoss batch, Consumer<String> log) {
    Random order = new Random(seed);
    List<Double> losses = new ArrayList<>();
    for (int epoch = 0; epoch < epochs; epoch++) {
      List<Integer> idx = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        idx.add(i);
      }
      Collections.shuffle(idx, order); // each epoch shuffles 0 … n − 1 afresh
      double sum = 0;
      long t0 = System.nanoTime();
      for (int from = 0; from < n; from += batchSize) {
        Interruption.check("stopped while training the " + what);
        int[] items = idx.subList(from, Math.min(n, from + batchSize)).stream().mapToInt(Integer::intValue).toArray();
        sum += run(lr, scope -> batch.loss(items, scope)) * items.length;
      }
      losses.add(sum / n);
      log.accept(String.format(Locale.ROOT, "%s epoch %d/%d: loss %.4f, %.1f s", what, epoch + 1, epochs, sum / n,
          (System.nanoTime() - t0) / 1e9));
    }
    return losses;
  }

  /** {@code block} initialised for square {@code side}-pixel RGB inputs from PyTorch's generator seeded with {@code seed}. */
  static <B extends Block> B initialized(B block, NDManager manager, int side, long seed) {
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, side, side));
    return block;
  }
}
