package io.camkit.localize;

import io.camkit.core.Box;
import io.camkit.core.Mask;
import java.util.ArrayList;
import java.util.List;

/**
 * Connected-component labelling of a binary mask with 8-connectivity (two set pixels are connected
 * when they touch by a side or a corner), by a single-pass flood fill with an explicit stack.
 * {@link #of4} labels with 4-connectivity (sides only), the dual connectivity that the holes of
 * 8-connected foreground need.
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
    return of(w, h, bits, true);
  }

  /** Labels the set pixels with 4-connectivity (pixels touching by a side): 1, 2, … in raster order. */
  static ConnectedComponents of4(int w, int h, boolean[] bits) {
    return of(w, h, bits, false);
  }

  private static ConnectedComponents of(int w, int h, boolean[] bits, boolean eight) {
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
            if (x < 0 || x >= w || (!eight && dx != 0 && dy != 0)) {
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

  /**
   * The bounding box of every component, in label order (raster order of each component's first
   * pixel): {@code boxes().get(l - 1)} is the box of label {@code l}. Half-open, as {@link Box}.
   */
  public List<Box> boxes() {
    int k = count();
    int[] x0 = new int[k + 1];
    int[] y0 = new int[k + 1];
    int[] x1 = new int[k + 1];
    int[] y1 = new int[k + 1];
    java.util.Arrays.fill(x0, Integer.MAX_VALUE);
    java.util.Arrays.fill(y0, Integer.MAX_VALUE);
    java.util.Arrays.fill(x1, -1);
    java.util.Arrays.fill(y1, -1);
    for (int i = 0; i < labels.length; i++) {
      int l = labels[i];
      if (l != 0) {
        int x = i % width;
        int y = i / width;
        x0[l] = Math.min(x0[l], x);
        y0[l] = Math.min(y0[l], y);
        x1[l] = Math.max(x1[l], x);
        y1[l] = Math.max(y1[l], y);
      }
    }
    List<Box> out = new ArrayList<>(k);
    for (int l = 1; l <= k; l++) {
      out.add(new Box(x0[l], y0[l], x1[l] + 1, y1[l] + 1));
    }
    return out;
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
