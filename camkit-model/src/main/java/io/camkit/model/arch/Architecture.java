package io.camkit.model.arch;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.camkit.model.CamNetOptions;
import io.camkit.model.arch.LayerSpec.Conv;
import io.camkit.model.arch.LayerSpec.MaxPool;
import io.camkit.model.arch.LayerSpec.MlpConv;
import io.camkit.model.fcn.ConvLayer;
import io.camkit.model.fcn.ReceptiveField;
import java.util.ArrayList;
import java.util.List;

/**
 * The one description of a {@link io.camkit.model.CamNet}'s conv stack, as data: the layers of
 * its {@code features} child, input first, and the pooling its dense head applies before
 * flattening (cnn-flatten only). Everything geometric is derived from it:
 *
 * <ul>
 *   <li>the DJL feature block, {@link #featureBlock()}: {@code [N, 3, H, W] → [N, K, h, w]};
 *   <li>the side of the last map, {@link #mapSide}: layer by layer, {@code s ← ⌊(s + 2p_i − k_i) /
 *       s_i⌋ + 1} (0 as soon as {@code s + 2p_i < k_i});
 *   <li>the smallest input that gives a map at all, {@link #smallestInput()};
 *   <li>the stride S, window R and padding P of the fully convolutional form's output grid,
 *       {@link #receptiveField}: {@code S = Π s_i}, {@code R = 1 + Σ (k_i − 1) Π_{j<i} s_j}, {@code
 *       P = Σ p_i Π_{j<i} s_j} (see {@link ReceptiveField}).
 * </ul>
 *
 * <p>The architectures ({@link CamNetOptions#ARCHS}), with {@code w} = width and K = feature maps:
 *
 * <pre>
 *   camnet       conv3/2 w · conv3 w · pool2 · conv3 2w · conv3 2w · conv1 4w · conv1 K   (same, BN)
 *   camnet-fine  conv3/2 w · conv3 w · [pool2 · conv3 2w · conv3 2w · conv1 4w]↑2 ‖ · conv1 K
 *                (camnet's coarse layers fused back at stride 2, {@link LayerSpec.CoarseToFine})
 *   cnn-gap      conv3 32 · pool2 · conv3 64 · pool2 · conv3 128                          (valid, K = 128)
 *   cnn-flatten  the cnn-gap trunk; its dense head pools 2×2 before flattening
 *   nin          mlpconv5 (w, w, w) · pool2 · mlpconv5 (2w, 2w, 2w) · pool2 · mlpconv3 (4w, K)
 * </pre>
 *
 * @param name the architecture, one of {@link CamNetOptions#ARCHS}
 * @param features the layers of the {@code features} block, input first
 * @param headPooling the layers of the head that still act on the map before it is flattened
 *     (cnn-flatten's max-pool; empty for GAP and class-map heads)
 */
public record Architecture(String name, List<LayerSpec> features, List<LayerSpec> headPooling) {
  /** Input channels (RGB). */
  public static final int INPUT_CHANNELS = 3;

  public Architecture {
    features = List.copyOf(features);
    headPooling = List.copyOf(headPooling);
    if (features.isEmpty()) {
      throw new IllegalArgumentException("no layers");
    }
  }

  /** The architecture of {@code o} ({@link CamNetOptions#arch()}, width and feature maps). */
  public static Architecture of(CamNetOptions o) {
    return of(o.arch(), o.width(), o.featureMaps());
  }

  /**
   * The architecture {@code name} with stem width {@code w} and K = {@code featureMaps} (the
   * Keras trunk of cnn-gap and cnn-flatten ignores both). Channels do not change the geometry.
   */
  public static Architecture of(String name, int w, int featureMaps) {
    MaxPool pool = new MaxPool(2);
    return switch (name) {
      case "camnet" -> new Architecture(name, List.of(
          Conv.same(3, 2, w), Conv.same(3, 1, w), pool, Conv.same(3, 1, 2 * w), Conv.same(3, 1, 2 * w),
          Conv.same(1, 1, 4 * w), Conv.same(1, 1, featureMaps)), List.of());
      case "camnet-fine" -> new Architecture(name, List.of(
          Conv.same(3, 2, w), Conv.same(3, 1, w),
          new LayerSpec.CoarseToFine(List.of(pool, Conv.same(3, 1, 2 * w), Conv.same(3, 1, 2 * w), Conv.same(1, 1, 4 * w))),
          Conv.same(1, 1, featureMaps)), List.of());
      case "cnn-gap" -> new Architecture(name, KerasBaselines.TRUNK, List.of());
      case "cnn-flatten" -> new Architecture(name, KerasBaselines.TRUNK, List.of(KerasBaselines.FLATTEN_POOL));
      case "nin" -> new Architecture(name, List.of(
          new MlpConv(5, List.of(w, w, w)), pool, new MlpConv(5, List.of(2 * w, 2 * w, 2 * w)), pool,
          new MlpConv(3, List.of(4 * w, featureMaps))), List.of());
      default -> throw new IllegalArgumentException("unknown architecture " + name);
    };
  }

  /** Whether the head is dense (flattens the map, so its weights are tied to positions). */
  public boolean hasDenseHead() {
    return !headPooling.isEmpty();
  }

  /** A fresh {@code features} block, one child per layer: {@code [N, 3, H, W] → [N, K, h, w]}. */
  public SequentialBlock featureBlock() {
    return block(features);
  }

  /** A fresh {@code SequentialBlock} with one child per layer of {@code layers}, in order. */
  public static SequentialBlock block(List<LayerSpec> layers) {
    SequentialBlock b = new SequentialBlock();
    for (LayerSpec l : layers) {
      b.add(l.block());
    }
    return b;
  }

  /** K, the channels of the last conv map (the output of {@link #featureBlock()}). */
  public int featureMaps() {
    int c = INPUT_CHANNELS;
    for (LayerSpec l : features) {
      c = l.channels(c);
    }
    return c;
  }

  /**
   * The shape {@code [N, K, h, w]} of {@link #featureBlock()}'s output for input {@code [N, 3, H,
   * W]}: {@code h = features.outputSize(H)}, {@code w = features.outputSize(W)} (0 where a layer
   * would get less than its kernel).
   */
  public Shape featureShape(Shape input) {
    ReceptiveField f = ReceptiveField.of(footprints(features));
    return new Shape(input.get(0), featureMaps(), f.outputSize((int) input.get(2)), f.outputSize((int) input.get(3)));
  }

  /**
   * The side {@code h = w} of the last map for {@code size}×{@code size} input, 0 when some layer
   * would get less than its kernel: the conv map, or for a dense head the map after its pooling
   * (what the head flattens).
   */
  public int mapSide(int size) {
    return mapGeometry().outputSize(size);
  }

  /**
   * The smallest input side that gives a last map of at least 1×1 ({@link #mapSide} ≥ 1); with
   * padding it may be smaller than the receptive field.
   */
  public int smallestInput() {
    return mapGeometry().smallestInput();
  }

  /**
   * The geometry of the fully convolutional form ({@link io.camkit.model.fcn.FullyConvolutionalNet})
   * of a net trained on {@code trainingSize}×{@code trainingSize} images: the stack's layers (1×1
   * layers left out: they change nothing) and, for a dense head, its pooling and the k×k
   * convolution its first dense layer becomes, {@code k = mapSide(trainingSize)}.
   *
   * @throws IllegalArgumentException for a dense head when {@code trainingSize} gives no map
   */
  public ReceptiveField receptiveField(int trainingSize) {
    List<ConvLayer> layers = new ArrayList<>(footprints(mapLayers()));
    if (hasDenseHead()) {
      layers.add(new ConvLayer(mapSide(trainingSize), 1, 0));
    }
    return ReceptiveField.of(layers);
  }

  /** The stack's layers followed by the head's pooling: the layers that shape the last map. */
  public List<LayerSpec> mapLayers() {
    List<LayerSpec> all = new ArrayList<>(features);
    all.addAll(headPooling);
    return List.copyOf(all);
  }

  private ReceptiveField mapGeometry() {
    return ReceptiveField.of(footprints(mapLayers()));
  }

  /** The footprints of {@code layers}, identity ones (1×1, stride 1, no padding) left out. */
  private static List<ConvLayer> footprints(List<LayerSpec> layers) {
    List<ConvLayer> out = new ArrayList<>();
    for (LayerSpec l : layers) {
      ConvLayer f = l.footprint();
      if (f.kernel() != 1 || f.stride() != 1 || f.padding() != 0) {
        out.add(f);
      }
    }
    return out;
  }
}
