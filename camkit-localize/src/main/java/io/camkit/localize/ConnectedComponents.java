package io.camkit.localize;

import io.camkit.core.Mask;

/**
 * Connected-component labelling of a binary mask with 8-connectivity (two set pixels are connected
 * when they touch by a side or a corner), by a single-pass flood fill with an explicit stack.
 */
public final class ConnectedComponents {
  private final int width;
  private final int height;
  private final int[] labels;
  private final int[] sizes;

  private ConnectedComponents(int width, int height, int[] labels, int[] sizes) {
    this.width = width;
    this.height = height;
    this.labels = labels;
    this.sizes = sizes;
  }

  /** Labels the set pixels of {@code mask}: 1, 2, … in raster order of first pixel; 0 = unset. */
  public static ConnectedComponents of(Mask mask) {
    return of(mask.width(), mask.height(), mask.bits());
  }

  static ConnectedComponents of(int w, int h, boolean[] bits) {
    int[] labels = new int[w * h];
    int[] stack = new int[w * h];
    int[] sizes = new int[16];
    int next = 0;
    for (int start = 0; start < bits.length; start++) {
      if (!bits[start] || labels[start] != 0) {
        continue;
      }
      next++;
      if (next >= sizes.length) {
        sizes = java.util.Arrays.copyOf(sizes, sizes.length * 2);
      }
      int top = 0;
      stack[top++] = start;
      labels[start] = next;
      int size = 0;
      while (top > 0) {
        int p = stack[--top];
        size++;
        int px = p % w;
        int py = p / w;
        for (int dy = -1; dy <= 1; dy++) {
          int y = py + dy;
          if (y < 0 || y >= h) {
            continue;
          }
          for (int dx = -1; dx <= 1; dx++) {
            int x = px + dx;
            if (x < 0 || x >= w) {
              continue;
            }
            int q = y * w + x;
            if (bits[q] && labels[q] == 0) {
              labels[q] = next;
              stack[top++] = q;
            }
          }
        }
      }
      sizes[next] = size;
    }
    return new ConnectedComponents(w, h, labels, java.util.Arrays.copyOf(sizes, next + 1));
  }

  /** Number of components. */
  public int count() {
    return sizes.length - 1;
  }

  /** The label of pixel {@code (x, y)}, 0 when unset. */
  public int label(int x, int y) {
    return labels[y * width + x];
  }

  /** Pixels in component {@code label} (1-based). */
  public int size(int label) {
    return sizes[label];
  }

  /** The label of the largest component (the first in raster order on a tie), or 0 if none. */
  public int largest() {
    int best = 0;
    for (int l = 1; l < sizes.length; l++) {
      if (sizes[l] > sizes[best]) {
        best = l;
      }
    }
    return best;
  }

  /** The mask of one component. */
  public Mask component(int label) {
    boolean[] bits = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      bits[i] = labels[i] == label && label != 0;
    }
    return new Mask(width, height, bits);
  }
}
