package io.camkit.localize;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import java.util.Arrays;
import java.util.Optional;

/**
 * The box of {@link ThresholdLocalizer} at many thresholds at once (the MaxBoxAcc sweep of Choe et
 * al. 2020), with the same result as one localizer per threshold but one pass over the map.
 *
 * <p>Pixels are added in decreasing order of value; a union-find with 8-connectivity keeps, per
 * component, its size, bounding box and first pixel in raster order. Lowering the threshold only
 * adds pixels and merges components, so the largest component (ties: the one whose first pixel
 * comes first in raster order, as {@link ConnectedComponents#largest()}) can be tracked as pixels
 * arrive, and its box read at each threshold: {@code O(P log P)} for P pixels instead of {@code
 * O(T · P)} for T thresholds.
 */
public final class ThresholdSweep {
  private ThresholdSweep() {}

  /**
   * @param normalised a map normalised to [0, 1] at image resolution
   * @param taus thresholds, in any order
   * @return the box at each threshold (pixels ≥ τ, largest 8-connected component), empty where no
   *     pixel passes
   */
  @SuppressWarnings("unchecked")
  public static Optional<Box>[] boxes(HeatMap normalised, double[] taus) {
    int w = normalised.width();
    int h = normalised.height();
    float[] v = normalised.values();
    int n = v.length;
    // Pixel order: decreasing value (NaN treated as below everything; it never passes a τ).
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      float x = Float.isNaN(v[i]) ? Float.NEGATIVE_INFINITY : v[i];
      keys[i] = ((long) ordered(x) << 32) | i;
    }
    Arrays.sort(keys); // ascending: walk from the end
    Integer[] byTau = new Integer[taus.length];
    for (int i = 0; i < taus.length; i++) {
      byTau[i] = i;
    }
    Arrays.sort(byTau, (a, b) -> Double.compare(taus[b], taus[a])); // highest τ first

    int[] parent = new int[n];
    Arrays.fill(parent, -1); // -1: pixel not added yet
    int[] size = new int[n];
    int[] first = new int[n];
    int[] x0 = new int[n];
    int[] y0 = new int[n];
    int[] x1 = new int[n];
    int[] y1 = new int[n];
    int best = -1;
    Optional<Box>[] out = new Optional[taus.length];
    int next = n - 1;
    for (int t : byTau) {
      double tau = taus[t];
      while (next >= 0) {
        int p = (int) keys[next];
        if (!((double) v[p] >= tau)) {
          break;
        }
        next--;
        parent[p] = p;
        size[p] = 1;
        first[p] = p;
        int px = p % w;
        int py = p / w;
        x0[p] = px;
        x1[p] = px;
        y0[p] = py;
        y1[p] = py;
        int root = p;
        for (int dy = -1; dy <= 1; dy++) {
          int y = py + dy;
          if (y < 0 || y >= h) {
            continue;
          }
          for (int dx = -1; dx <= 1; dx++) {
            int x = px + dx;
            if (x < 0 || x >= w || (dx == 0 && dy == 0)) {
              continue;
            }
            int q = y * w + x;
            if (parent[q] < 0) {
              continue;
            }
            int rq = find(parent, q);
            if (rq == root) {
              continue;
            }
            // union by size: the larger tree's root stays root
            int big = size[rq] >= size[root] ? rq : root;
            int small = big == rq ? root : rq;
            parent[small] = big;
            size[big] += size[small];
            first[big] = Math.min(first[big], first[small]);
            x0[big] = Math.min(x0[big], x0[small]);
            y0[big] = Math.min(y0[big], y0[small]);
            x1[big] = Math.max(x1[big], x1[small]);
            y1[big] = Math.max(y1[big], y1[small]);
            if (best == small) {
              best = big;
            }
            root = big;
          }
        }
        if (best < 0 || best == root || size[root] > size[best]
            || (size[root] == size[best] && first[root] < first[best])) {
          best = root;
        }
      }
      out[t] = best < 0 ? Optional.empty() : Optional.of(new Box(x0[best], y0[best], x1[best] + 1, y1[best] + 1));
    }
    return out;
  }

  private static int find(int[] parent, int p) {
    int r = p;
    while (parent[r] != r) {
      r = parent[r];
    }
    while (parent[p] != r) { // path compression
      int up = parent[p];
      parent[p] = r;
      p = up;
    }
    return r;
  }

  /** An int whose signed order is the float order (for finite values and ±∞). */
  private static int ordered(float x) {
    int bits = Float.floatToIntBits(x == 0f ? 0f : x); // -0 → +0
    return bits >= 0 ? bits : bits ^ 0x7fffffff;
  }
}
