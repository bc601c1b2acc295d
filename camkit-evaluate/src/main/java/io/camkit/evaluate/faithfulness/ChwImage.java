package io.camkit.evaluate.faithfulness;

import io.camkit.core.RgbImage;

/**
 * An image as planar {@code [C, H, W]} floats in [0, 1]: channel {@code c}, pixel {@code (x, y)}
 * is {@code values[(c · H + y) · W + x]}, one item of the batches a {@link ClassScorer} receives.
 * Immutable.
 */
public final class ChwImage {
  private final int channels;
  private final int height;
  private final int width;
  private final float[] values;

  /**
   * @param values {@code channels · height · width} values, each in [0, 1] (copied)
   * @throws IllegalArgumentException on a non-positive size, a wrong length, or a value outside [0,
   *     1] (NaN included), naming the first offending value
   */
  public ChwImage(int channels, int height, int width, float[] values) {
    this(channels, height, width, values.clone(), true);
  }

  private ChwImage(int channels, int height, int width, float[] owned, boolean check) {
    if (channels <= 0 || height <= 0 || width <= 0
        || owned.length != (long) channels * height * width) {
      throw new IllegalArgumentException(
          "an image of " + channels + "x" + height + "x" + width + " (CxHxW) needs "
              + ((long) channels * height * width) + " values, got " + owned.length);
    }
    if (check) {
      for (int i = 0; i < owned.length; i++) {
        if (!(owned[i] >= 0f && owned[i] <= 1f)) {
          int plane = height * width;
          throw new IllegalArgumentException(
              "image value " + owned[i] + " at channel " + (i / plane) + ", x=" + (i % plane % width)
                  + ", y=" + (i % plane / width) + " is outside [0, 1]");
        }
      }
    }
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.values = owned;
  }

  /** Wraps an array this package built and no longer touches (values already in [0, 1]). */
  static ChwImage wrap(int channels, int height, int width, float[] owned) {
    return new ChwImage(channels, height, width, owned, false);
  }

  /** The RGB image as 3 planes of {@code byte / 255}, as {@link RgbImage#toChw} writes them. */
  public static ChwImage of(RgbImage image) {
    float[] v = new float[3 * image.width() * image.height()];
    image.toChw(v, 0);
    return new ChwImage(3, image.height(), image.width(), v, false);
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  /** Pixels per channel, {@code H · W}. */
  public int pixels() {
    return height * width;
  }

  /** Channel {@code c} of pixel {@code (x, y)} (the argument order of {@link RgbImage#get}). */
  public float get(int x, int y, int c) {
    return values[(c * height + y) * width + x];
  }

  /** A copy of the planar values. */
  public float[] values() {
    return values.clone();
  }

  /** The planar values themselves, for this package's loops; callers must not write to them. */
  float[] raw() {
    return values;
  }

  /** Whether {@code other} has the same {@code C, H, W}. */
  boolean sameShape(ChwImage other) {
    return channels == other.channels && height == other.height && width == other.width;
  }

  String shape() {
    return channels + "x" + height + "x" + width;
  }
}
