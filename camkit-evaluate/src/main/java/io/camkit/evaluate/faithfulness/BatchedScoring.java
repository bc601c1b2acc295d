package io.camkit.evaluate.faithfulness;

import io.camkit.core.Options;
import java.util.Arrays;

/** Feeds a sequence of same-shape images to a {@link ClassScorer} in batches and checks its answers. */
final class BatchedScoring {
  private BatchedScoring() {}

  /** Writes image {@code k} of the sequence into {@code dst[offset ...]}; called once per k, in order. */
  @FunctionalInterface
  interface Filler {
    void fill(int k, float[] dst, int offset);
  }

  /**
   * Scores {@code classes.length} images of shape {@code [C, H, W]}, image {@code k} against
   * {@code classes[k]}, in consecutive batches of at most {@code batchSize}.
   *
   * @return the probability of each image, in sequence order
   * @throws IllegalStateException when the scorer returns another number of scores than images, or
   *     a score that is NaN or outside [0, 1]
   */
  static float[] score(
      ClassScorer scorer, int channels, int height, int width, int[] classes, int batchSize,
      Filler filler) {
    Options.check(batchSize >= 1, "batch-size", batchSize, "≥ 1");
    int size = channels * height * width;
    float[] out = new float[classes.length];
    for (int start = 0; start < classes.length; start += batchSize) {
      int n = Math.min(batchSize, classes.length - start);
      float[] batch = new float[n * size];
      for (int i = 0; i < n; i++) {
        filler.fill(start + i, batch, i * size);
      }
      float[] p = scorer.scores(batch, n, channels, height, width, Arrays.copyOfRange(classes, start, start + n));
      if (p == null || p.length != n) {
        throw new IllegalStateException(
            "the class scorer returned " + (p == null ? "null" : p.length + " scores") + " for a batch of "
                + n + " images");
      }
      for (int i = 0; i < n; i++) {
        if (!(p[i] >= 0f && p[i] <= 1f)) {
          throw new IllegalStateException(
              "the class scorer returned " + p[i] + " for image " + i + " of a batch of " + n
                  + "; a probability in [0, 1] was expected");
        }
      }
      System.arraycopy(p, 0, out, start, n);
    }
    return out;
  }
}
