package io.camkit.localize;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The boxes of a thresholded map at many thresholds at once (the MaxBoxAcc and MaxBoxAccV2 sweeps
 * of Choe et al., "Evaluating Weakly Supervised Object Localization Methods Right", CVPR 2020),
 * with the same result as one labelling per threshold but one pass over the map.
 *
 * <p>Pixels are added in decreasing order of value; a union-find with 8-connectivity keeps, per
 * component, its size, bounding box and first pixel in raster order, and the set of current roots.
 * Lowering the threshold only adds pixels and merges components, so at each τ (pixels ≥ τ):
 *
 * <ul>
 *   <li>{@link Sweep#largest(int)}: the box of the largest component (ties: the one whose first
 *       pixel comes first in raster order, as {@link ConnectedComponents#largest()}), the box of
 *       {@link ThresholdLocalizer} and of camkit's MaxBoxAcc;
 *   <li>{@link Sweep#components(int)}: the box of every component, in raster order of first pixel
 *       (as {@link ConnectedComponents#boxes()}), the boxes of MaxBoxAccV2's "any component".
 * </ul>
 *
 * <p>Cost {@code O(P log P + Σ_τ K_τ log K_τ)} for P pixels and K_τ components at τ, instead of
 * {@code O(T · P)} for T thresholds. Boxes are half-open ({@link Box}); NaN pixels never pass.
 */
public final class ThresholdSweep {
  private ThresholdSweep() {}

  /** The boxes at each threshold of one sweep, indexed like the {@code taus} it was given. */
  public static final class Sweep {
    private final List<Optional<Box>> largest;
    private final List<List<Box>> components;

    private Sweep(List<Optional<Box>> largest, List<List<Box>> components) {
      this.largest = largest;
      this.components = components;
    }

    /** The largest component's box at {@code taus[t]}, empty where no pixel passes. */
    public Optional<Box> largest(int t) {
      return largest.get(t);
    }

    /** Every component's box at {@code taus[t]} (raster order of first pixel), empty where none. */
    public List<Box> components(int t) {
      return components.get(t);
    }
  }

  /**
   * @param normalised a map normalised to [0, 1] at image resolution
   * @param taus thresholds, in any order
   * @return the box at each threshold (pixels ≥ τ, largest 8-connected component), empty where no
   *     pixel passes
   */
  @SuppressWarnings("unchecked")
  public static Optional<Box>[] boxes(HeatMap normalised, double[] taus) {
    Sweep s = sweep(normalised, taus, false);
    Optional<Box>[] out = new Optional[taus.length];
    for (int t = 0; t < taus.length; t++) {
      out[t] = s.largest(t);
    }
    return out;
  }

  /**
   * @param normalised a map normalised to [0, 1] at image resolution
   * @param taus thresholds, in any order
   * @return both the largest component's box and every component's boxes at each threshold
   */
  public static Sweep sweep(HeatMap normalised, double[] taus) {
    return sweep(normalised, taus, true);
  }

  private static Sweep sweep(HeatMap normalised, double[] taus, boolean all) {
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
    // The current roots, as a dense list with each root's position (swap-remove on a union).
    int[] roots = new int[n];
    int[] rootPos = new int[n];
    int rootCount = 0;
    int best = -1;
    List<Optional<Box>> largest = new ArrayList<>(java.util.Collections.nCopies(taus.length, Optional.empty()));
    List<List<Box>> components = new ArrayList<>(java.util.Collections.nCopies(taus.length, List.of()));
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
        roots[rootCount] = p;
        rootPos[p] = rootCount++;
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
            int last = roots[--rootCount];
            roots[rootPos[small]] = last;
            rootPos[last] = rootPos[small];
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
      if (best >= 0) {
        largest.set(t, Optional.of(box(best, x0, y0, x1, y1)));
      }
      if (all && rootCount > 0) {
        long[] order = new long[rootCount]; // (first pixel, root): raster order of first pixel
        for (int k = 0; k < rootCount; k++) {
          order[k] = ((long) first[roots[k]] << 32) | roots[k];
        }
        Arrays.sort(order);
        List<Box> boxes = new ArrayList<>(rootCount);
        for (long o : order) {
          boxes.add(box((int) o, x0, y0, x1, y1));
        }
        components.set(t, List.copyOf(boxes));
      }
    }
    return new Sweep(largest, components);
  }

  private static Box box(int r, int[] x0, int[] y0, int[] x1, int[] y1) {
    return new Box(x0[r], y0[r], x1[r] + 1, y1[r] + 1);
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
