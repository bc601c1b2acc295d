package io.camkit.evaluate.faithfulness;

import io.camkit.core.Options;

/**
 * Options of {@link DeletionInsertion}, validated on construction (the message names the option
 * and its allowed range). Round-trips through JSON (Jackson binds records by their components).
 *
 * @param steps the number of equal steps between the intact image and the fully replaced one, ≥ 1:
 *     each curve has {@code steps + 1} points. Default {@value #DEFAULT_STEPS}; RISE used one step
 *     per 224 pixels of a 224 × 224 image (224 steps). Must not exceed the image's pixel count.
 * @param deletionBaseline what deleted pixels become (default {@link Baseline#ZERO}, as in RISE)
 * @param insertionBaseline the image the insertion curve starts from (default {@link
 *     Baseline#BLUR}, as in RISE)
 * @param batchSize the most images per {@link ClassScorer} call, ≥ 1 (default {@value
 *     #DEFAULT_BATCH_SIZE})
 * @param blurKernelSize the taps of the Gaussian of {@link Baseline#BLUR}, odd and ≥ 1 (default
 *     {@value #DEFAULT_BLUR_KERNEL_SIZE}, RISE's {@code klen})
 * @param blurSigma the σ of that Gaussian in pixels, finite and > 0 (default {@value
 *     #DEFAULT_BLUR_SIGMA}, RISE's {@code nsig})
 */
public record DeletionInsertionOptions(
    int steps,
    Baseline deletionBaseline,
    Baseline insertionBaseline,
    int batchSize,
    int blurKernelSize,
    double blurSigma) {

  public static final int DEFAULT_STEPS = 50;
  public static final int DEFAULT_BATCH_SIZE = 32;
  public static final int DEFAULT_BLUR_KERNEL_SIZE = 11;
  public static final double DEFAULT_BLUR_SIGMA = 5.0;

  public DeletionInsertionOptions {
    Options.check(steps >= 1, "steps", steps, "≥ 1");
    Options.check(deletionBaseline != null, "deletion-baseline", null, "ZERO, MEAN, BLUR");
    Options.check(insertionBaseline != null, "insertion-baseline", null, "ZERO, MEAN, BLUR");
    Options.check(batchSize >= 1, "batch-size", batchSize, "≥ 1");
    Options.check(
        blurKernelSize >= 1 && blurKernelSize % 2 == 1, "blur-kernel-size", blurKernelSize,
        "odd and ≥ 1");
    Options.check(
        Double.isFinite(blurSigma) && blurSigma > 0, "blur-sigma", blurSigma, "finite and > 0");
  }

  /** 50 steps, ZERO deletion, BLUR insertion, batches of 32, an 11-tap Gaussian of σ = 5. */
  public static DeletionInsertionOptions defaults() {
    return new DeletionInsertionOptions(
        DEFAULT_STEPS, Baseline.ZERO, Baseline.BLUR, DEFAULT_BATCH_SIZE, DEFAULT_BLUR_KERNEL_SIZE,
        DEFAULT_BLUR_SIGMA);
  }

  public DeletionInsertionOptions withSteps(int newSteps) {
    return new DeletionInsertionOptions(
        newSteps, deletionBaseline, insertionBaseline, batchSize, blurKernelSize, blurSigma);
  }

  public DeletionInsertionOptions withBaselines(Baseline deletion, Baseline insertion) {
    return new DeletionInsertionOptions(
        steps, deletion, insertion, batchSize, blurKernelSize, blurSigma);
  }

  public DeletionInsertionOptions withBatchSize(int newBatchSize) {
    return new DeletionInsertionOptions(
        steps, deletionBaseline, insertionBaseline, newBatchSize, blurKernelSize, blurSigma);
  }

  public DeletionInsertionOptions withBlur(int kernelSize, double sigma) {
    return new DeletionInsertionOptions(
        steps, deletionBaseline, insertionBaseline, batchSize, kernelSize, sigma);
  }
}
