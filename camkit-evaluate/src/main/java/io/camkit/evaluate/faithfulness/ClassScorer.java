package io.camkit.evaluate.faithfulness;

/**
 * The model as the faithfulness metrics see it: a batch of images in, one class probability per
 * image out. Keeping the model behind this interface keeps the metrics free of DJL; an adapter
 * over a predictor (normalisation, softmax) lives with the model.
 *
 * <p>The metrics call it with batches of at most their configured batch size (default 32), never
 * one image at a time, and hand it a fresh array on every call, so an implementation may keep or
 * overwrite {@code images}.
 */
@FunctionalInterface
public interface ClassScorer {

  /**
   * The softmax probability of {@code classes[i]} on image {@code i}, for each image of a batch.
   *
   * @param images exactly {@code n · channels · height · width} values, the planar {@code [N, C, H,
   *     W]} layout of {@link io.camkit.core.RgbImage#toChw}: image {@code i}, channel {@code c},
   *     pixel {@code (x, y)} is {@code images[((i · C + c) · H + y) · W + x]}, each in [0, 1]
   * @param n the number of images in the batch, ≥ 1
   * @param classes {@code n} class indices, one per image
   * @return {@code n} probabilities in [0, 1]; anything else (another length, NaN, a value outside
   *     [0, 1]) makes the calling metric throw {@link IllegalStateException}
   */
  float[] scores(float[] images, int n, int channels, int height, int width, int[] classes);
}
