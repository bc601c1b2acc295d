package io.camkit.localize;

import io.camkit.core.HeatMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Counts objects in a heat map as its peaks: the locations whose value exceeds a threshold τ and
 * is at least each of its 8 neighbours' (a local maximum), thinned by greedy non-maximum
 * suppression: in decreasing order of value (ties: first in row-major order), a peak is kept
 * unless a kept peak lies closer than the minimum distance d (Euclidean, in map cells). A plateau
 * of equal maxima thus yields one peak per d. NaN values are never peaks.
 */
public final class PeakCounter {
  /** A kept peak at map cell {@code (x, y)} with its value. */
  public record Peak(int x, int y, float value) {}

  private final double threshold;
  private final double minDistance;

  /**
   * @param threshold τ: a peak's value must be &gt; τ
   * @param minDistance d ≥ 0, in map cells: kept peaks are at least d apart
   */
  public PeakCounter(double threshold, double minDistance) {
    if (!(minDistance >= 0) || Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold " + threshold + ", min distance " + minDistance);
    }
    this.threshold = threshold;
    this.minDistance = minDistance;
  }

  /** The kept peaks of {@code map}, strongest first. */
  public List<Peak> peaks(HeatMap map) {
    List<Peak> candidates = new ArrayList<>();
    int w = map.width();
    int h = map.height();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float v = map.get(x, y);
        if (v > threshold && isLocalMax(map, x, y, v)) {
          candidates.add(new Peak(x, y, v));
        }
      }
    }
    // Stable sort: equal values keep row-major order.
    candidates.sort(Comparator.comparingDouble((Peak p) -> p.value()).reversed());
    List<Peak> kept = new ArrayList<>();
    double d2 = minDistance * minDistance;
    // Kept peaks in buckets of side ≥ d: any kept peak closer than d lies in the 3×3 buckets around.
    int side = (int) Math.max(1, Math.ceil(minDistance));
    int bw = (w + side - 1) / side;
    java.util.Map<Integer, List<Peak>> buckets = new java.util.HashMap<>();
    for (Peak p : candidates) {
      boolean free = true;
      int bx = p.x() / side;
      int by = p.y() / side;
      search:
      for (int j = by - 1; j <= by + 1; j++) {
        for (int i = bx - 1; i <= bx + 1; i++) {
          if (i < 0 || j < 0 || i >= bw) {
            continue;
          }
          for (Peak k : buckets.getOrDefault(j * bw + i, List.of())) {
            double dx = p.x() - k.x();
            double dy = p.y() - k.y();
            if (dx * dx + dy * dy < d2) {
              free = false;
              break search;
            }
          }
        }
      }
      if (free) {
        kept.add(p);
        buckets.computeIfAbsent(by * bw + bx, b -> new ArrayList<>()).add(p);
      }
    }
    return kept;
  }

  private static boolean isLocalMax(HeatMap map, int x, int y, float v) {
    for (int dy = -1; dy <= 1; dy++) {
      for (int dx = -1; dx <= 1; dx++) {
        int nx = x + dx;
        int ny = y + dy;
        if ((dx != 0 || dy != 0) && nx >= 0 && ny >= 0 && nx < map.width() && ny < map.height()
            && map.get(nx, ny) > v) { // a NaN neighbour never beats v
          return false;
        }
      }
    }
    return true;
  }
}
