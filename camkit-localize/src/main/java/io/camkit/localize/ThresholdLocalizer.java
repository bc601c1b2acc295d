package io.camkit.localize;

import io.camkit.core.HeatMap;
import io.camkit.core.Mask;
import io.camkit.core.Options;

/**
 * The box-from-map rule of CAM (Zhou et al. 2016, Sec. 3.1): min-max normalise the map, keep the
 * pixels at or above τ (τ·max of the normalised map, whose max is 1; τ = 0.20 by default), take
 * the largest 8-connected component and its bounding box.
 *
 * <p>An all-zero, constant or non-finite map normalises to zeros: with τ &gt; 0 it yields no box
 * (an honest miss); with τ = 0 every pixel passes and the box is the whole image.
 */
public final class ThresholdLocalizer {
  public static final double DEFAULT_TAU = 0.20;

  private final double tau;

  public ThresholdLocalizer(double tau) {
    Options.check(tau >= 0 && tau <= 1, "tau", tau, "0..1");
    this.tau = tau;
  }

  public ThresholdLocalizer() {
    this(DEFAULT_TAU);
  }

  public double tau() {
    return tau;
  }

  /** Localizes in a map that is already normalised to [0, 1] and at image resolution. */
  public Localization localizeNormalised(HeatMap normalised) {
    float[] v = normalised.values();
    boolean[] bits = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      bits[i] = v[i] >= tau;
    }
    Mask fg = new Mask(normalised.width(), normalised.height(), bits);
    ConnectedComponents cc = ConnectedComponents.of(normalised.width(), normalised.height(), bits);
    Mask largest = cc.component(cc.largest());
    return new Localization(tau, fg, largest, largest.boundingBox());
  }

  /** Normalises {@code map} and localizes in it. */
  public Localization localize(HeatMap map) {
    return localizeNormalised(map.normalized());
  }
}
