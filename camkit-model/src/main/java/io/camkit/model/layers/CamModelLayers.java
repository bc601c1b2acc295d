package io.camkit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.camkit.core.RgbImage;
import io.camkit.model.CamModel;
import io.camkit.model.CamNet;
import io.camkit.model.InputBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A camkit {@link CamModel} cut at any of its conv layers. The layers are the children of the
 * net's {@code features} block, named {@code features.0}, {@code features.1}, … in forward order;
 * the head after layer i is the remaining children followed by the classifier head. Batch norm
 * runs in inference mode throughout.
 *
 * <p>On a net trained with ACoL ({@code --wsol acol}), CAM at the last layer reads the paper's
 * fused map {@code max(norm M_A,c, norm M_B,c)} ({@link CamNet#acolFusedMaps}; Zhang et al., CVPR
 * 2018, Sec. 3.2), where branch B's map of class c is computed on the features erased by branch
 * A's; {@link #acolBranchA} is the view whose CAM is branch A's alone. The scores, and so every
 * gradient method, are branch A's (the network's classifier): Grad-CAM at the last layer of an ACoL
 * net is branch A's CAM divided by {@code h·w}.
 */
public final class CamModelLayers implements LayeredModel {
  private final CamModel model;
  private final boolean owner;
  private final boolean acolFused;
  private final List<Block> blocks = new ArrayList<>();
  private final List<LayerInfo> layers = new ArrayList<>();

  /**
   * A view of {@code model}; closing the view leaves the model open. On an ACoL-trained net, CAM
   * reads the fused map.
   */
  public CamModelLayers(CamModel model) {
    this(model, false, model.options().wsol().is("acol"));
  }

  /** A view that owns {@code model}: closing the view closes the model. */
  public static CamModelLayers owning(CamModel model) {
    return new CamModelLayers(model, true, model.options().wsol().is("acol"));
  }

  /**
   * A view of an ACoL-trained {@code model} whose CAM is branch A's alone ({@code M_A,c = Σ_k
   * w_k^c f_k} with the network's classifier), to compare with the fused map; on any other net,
   * the same as {@link #CamModelLayers(CamModel)}. Closing it leaves the model open.
   */
  public static CamModelLayers acolBranchA(CamModel model) {
    return new CamModelLayers(model, false, false);
  }

  private CamModelLayers(CamModel model, boolean owner, boolean acolFused) {
    this.model = model;
    this.owner = owner;
    this.acolFused = acolFused;
    Block features = model.net().features();
    if (!(features instanceof SequentialBlock)) {
      throw new IllegalArgumentException("the features block must be sequential");
    }
    int s = model.options().imageSize();
    Shape shape = new Shape(1, 3, s, s);
    int i = 0;
    for (Pair<String, Block> child : features.getChildren()) {
      Block b = child.getValue();
      shape = b.getOutputShapes(new Shape[] {shape})[0];
      blocks.add(b);
      layers.add(new LayerInfo("features." + i, kind(b), new long[] {shape.get(1), shape.get(2), shape.get(3)}));
      i++;
    }
  }

  /** "conv 3×3/2 → 32, BN, λ": convolutions with kernel/stride and filters, λ for parameter-free functions. */
  static String kind(Block b) {
    if (b instanceof SequentialBlock) {
      return String.join(", ", b.getChildren().values().stream().map(CamModelLayers::kind).toList());
    }
    if (b instanceof Convolution c) {
      Shape k = c.getKernelShape();
      return "conv " + k.get(0) + "×" + k.get(1) + "/" + c.getStride().get(0) + " → " + c.getFilters();
    }
    if (b instanceof BatchNorm) {
      return "BN";
    }
    if (b instanceof LambdaBlock) {
      return "λ (ReLU or pooling)";
    }
    return b.getClass().getSimpleName();
  }

  @Override
  public List<String> classes() {
    return model.classes();
  }

  @Override
  public List<LayerInfo> layers() {
    return List.copyOf(layers);
  }

  @Override
  public int[] inputSize() {
    int s = model.options().imageSize();
    return new int[] {s, s};
  }

  @Override
  public NDArray input(NDManager scope, List<RgbImage> images) {
    return InputBatch.of(scope, images, model.options());
  }

  @Override
  public NDArray scaled(NDManager scope, float[] chw01, int n) {
    int s = model.options().imageSize();
    InputBatch.normalise(chw01, model.options());
    return scope.create(chw01, new Shape(n, 3, s, s));
  }

  @Override
  public NDArray logits(NDManager scope, NDArray x) {
    return model.net().forwardWithFeatures(new ParameterStore(scope, false), x, false).get(1);
  }

  @Override
  public NDArray features(NDManager scope, NDArray x, String layer) {
    int end = index(layer);
    ParameterStore ps = new ParameterStore(scope, false);
    NDArray a = x;
    for (int i = 0; i <= end; i++) {
      a = blocks.get(i).forward(ps, new NDList(a), false).singletonOrThrow();
    }
    return a;
  }

  /**
   * The features up to {@code layer} block by block, descending into sequential blocks, so every
   * convolution and batch norm is seen: each one's output goes through {@code biases} with its bias
   * (a convolution without a bias gives zeros). The bias of an affine layer is its output on a zero
   * input, {@code conv(0) = b} and {@code BN(0) = β − μ·γ / √(σ² + ε)} in inference mode, so it is
   * read that way rather than from parameter names.
   */
  @Override
  public NDArray inputDifferentiableFeatures(NDManager scope, NDArray x, String layer, BiasTap biases) {
    int end = index(layer);
    ParameterStore ps = new ParameterStore(scope, false);
    NDArray a = x;
    for (int i = 0; i <= end; i++) {
      a = tapped(ps, blocks.get(i), "features." + i, a, biases);
    }
    return a;
  }

  private static NDArray tapped(ParameterStore ps, Block b, String name, NDArray in, BiasTap biases) {
    if (b instanceof SequentialBlock) {
      NDArray a = in;
      int j = 0;
      for (Pair<String, Block> child : b.getChildren()) {
        a = tapped(ps, child.getValue(), name + "." + j++, a, biases);
      }
      return a;
    }
    NDArray out = b.forward(ps, new NDList(in), false).singletonOrThrow();
    if (b instanceof Convolution || b instanceof BatchNorm) {
      NDArray bias;
      try (NDManager probe = in.getManager().newSubManager()) {
        NDArray zero = probe.zeros(new Shape(1, in.getShape().get(1), in.getShape().get(2), in.getShape().get(3)));
        NDArray atZero = b.forward(ps, new NDList(zero), false).singletonOrThrow().stopGradient();
        bias = atZero.get(0).reshape(atZero.getShape().get(1), -1).get(":, 0").duplicate();
        bias.attach(in.getManager());
      }
      return biases.tap(name, out, bias);
    }
    return out;
  }

  @Override
  public boolean supportsInputGradients() {
    return true;
  }

  @Override
  public boolean seesBiases() {
    return true;
  }

  @Override
  public NDArray head(NDManager scope, NDArray a, String layer) {
    ParameterStore ps = new ParameterStore(scope, false);
    NDArray f = a;
    for (int i = index(layer) + 1; i < blocks.size(); i++) {
      f = blocks.get(i).forward(ps, new NDList(f), false).singletonOrThrow();
    }
    return model.net().head(ps, f, false);
  }

  @Override
  public boolean supportsGradients() {
    return true;
  }

  @Override
  public Optional<NDArray> classifierWeights(String layer) {
    if (index(layer) != blocks.size() - 1 || !model.net().hasLinearClassifier() || acolFused) {
      return Optional.empty();
    }
    return Optional.of(model.net().classWeights());
  }

  @Override
  public Optional<NDArray> classMaps(NDManager scope, NDArray a, String layer) {
    if (index(layer) == blocks.size() - 1 && acolFused) {
      return Optional.of(model.net().acolFusedMaps(new ParameterStore(scope, false), a));
    }
    if (index(layer) != blocks.size() - 1 || model.net().classMapHead() == null) {
      return Optional.empty();
    }
    return Optional.of(model.headClassMaps(scope, a));
  }

  /** A class-map head's maps after the blocks that follow {@code layer}; empty for the GAP + linear head. */
  @Override
  public Optional<NDArray> headMaps(NDManager scope, NDArray a, String layer) {
    if (model.net().classMapHead() == null) {
      return Optional.empty();
    }
    ParameterStore ps = new ParameterStore(scope, false);
    NDArray f = a;
    for (int i = index(layer) + 1; i < blocks.size(); i++) {
      f = blocks.get(i).forward(ps, new NDList(f), false).singletonOrThrow();
    }
    return Optional.of(model.headClassMaps(scope, f));
  }

  @Override
  public boolean supportsCam(String layer) {
    return index(layer) == blocks.size() - 1 && (model.net().hasLinearClassifier() || model.net().classMapHead() != null);
  }

  @Override
  public String whyNoCam(String layer) {
    if (!model.net().hasLinearClassifier() && model.net().classMapHead() == null) {
      return io.camkit.model.CamNet.noCamMessage(model.options().arch());
    }
    return "cam reads the last conv layer, " + layers.get(layers.size() - 1).name() + ", where the GAP head is; at "
        + layer + " use gradcam";
  }

  @Override
  public String description() {
    return "camkit " + model.options().arch() + " (" + model.options().head().pooling() + " head"
        + (acolFused ? ", ACoL: CAM is the fused map of branches A and B" : "") + "), "
        + model.options().imageSize() + " px";
  }

  private int index(String layer) {
    layer(layer);
    return Integer.parseInt(layer.substring("features.".length()));
  }

  @Override
  public void close() {
    if (owner) {
      model.close();
    }
  }

  /** The camkit model behind this view. */
  public CamModel model() {
    return model;
  }
}
