package io.camkit.pipeline;

import io.camkit.core.Options;
import io.camkit.explain.augment.Augmentation;
import io.camkit.explain.method.CamMethod;
import io.camkit.explain.method.CamMethods;
import io.camkit.explain.method.LayerFusion;
import io.camkit.explain.target.TargetSelector;
import io.camkit.localize.GuidedFilter;
import io.camkit.localize.ThresholdLocalizer;
import java.util.List;
import java.util.Objects;

/**
 * What to explain and how: the method, the layer it reads, which classes get a map, whether the
 * maps are averaged over test-time augmentations, and how a map becomes a box (τ, refinement).
 *
 * <p>Immutable; the {@code with…} methods return a changed copy. The method object itself carries
 * its own options (batch size, Score-CAM's batch of masks…), as {@link CamMethods#byName} builds
 * it.
 *
 * @param method the CAM method ({@link CamMethods#byName}: cam, gradcam, gradcampp, scorecam…)
 * @param layer the target layer (see {@code LayeredModel#layers()}); {@code auto} or null for the
 *     deepest layer the method can read whose map is at least 7×7 ({@code LayeredModel#autoLayer});
 *     or several, comma-separated, whose maps are fused by {@code fusion}
 * @param targets the classes that get a map, chosen once the scores of each batch are known
 *     (default: the predicted class)
 * @param tta test-time augmentations: empty for none; otherwise each image's map is the average,
 *     mapped back through each inverse warp, of the maps of its augmented copies, and its
 *     predictions the averaged probabilities ({@link TtaPresets})
 * @param tau the box threshold as a fraction of the map's maximum, in [0, 1] (Zhou et al. 2016:
 *     0.2)
 * @param relu ReLU before min-max normalisation (camkit's and pytorch-grad-cam's convention); false:
 *     min-max of the raw map (Zhou et al.'s code, wsolevaluation)
 * @param topK how many of the best classes each result lists in {@link ImageResult#top()} (≥ 1;
 *     cut to the number of classes)
 * @param fusion how the maps of several layers become one (default: their mean)
 * @param refine edge-aware refinement of the normalised map with the image before boxes and masks
 *     are taken ({@link GuidedFilter}), or null for none (the default); {@code camkit train}
 *     chooses it on the validation split with τ ({@link Calibration})
 */
public record MapRequest(
    CamMethod method, String layer, TargetSelector targets, List<Augmentation> tta, double tau, boolean relu,
    int topK, LayerFusion fusion, GuidedFilter refine) {

  /** Predictions listed per image by default. */
  public static final int DEFAULT_TOP_K = 5;

  public MapRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(targets, "targets");
    Objects.requireNonNull(fusion, "fusion");
    tta = List.copyOf(tta);
    Options.check(tau >= 0 && tau <= 1, "tau", tau, "0..1");
    Options.check(topK >= 1, "top-k", topK, ">= 1");
  }

  /** {@code method} at the default layer, for the predicted class, no TTA, τ = 0.2, ReLU, top 5. */
  public static MapRequest of(CamMethod method) {
    return new MapRequest(method, null, TargetSelector.predicted(), List.of(), ThresholdLocalizer.DEFAULT_TAU, true,
        DEFAULT_TOP_K, LayerFusion.MEAN, null);
  }

  /** {@link #of(CamMethod)} with the method named as on the command line ("gradcam", "scorecam"…). */
  public static MapRequest of(String method) {
    return of(CamMethods.byName(method));
  }

  public MapRequest withLayer(String layer) {
    return new MapRequest(method, layer, targets, tta, tau, relu, topK, fusion, refine);
  }

  public MapRequest withTargets(TargetSelector targets) {
    return new MapRequest(method, layer, targets, tta, tau, relu, topK, fusion, refine);
  }

  public MapRequest withTta(List<Augmentation> tta) {
    return new MapRequest(method, layer, targets, tta, tau, relu, topK, fusion, refine);
  }

  public MapRequest withTau(double tau) {
    return new MapRequest(method, layer, targets, tta, tau, relu, topK, fusion, refine);
  }

  public MapRequest withRelu(boolean relu) {
    return new MapRequest(method, layer, targets, tta, tau, relu, topK, fusion, refine);
  }

  public MapRequest withTopK(int topK) {
    return new MapRequest(method, layer, targets, tta, tau, relu, topK, fusion, refine);
  }

  public MapRequest withFusion(LayerFusion fusion) {
    return new MapRequest(method, layer, targets, tta, tau, relu, topK, fusion, refine);
  }

  /** With the map refined by {@code refine} before boxes and masks; null for none. */
  public MapRequest withRefinement(GuidedFilter refine) {
    return new MapRequest(method, layer, targets, tta, tau, relu, topK, fusion, refine);
  }

  /** The refinement, if any. */
  public java.util.Optional<GuidedFilter> refinement() {
    return java.util.Optional.ofNullable(refine);
  }

  /** The layers asked for: empty for none (auto), else the comma-separated names in order. */
  public List<String> layers() {
    if (layer == null || layer.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(layer.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** The method's report name: "gradcam", or "tta-gradcam" with test-time augmentation. */
  public String methodName() {
    return methodName(method.name(), !tta.isEmpty());
  }

  /** The report name of method {@code name} ("gradcam"), with test-time augmentation or not ("tta-gradcam"). */
  public static String methodName(String name, boolean tta) {
    return tta ? "tta-" + name : name;
  }
}
