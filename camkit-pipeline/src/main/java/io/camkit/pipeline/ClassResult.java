package io.camkit.pipeline;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import io.camkit.explain.method.ClassMap;
import io.camkit.localize.GuidedFilter;
import io.camkit.localize.Localization;
import io.camkit.localize.ThresholdLocalizer;
import java.util.Optional;

/**
 * One class's explanation of one image: the raw map as the method gave it, the map normalised at
 * the image's resolution (and refined with the image when the request asks: {@link GuidedFilter}),
 * and the box and mask at τ.
 *
 * <p>The normalised map and the localization are computed on first use and kept (an evaluation
 * that sweeps all thresholds itself never pays for the box at τ); both are thread-safe.
 */
public final class ClassResult {
  private final ClassMap map;
  private final Provenance provenance;
  private final RgbImage image;
  private final boolean relu;
  private final GuidedFilter refine;
  private volatile HeatMap normalized;
  private volatile Localization localization;

  ClassResult(ClassMap map, Provenance provenance, RgbImage image, boolean relu, GuidedFilter refine) {
    this.map = map;
    this.provenance = provenance;
    this.image = image;
    this.relu = relu;
    this.refine = refine;
  }

  /**
   * The same raw map under another refinement (null: none): what choosing the refinement on a
   * validation split compares without running the model again.
   */
  public ClassResult withRefinement(GuidedFilter other) {
    return new ClassResult(map, provenance.refined(other), image, relu, other);
  }

  /** The refinement applied in {@link #normalized()}, if any. */
  public Optional<GuidedFilter> refinement() {
    return Optional.ofNullable(refine);
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
   * ReLU when the request says so), then refined with the image if the request asks ({@link
   * GuidedFilter#apply}: again in [0, 1], maximum 1). A NaN or all-negative map gives zeros ({@link
   * #degenerate()}).
   */
  public HeatMap normalized() {
    HeatMap n = normalized;
    if (n == null) {
      int w = image.width();
      int h = image.height();
      n = relu ? map.upsampled(w, h) : map.upsampledWithoutRelu(w, h);
      if (refine != null) {
        n = refine.apply(image, n);
      }
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
