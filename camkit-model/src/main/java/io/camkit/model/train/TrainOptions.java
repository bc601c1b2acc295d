package io.camkit.model.train;

import io.camkit.core.Options;

/**
 * Options of a training run.
 *
 * @param epochs passes over the training split
 * @param batchSize images per step
 * @param learningRate peak Adam step size; it warms up linearly over {@code warmupSteps} and then
 *     follows a cosine decay to 0 at the last step
 * @param weightDecay decoupled weight decay (AdamW, Loshchilov &amp; Hutter 2019), per step, times
 *     the learning rate; applied to conv and linear weights only
 * @param warmupSteps steps of linear learning-rate warm-up
 * @param flip augment with random horizontal and vertical flips
 * @param maxShift augment with random translations of up to this many pixels (edge pixels
 *     repeated)
 * @param seed seeds weight initialisation, shuffling and augmentation
 * @param multiLabel train multi-label: binary cross-entropy on the multi-hot vector of the classes
 *     present, instead of softmax cross-entropy on the first class (false when absent from an
 *     older model card)
 */
public record TrainOptions(
    int epochs,
    int batchSize,
    float learningRate,
    float weightDecay,
    int warmupSteps,
    boolean flip,
    int maxShift,
    long seed,
    boolean multiLabel) {

  public static TrainOptions defaults() {
    return new TrainOptions(16, 32, 1e-3f, 1e-4f, 100, true, 8, 7L);
  }

  /**
   * The demo's schedule on the built-in benchmark: 8 epochs at a peak rate of 3·10⁻³, measured to
   * classify the default benchmark's test split as well as {@link #defaults()}' 16 epochs at 10⁻³
   * (96.9 %) in half the steps (docs/BENCHMARKS.md); the rest as {@link #defaults()}.
   */
  public static TrainOptions demoSchedule() {
    return defaults().withEpochs(8).withLearningRate(3e-3f);
  }

  public TrainOptions {
    Options.check(epochs >= 1 && epochs <= 10_000, "epochs", epochs, "1..10000");
    Options.check(batchSize >= 1 && batchSize <= 4096, "batch-size", batchSize, "1..4096");
    Options.check(learningRate > 0 && learningRate < 1, "lr", learningRate, "(0, 1)");
    Options.check(weightDecay >= 0 && weightDecay < 1, "weight-decay", weightDecay, "[0, 1)");
    Options.check(warmupSteps >= 0, "warmup", warmupSteps, ">= 0");
    Options.check(maxShift >= 0, "max-shift", maxShift, ">= 0");
  }

  /** Single-label options. */
  public TrainOptions(
      int epochs, int batchSize, float learningRate, float weightDecay, int warmupSteps, boolean flip, int maxShift,
      long seed) {
    this(epochs, batchSize, learningRate, weightDecay, warmupSteps, flip, maxShift, seed, false);
  }

  public TrainOptions withEpochs(int n) {
    return new TrainOptions(n, batchSize, learningRate, weightDecay, warmupSteps, flip, maxShift, seed, multiLabel);
  }

  public TrainOptions withLearningRate(float lr) {
    return new TrainOptions(epochs, batchSize, lr, weightDecay, warmupSteps, flip, maxShift, seed, multiLabel);
  }

  public TrainOptions withSeed(long s) {
    return new TrainOptions(epochs, batchSize, learningRate, weightDecay, warmupSteps, flip, maxShift, s, multiLabel);
  }

  public TrainOptions withMultiLabel(boolean m) {
    return new TrainOptions(epochs, batchSize, learningRate, weightDecay, warmupSteps, flip, maxShift, seed, m);
  }

  /**
   * The learning rate at {@code step} (0-based) of {@code totalSteps}: linear warm-up, then cosine
   * decay {@code lr · ½ (1 + cos(π t))} with {@code t} the fraction of the decay done.
   */
  public float learningRateAt(long step, long totalSteps) {
    if (step < warmupSteps) {
      return learningRate * (step + 1) / (warmupSteps + 1);
    }
    long decay = Math.max(1, totalSteps - warmupSteps);
    double t = Math.min(1.0, (double) (step - warmupSteps) / decay);
    return (float) (learningRate * 0.5 * (1 + StrictMath.cos(StrictMath.PI * t)));
  }
}
