package io.camkit.model.wsol;

import java.util.SplittableRandom;

/**
 * Hide-and-Seek (Singh &amp; Lee, "Hide-and-Seek: Forcing a Network to be Meticulous for
 * Weakly-supervised Object and Action Localization", ICCV 2017, Sec. 3.1): a training image of
 * side S is cut into a grid of {@code s×s} patches ({@code ⌈S/s⌉} per side, the last row and column
 * cut short), every patch is hidden independently with probability p, and a hidden patch's pixels
 * are set to the dataset mean, so that after normalisation they are 0 and the activations they
 * cause match those of the test images' statistics in expectation (the paper's Sec. 3.2). The
 * network must then find the object from any part it can still see, instead of only its most
 * discriminative one. Only during training; test images are whole.
 *
 * <p>camkit uses one patch size (the paper draws s from a set per epoch) and the value {@code
 * CamNetOptions.mean()} that normalisation subtracts as the dataset mean.
 */
public final class HideAndSeek {
  private final int patch;
  private final double p;

  /**
   * @param patch s, the patch side in pixels
   * @param p the probability that a patch is hidden
   */
  public HideAndSeek(int patch, double p) {
    this.patch = patch;
    this.p = p;
  }

  /** Patches per side of an image of side {@code size}: {@code ⌈size / s⌉}. */
  public int gridSide(int size) {
    return (size + patch - 1) / patch;
  }

  /**
   * Draws which patches to hide: {@code g·g} independent Bernoulli(p) draws from {@code rng},
   * row-major ({@code hidden[gy·g + gx]}), {@code g = gridSide(size)}.
   */
  public boolean[] draw(int size, SplittableRandom rng) {
    int g = gridSide(size);
    boolean[] hidden = new boolean[g * g];
    for (int i = 0; i < hidden.length; i++) {
      hidden[i] = rng.nextDouble() < p;
    }
    return hidden;
  }

  /**
   * Hides, in place, the patches marked in {@code hidden} of one CHW image of {@code channels}
   * planes of {@code size×size} floats starting at {@code offset}: pixel {@code (x, y)} of every
   * channel is set to {@code fill} iff {@code hidden[(y / s)·g + x / s]}.
   */
  public void hide(float[] data, int offset, int channels, int size, boolean[] hidden, float fill) {
    int g = gridSide(size);
    int plane = size * size;
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < size; y++) {
        int row = offset + c * plane + y * size;
        for (int x = 0; x < size; x++) {
          if (hidden[(y / patch) * g + x / patch]) {
            data[row + x] = fill;
          }
        }
      }
    }
  }

  /** {@link #draw} then {@link #hide} on an RGB image. */
  public void apply(float[] data, int offset, int size, float fill, SplittableRandom rng) {
    hide(data, offset, 3, size, draw(size, rng), fill);
  }
}
