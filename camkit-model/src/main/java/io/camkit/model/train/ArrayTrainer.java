package io.camkit.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import io.camkit.core.Options;
import io.camkit.core.Permutations;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains any classifier block on in-memory inputs (for experiments: each item a flat {@code
 * float[]} of {@code itemShape}, already normalised), with the same Adam, schedule and loss as
 * {@link CamNetTrainer} but no augmentation and no checkpoints (experiments are minutes long).
 */
public final class ArrayTrainer {
  private static final int EVAL_BATCH = 256;

  private ArrayTrainer() {}

  /**
   * Inputs of one shape and their targets: a class per input, or (multi-label) a 0/1 vector of C
   * per input in {@code multiHot} (then training uses binary cross-entropy and {@code labels} holds
   * each input's first class, for reference only).
   */
  public record Data(Shape itemShape, List<float[]> inputs, long[] labels, List<float[]> multiHot) {
    public Data {
      inputs = List.copyOf(inputs);
      Options.check(inputs.size() == labels.length, "labels", labels.length, inputs.size() + " (one per input)");
      if (multiHot != null) {
        multiHot = List.copyOf(multiHot);
        Options.check(multiHot.size() == labels.length, "targets", multiHot.size(), inputs.size() + " (one per input)");
      }
    }

    public Data(Shape itemShape, List<float[]> inputs, long[] labels) {
      this(itemShape, inputs, labels, null);
    }

    /** No data: for a run without a validation split. */
    public static Data empty(Shape itemShape) {
      return new Data(itemShape, List.of(), new long[0]);
    }

    public boolean multiLabel() {
      return multiHot != null;
    }

    public int size() {
      return labels.length;
    }
  }

  /**
   * Initialises {@code block} (He normal weights, drawn from {@code opts.seed()}) under {@code
   * manager} and trains it.
   */
  public static List<EpochStats> fit(
      Block block, NDManager manager, Data train, Data val, TrainOptions opts, TrainingListener listener) {
    return fitInitialized(block, manager, train, val, opts, listener, name -> 1.0);
  }

  /**
   * Trains {@code block} from its current weights (only parameters not yet initialised are drawn,
   * He normal from {@code opts.seed()}), with each parameter's learning rate scaled by {@code
   * lrFactor} of its name in {@code block.getParameters()}: for fine-tuning a pretrained part
   * more gently than a new head.
   */
  public static List<EpochStats> fitInitialized(Block block, NDManager manager, Data train, Data val,
      TrainOptions opts, TrainingListener listener, java.util.function.ToDoubleFunction<String> lrFactor) {
    return run(block, manager, train, val, opts, null, listener, lrFactor, null).history();
  }

  /**
   * Draws training item {@code index} afresh at every step, for augmentation that cannot be
   * cached (a random crop of a photo, say): the item must have {@code train.itemShape()}'s size.
   */
  @FunctionalInterface
  public interface ItemSampler {
    /**
     * @param index the item's index in the training data
     * @param rng the run's augmentation stream: seeded from {@code opts.seed()} and the epoch, drawn
     *     in step order, so a run is repeatable
     */
    float[] item(int index, SplittableRandom rng);
  }

  /**
   * As {@link #fitInitialized(Block, NDManager, Data, Data, TrainOptions, TrainingListener,
   * java.util.function.ToDoubleFunction)}, with every training item drawn by {@code sampler} at each
   * step ({@code train.inputs()} is not read: its arrays may be empty; its labels are).
   */
  public static List<EpochStats> fitInitialized(Block block, NDManager manager, Data train, Data val,
      TrainOptions opts, TrainingListener listener, java.util.function.ToDoubleFunction<String> lrFactor,
      ItemSampler sampler) {
    return run(block, manager, train, val, opts, null, listener, lrFactor,
        java.util.Objects.requireNonNull(sampler)).history();
  }

  /**
   * The result of a run with early stopping.
   *
   * @param history every epoch trained
   * @param bestEpoch the epoch (1-based) whose weights the block holds at the end: the lowest
   *     validation error
   * @param bestValError that epoch's validation error
   * @param reason why the run ended
   * @param seconds wall time of the run
   */
  public record Converged(
      List<EpochStats> history, int bestEpoch, double bestValError, EarlyStopping.Reason reason, double seconds) {}

  /**
   * Initialises and trains {@code block} like {@link #fit}, for at most {@code opts.epochs()}
   * epochs (the learning-rate schedule spans them all), measuring the error on {@code val} after
   * every epoch and stopping by {@code stop}; the block ends with the weights (batch-norm running
   * statistics included) of its best validation epoch.
   *
   * @throws IllegalArgumentException when {@code val} is empty or multi-label
   */
  public static Converged fitUntilConverged(Block block, NDManager manager, Data train, Data val,
      TrainOptions opts, EarlyStopping stop, TrainingListener listener) {
    if (val.size() == 0 || val.multiLabel()) {
      throw new IllegalArgumentException("early stopping needs a single-label validation split");
    }
    return run(block, manager, train, val, opts, java.util.Objects.requireNonNull(stop), listener, name -> 1.0, null);
  }

  private static Converged run(Block block, NDManager manager, Data train, Data val, TrainOptions opts,
      EarlyStopping stop, TrainingListener listener, java.util.function.ToDoubleFunction<String> lrFactor,
      ItemSampler sampler) {
    long started = System.nanoTime();
    EarlyStopping.Tracker tracker = stop == null ? null : new EarlyStopping.Tracker(stop, started);
    byte[] best = null;
    EarlyStopping.Reason reason = EarlyStopping.Reason.MAX_EPOCHS;
    Engine.getInstance().setRandomSeed((int) opts.seed());
    block.setInitializer(
        new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2),
        Parameter.Type.WEIGHT);
    block.initialize(manager, DataType.FLOAT32, batchShape(train.itemShape(), 1));
    ResumableAdam adam = new ResumableAdam(manager);
    TrainingStep step = new TrainingStep(block, manager, adam, opts.weightDecay(), lrFactor);
    int batch = Math.min(opts.batchSize(), train.size());
    int stepsPerEpoch = train.size() / batch;
    long total = (long) stepsPerEpoch * opts.epochs();
    int item = (int) train.itemShape().size();
    List<EpochStats> history = new ArrayList<>();
    listener.onStart(total, 0);
    for (int epoch = 0; epoch < opts.epochs(); epoch++) {
      long t0 = System.nanoTime();
      SplittableRandom rng = new SplittableRandom(opts.seed() * 1_000_003L + epoch);
      int[] order = Permutations.of(train.size(), rng);
      SplittableRandom augment = new SplittableRandom(opts.seed() * 7_919L + 31L * epoch + 1);
      double lossSum = 0;
      long correct = 0;
      for (int b = 0; b < stepsPerEpoch; b++) {
        io.camkit.core.Interruption.check("stopped while training on cached features (epoch " + (epoch + 1)
            + "); run the same command again: features already cached are reused");
        float[] data = new float[batch * item];
        long[] labels = new long[batch];
        float[] targets = train.multiLabel() ? new float[batch * train.multiHot().get(0).length] : null;
        for (int i = 0; i < batch; i++) {
          int j = order[b * batch + i];
          float[] x = sampler == null ? train.inputs().get(j) : sampler.item(j, augment);
          if (x.length != item) {
            throw new IllegalStateException("training item " + j + " has " + x.length + " values, not " + item);
          }
          System.arraycopy(x, 0, data, i * item, item);
          labels[i] = train.labels()[j];
          if (targets != null) {
            float[] t = train.multiHot().get(j);
            System.arraycopy(t, 0, targets, i * t.length, t.length);
          }
        }
        double[] lc = step.run(data, batchShape(train.itemShape(), batch), labels, targets,
            opts.learningRateAt(adam.step(), total));
        lossSum += lc[0] * batch;
        correct += (long) lc[1];
        listener.onStep(adam.step(), epoch + 1, lossSum / ((b + 1L) * batch), correct / (double) ((b + 1L) * batch));
      }
      long seen = (long) stepsPerEpoch * batch;
      double valAcc = val.size() == 0 || val.multiLabel() ? Double.NaN : accuracy(predict(block, manager, val), val.labels());
      double secs = (System.nanoTime() - t0) / 1e9;
      EpochStats s = new EpochStats(epoch + 1, lossSum / seen, correct / (double) seen, Double.NaN, valAcc, secs, seen / secs);
      history.add(s);
      listener.onEpoch(s);
      if (tracker != null) {
        if (tracker.record(epoch + 1, 1 - valAcc)) {
          best = snapshot(block);
        }
        EarlyStopping.Reason why = tracker.stopReason(epoch + 1, opts.epochs(), System.nanoTime());
        if (why != null) {
          reason = why;
          break;
        }
      }
    }
    listener.onFinish();
    if (tracker == null) {
      return new Converged(history, history.size(), Double.NaN, reason, (System.nanoTime() - started) / 1e9);
    }
    restore(block, manager, best);
    return new Converged(history, tracker.bestEpoch(), tracker.bestError(), reason, (System.nanoTime() - started) / 1e9);
  }

  /** Every parameter of {@code block}, running statistics included, in DJL's parameter format. */
  private static byte[] snapshot(Block block) {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.io.DataOutputStream(bytes)) {
      block.saveParameters(out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void restore(Block block, NDManager manager, byte[] snapshot) {
    try (var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(snapshot))) {
      block.loadParameters(manager, in);
    } catch (java.io.IOException | ai.djl.MalformedModelException e) {
      throw new IllegalStateException("could not restore the best epoch's weights", e);
    }
  }

  /** The top-1 class of every input, in inference mode. */
  public static int[] predict(Block block, NDManager manager, Data data) {
    float[][] scores = scores(block, manager, data);
    int[] out = new int[scores.length];
    for (int i = 0; i < scores.length; i++) {
      for (int c = 1; c < scores[i].length; c++) {
        if (scores[i][c] > scores[i][out[i]]) {
          out[i] = c;
        }
      }
    }
    return out;
  }

  /** The raw scores {@code [N][C]} of every input, in inference mode. */
  public static float[][] scores(Block block, NDManager manager, Data data) {
    float[][] out = new float[data.size()][];
    int item = (int) data.itemShape().size();
    for (int from = 0; from < data.size(); from += EVAL_BATCH) {
      int n = Math.min(EVAL_BATCH, data.size() - from);
      float[] x = new float[n * item];
      for (int i = 0; i < n; i++) {
        System.arraycopy(data.inputs().get(from + i), 0, x, i * item, item);
      }
      try (NDManager scope = manager.newSubManager()) {
        NDArray logits = block.forward(new ParameterStore(scope, false),
            new NDList(scope.create(x, batchShape(data.itemShape(), n))), false).singletonOrThrow();
        int c = (int) logits.getShape().get(1);
        float[] flat = logits.toFloatArray();
        for (int i = 0; i < n; i++) {
          out[from + i] = java.util.Arrays.copyOfRange(flat, i * c, (i + 1) * c);
        }
      }
    }
    return out;
  }

  static double accuracy(int[] predicted, long[] labels) {
    int ok = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == labels[i]) {
        ok++;
      }
    }
    return ok / (double) labels.length;
  }

  private static Shape batchShape(Shape item, int n) {
    long[] dims = new long[item.dimension() + 1];
    dims[0] = n;
    for (int i = 0; i < item.dimension(); i++) {
      dims[i + 1] = item.get(i);
    }
    return new Shape(dims);
  }
}
