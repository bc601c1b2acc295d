package io.camkit.model.train;

import java.util.SplittableRandom;

/**
 * Training-time augmentation of one {@code [3, S, S]} image in place: a random translation by
 * {@code (dx, dy)} in {@code [-maxShift, maxShift]} with the edge pixels repeated, then random
 * horizontal and vertical flips. Labels are unchanged: every benchmark class is closed under these.
 */
final class Augmenter {
  private final boolean flip;
  private final int maxShift;

  Augmenter(boolean flip, int maxShift) {
    this.flip = flip;
    this.maxShift = maxShift;
  }

  void apply(float[] data, int offset, int size, SplittableRandom rng) {
    int dx = maxShift == 0 ? 0 : rng.nextInt(-maxShift, maxShift + 1);
    int dy = maxShift == 0 ? 0 : rng.nextInt(-maxShift, maxShift + 1);
    boolean h = flip && rng.nextBoolean();
    boolean v = flip && rng.nextBoolean();
    if (dx == 0 && dy == 0 && !h && !v) {
      return;
    }
    int plane = size * size;
    float[] src = new float[plane];
    for (int c = 0; c < 3; c++) {
      int base = offset + c * plane;
      System.arraycopy(data, base, src, 0, plane);
      for (int y = 0; y < size; y++) {
        int yy = clamp((v ? size - 1 - y : y) - dy, size);
        for (int x = 0; x < size; x++) {
          int xx = clamp((h ? size - 1 - x : x) - dx, size);
          data[base + y * size + x] = src[yy * size + xx];
        }
      }
    }
  }

  private static int clamp(int i, int size) {
    return i < 0 ? 0 : (i >= size ? size - 1 : i);
  }
}
