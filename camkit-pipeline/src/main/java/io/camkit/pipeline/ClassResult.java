package io.camkit.pipeline;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.explain.method.ClassMap;
import io.camkit.localize.Localization;
import io.camkit.localize.ThresholdLocalizer;
import java.util.Optional;

/**
 * One class's explanation of one image: the raw map as the method gave it, the map normalised at
 * the image's resolution, and the box and mask at τ.
 *
 * <p>The normalised map and the localization are computed on first use and kept (an evaluation
 * that sweeps all thresholds itself never pays for the box at τ); both are thread-safe.
 */
public final class ClassResult {
  private final ClassMap map;
  private final Provenance provenance;
  private final int imageWidth;
  private final int imageHeight;
  private final boolean relu;
  private volatile HeatMap normalized;
  private volatile Localization localization;

  ClassResult(ClassMap map, Provenance provenance, int imageWidth, int imageHeight, boolean relu) {
    this.map = map;
    this.provenance = provenance;
    this.imageWidth = imageWidth;
    this.imageHeight = imageHeight;
    this.relu = relu;
  }

  /** The raw map {@code [h, w]} before ReLU and normalisation, with the method's own fields. */
  public ClassMap rawMap() {
    return map;
  }

  public int classIndex() {
    return provenance.classIndex();
  }

  public String className() {
    return provenance.className();
  }

  public Provenance provenance() {
    return provenance;
  }

  /**
   * The map at the image's resolution {@code [imageHeight, imageWidth]}, in [0, 1] with maximum 1
   * ({@link ClassMap#upsampled(int, int)}: ReLU, min-max, bilinear resize, min-max; without the
   * ReLU when the request says so). A NaN or all-negative map gives zeros ({@link #degenerate()}).
   */
  public HeatMap normalized() {
    HeatMap n = normalized;
    if (n == null) {
      n = relu ? map.upsampled(imageWidth, imageHeight) : map.upsampledWithoutRelu(imageWidth, imageHeight);
      normalized = n;
    }
    return n;
  }

  /** The mask of pixels ≥ τ, its largest 8-connected component and that component's box. */
  public Localization localization() {
    Localization l = localization;
    if (l == null) {
      l = new ThresholdLocalizer(provenance.tau()).localizeNormalised(normalized());
      localization = l;
    }
    return l;
  }

  /** The box at τ in image pixels; empty when no pixel reaches τ (a degenerate map). */
  public Optional<Box> box() {
    return localization().box();
  }

  /** True when the raw map is NaN somewhere or has no positive value: it normalises to zeros. */
  public boolean degenerate() {
    return map.isDegenerate();
  }
}
