package io.camkit.model.pooling;

import io.camkit.core.Options;

/**
 * How many regions a WELDON-style pooling keeps: a fixed count, or a fraction of the {@code H·W}
 * regions (rounded, at least 1). Zero is allowed for the low side (no negative evidence).
 *
 * @param count the count, used when {@code fraction} is NaN
 * @param fraction the fraction of the regions in (0, 1], or NaN
 */
public record RegionCount(int count, double fraction) {
  public static RegionCount of(int count) {
    return new RegionCount(count, Double.NaN);
  }

  public static RegionCount fraction(double f) {
    return new RegionCount(-1, f);
  }

  /** The number of regions out of {@code regions}; fails naming {@code option} when too many. */
  public int resolve(int regions, String option) {
    int k = Double.isNaN(fraction) ? count : Math.max(1, (int) Math.round(fraction * regions));
    if (!Double.isNaN(fraction)) {
      Options.check(fraction > 0 && fraction <= 1, option, fraction, "a fraction in (0, 1]");
    }
    Options.check(k >= 0 && k <= regions, option, k, "0.." + regions + " (the regions of the map)");
    return k;
  }
}
