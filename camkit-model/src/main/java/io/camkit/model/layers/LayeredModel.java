package io.camkit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.core.CamkitException;
import io.camkit.core.RgbImage;
import java.util.List;
import java.util.Optional;

/**
 * A classifier as explainers see it: a network that can be cut at a named layer into
 *
 * <pre>  x [N, 3, H, W] --features(layer)--> A [N, K, h, w] --head(layer)--> y [N, C]</pre>
 *
 * so that a method can read the activations {@code A} of the target layer and differentiate the
 * scores {@code y} with respect to {@code A} only: the backward pass runs through the head and
 * stops at the layer. Implementations: camkit's own models ({@link CamModelLayers}) and imported
 * TorchScript models. All arrays returned are attached to the {@code scope} given.
 */
public interface LayeredModel extends AutoCloseable {

  /** Class names, index = output column. */
  List<String> classes();

  /** The layers that can be targeted, in forward order; the last is the default. */
  List<LayerInfo> layers();

  /** The default target layer: the last conv layer before global pooling. */
  default String defaultLayer() {
    List<LayerInfo> l = layers();
    return l.get(l.size() - 1).name();
  }

  /** The smallest map side {@link #autoLayer} prefers: the last map of ImageNet CNNs at 224 px. */
  int AUTO_MIN_SIDE = 7;

  /** The name {@code --layer auto} and {@code MapRequest.withLayer("auto")} resolve through {@link #autoLayer}. */
  String AUTO = "auto";

  /**
   * The layer {@code auto} stands for: the deepest layer that {@code usable} accepts (a method's
   * needs: CAM's GAP + linear head, gradients) whose map is at least {@value #AUTO_MIN_SIDE}×{@value
   * #AUTO_MIN_SIDE}, the last map of ResNet, VGG or MobileNet at 224 px and the coarsest grid on
   * which a box still has some resolution; else the deepest usable layer; else the default. On a
   * network whose last map is smaller (a 4×4 map of a 128-px input), gradient methods thus read an
   * earlier, finer layer, while CAM stays at the one layer that has it.
   */
  default String autoLayer(java.util.function.Predicate<String> usable) {
    List<LayerInfo> l = layers();
    String deepestUsable = null;
    for (int i = l.size() - 1; i >= 0; i--) {
      LayerInfo info = l.get(i);
      if (!usable.test(info.name())) {
        continue;
      }
      long[] s = info.shape();
      if (s.length >= 2 && s[s.length - 1] >= AUTO_MIN_SIDE && s[s.length - 2] >= AUTO_MIN_SIDE) {
        return info.name();
      }
      if (deepestUsable == null) {
        deepestUsable = info.name();
      }
    }
    return deepestUsable != null ? deepestUsable : defaultLayer();
  }

  /** Input size {@code [H, W]} the images are resized to. */
  int[] inputSize();

  /** The images resized and scaled as the model expects: {@code [N, 3, H, W]}. */
  NDArray input(NDManager scope, List<RgbImage> images);

  /**
   * Images already at the input size, as planar floats in [0, 1] ({@code [N, 3, H, W]}, the layout
   * of {@link RgbImage#toChw}), scaled as the model expects. The data array may be modified.
   */
  NDArray scaled(NDManager scope, float[] chw01, int n);

  /** The plain forward pass: {@code x [N, 3, H, W] → y [N, C]} (raw scores, pre-softmax). */
  NDArray logits(NDManager scope, NDArray x);

  /** Activations of {@code layer}: {@code x [N, 3, H, W] → A [N, K, h, w]}, no gradient kept. */
  NDArray features(NDManager scope, NDArray x, String layer);

  /**
   * The rest of the net after {@code layer}: {@code A [N, K, h, w] → y [N, C]}, recorded for
   * autograd when called inside a gradient collector.
   */
  NDArray head(NDManager scope, NDArray a, String layer);

  /**
   * {@link #features} recorded for autograd from the input: inside a gradient collector, with
   * {@code x [N, 3, H, W]} a leaf, {@code ∂s/∂x} of any score computed from the result (through
   * {@link #head}) can be read. Every layer up to {@code layer} that adds a bias, and that the
   * backend can see, passes its output through {@code biases} ({@link #seesBiases()}). For methods
   * that need the input's gradient (FullGrad).
   *
   * @throws io.camkit.core.CamkitException when the backend cannot differentiate to its input
   *     ({@link #supportsInputGradients()})
   */
  default NDArray inputDifferentiableFeatures(NDManager scope, NDArray x, String layer, BiasTap biases) {
    throw new CamkitException(description() + " cannot differentiate its scores with respect to the input"
        + (supportsGradients() ? "" : " (" + whyNoGradients(layer) + ")"));
  }

  /** Whether {@link #inputDifferentiableFeatures} works. */
  default boolean supportsInputGradients() {
    return false;
  }

  /**
   * Whether {@link #inputDifferentiableFeatures} shows the layers that add a bias; false for a
   * backend whose inner layers are hidden (a TorchScript export runs as one call).
   */
  default boolean seesBiases() {
    return false;
  }

  /** Whether {@link #head} can be differentiated (false for forward-only backends). */
  boolean supportsGradients();

  /**
   * Whether {@link #head} after {@code layer} can be differentiated: for backends where it depends
   * on the layer (ONNX: the ops after it). Default: {@link #supportsGradients()}.
   */
  default boolean supportsGradients(String layer) {
    return supportsGradients();
  }

  /** Why {@link #supportsGradients(String)} is false at {@code layer}, for error messages. */
  default String whyNoGradients(String layer) {
    return "forward-only backend";
  }

  /**
   * The weights {@code w [C, K]} of a GAP + linear classifier reading {@code layer}, if the head
   * after that layer is exactly that (the precondition of CAM).
   */
  Optional<NDArray> classifierWeights(String layer);

  /**
   * The class maps {@code [N, C, h, w]} of a class-map head (1×1 conv to class maps, then a
   * spatial pooling) reading {@code layer}, for activations {@code a}: for such a head they are
   * the CAM. Empty for any other head.
   */
  default Optional<NDArray> classMaps(NDManager scope, NDArray a, String layer) {
    return Optional.empty();
  }

  /**
   * The network's spatial class scores {@code [N, C, h, w]} computed from activations {@code a}
   * of {@code layer}, before any pooling, recorded for autograd inside a gradient collector: a
   * segmentation model's output, or a class-map head's maps. Empty for a model that pools without
   * them (a GAP + linear head), the default. Segmentation targets read these.
   */
  default Optional<NDArray> headMaps(NDManager scope, NDArray a, String layer) {
    return Optional.empty();
  }

  /**
   * Whether CAM works at {@code layer}: the head after it is GAP + linear ({@link
   * #classifierWeights}) or a class-map head ({@link #classMaps}).
   */
  default boolean supportsCam(String layer) {
    return classifierWeights(layer).isPresent();
  }

  /** Why {@link #supportsCam(String)} is false at {@code layer}, for error messages. */
  default String whyNoCam(String layer) {
    return "cam needs a global-average-pooling + linear head (or a class-map head) right after layer " + layer + "; "
        + description() + " has another head there: use gradcam";
  }

  /** A short description for reports, e.g. "camnet (model.json)" or "resnet18.pt". */
  String description();

  /** Checks that {@code layer} exists, else fails with the list of valid names. */
  default LayerInfo layer(String layer) {
    for (LayerInfo l : layers()) {
      if (l.name().equals(layer)) {
        return l;
      }
    }
    throw new CamkitException("no layer named '" + layer + "'; valid layers: "
        + String.join(", ", layers().stream().map(LayerInfo::name).toList()));
  }

  @Override
  void close();
}
