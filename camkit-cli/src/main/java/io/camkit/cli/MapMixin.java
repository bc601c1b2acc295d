package io.camkit.cli;

import io.camkit.interop.Models;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.MapRequest;
import io.camkit.pipeline.TtaPresets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of every command that maps images ({@code localize}, {@code evaluate}): the model
 * and its card (and token grid, for vision transformers), the layer, τ and test-time augmentation; turned into a {@link MapRequest}.
 */
final class MapMixin {
  @Option(names = "--model", required = true, description = "camkit model or transfer folder, or a TorchScript .pt /"
      + " ONNX .onnx file with its .json card")
  Path model;

  @Option(names = "--card", description = "with a TorchScript or ONNX model: its card (default: MODEL.json beside it)")
  Path card;

  @Option(names = "--layer", description = "target layer (see camkit layers), or several comma-separated whose maps are"
      + " fused (see --fuse); default auto: the deepest layer the method can read whose map is at least 7×7")
  String layer;

  @Option(names = "--fuse", defaultValue = "mean", description = "with several layers: mean or max of their maps, each"
      + " normalised and resized to the input (default: mean, as Layer-CAM and pytorch-grad-cam)")
  String fuse;

  @Option(names = "--tau", description = "box threshold, a fraction of the map's maximum (default: the method's τ*"
      + " chosen on the validation split at training, in the model's calibration.json; else 0.2, Zhou et al. 2016)")
  Double tau;

  @Option(names = "--refine", defaultValue = "auto", description = "refine the map with the image before boxes and"
      + " masks (a guided filter, He et al. 2010): auto (the setting chosen with τ on the validation split at training,"
      + " in calibration.json; none without one), none, or RADIUS,EPS (radius a fraction of the shorter side, e.g."
      + " 0.16,0.01) (default: ${DEFAULT-VALUE})")
  String refine;

  @Option(names = "--tta", description = "test-time augmentation: flip, shift, rotate or a comma-separated list; each"
      + " map is the average of the augmented copies' maps, each mapped back")
  String tta;

  @Mixin TokensMixin tokens;

  LayeredModel open() {
    if (io.camkit.model.supervised.SupervisedCard.isSupervised(model)) {
      throw new io.camkit.core.CamkitException(model + " is a fully supervised model (box head or segmenter): camkit"
          + " evaluate and localize score and draw its boxes and masks; it has no maps for this command");
    }
    return Models.open(model, card, tokens.grid());
  }

  /**
   * The methods to run on {@code m}: {@code given} when the user named any. Otherwise, when the
   * user gave no --tta either, the method of the model's preferred calibration entry ({@link
   * Calibration#preferred}: the one that did best on the validation split), whose test-time
   * augmentations this mixin then applies, with a line that says so; else cam. The preferred entry
   * is passed over, with a line, when it cannot run on {@code m} at the asked layer (a gradient
   * method on a forward-only model sharing the calibration file), when its augmentations have no
   * --tta form, or when {@code ttaAllowed} is false (a region target, which augmented copies would
   * not warp).
   */
  List<String> methodsOrPreferred(List<String> given, LayeredModel m, boolean ttaAllowed) {
    if (given != null && !given.isEmpty()) {
      return given;
    }
    Optional<Calibration> c = tta == null ? Calibration.of(model) : Optional.empty();
    if (c.isEmpty() || c.get().preferred() == null || c.get().preferred().equals("cam")) {
      return List.of("cam");
    }
    String preferred = c.get().preferred();
    String[] methodAndTta = Calibration.parseKey(preferred);
    String why = null;
    if (methodAndTta[1] != null && !TtaPresets.isCanonical(methodAndTta[1])) {
      why = "its augmentations have no --tta form";
    } else if (methodAndTta[1] != null && !ttaAllowed) {
      why = "it averages over augmented copies, which a region target does not follow";
    } else {
      try {
        new io.camkit.pipeline.Explainer(m, MapRequest.of(methodAndTta[0]).withLayer(layer));
      } catch (io.camkit.core.CamkitException | IllegalArgumentException e) {
        why = "it cannot run here (" + e.getMessage() + ")";
      }
    }
    if (why != null) {
      System.out.println("the calibration prefers " + preferred + ", but " + why + ": cam instead; --method to"
          + " choose");
      return List.of("cam");
    }
    tta = methodAndTta[1];
    Calibration.Entry e = c.get().methods().get(preferred);
    System.out.println("method: " + (tta == null ? methodAndTta[0] : methodAndTta[0] + " with --tta " + tta)
        + ", preferred on the validation split " + c.get().dataset() + " (" + c.get().images() + " images, MaxBoxAcc "
        + io.camkit.evaluate.Reports.pct(e.maxBoxAcc()) + "); --method to choose another");
    return List.of(methodAndTta[0]);
  }

  /**
   * τ for {@code method}: --tau, else the model's calibrated τ* (of the method with these test-time
   * augmentations, {@link Calibration#key}), else 0.2; and the map's refinement (--refine, else the
   * calibrated one); with where they came from.
   */
  Calibration.TauChoice tau(String method) {
    return Calibration.choose(tau == null ? OptionalDouble.empty() : OptionalDouble.of(tau), refine,
        Calibration.of(model), Calibration.key(MapRequest.of(method).method().name(),
            tta == null ? null : TtaPresets.canonical(tta)), ThresholdLocalizer.DEFAULT_TAU);
  }

  /** The request for {@code method} on {@code m}: layer, τ (see {@link #tau}) and TTA from the options. */
  MapRequest request(LayeredModel m, String method, Calibration.TauChoice tau) {
    MapRequest r = tau.applyTo(MapRequest.of(method).withLayer(layer))
        .withFusion(io.camkit.explain.method.LayerFusion.parse(fuse));
    return tta == null ? r : r.withTta(TtaPresets.parse(tta, m.inputSize()));
  }
}
