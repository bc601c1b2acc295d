package io.camkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import io.camkit.model.arch.ClassMapHead;
import io.camkit.model.pooling.GlobalAveragePooling;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A fully convolutional classifier. With the default GAP head it is a CNN-GAP network of two
 * children: {@code features} (input {@code [N, 3, H, W]} → last conv maps {@code f = [N, K, h,
 * w]}) and {@code classifier}, a linear layer with
 * weights {@code w = [C, K]} and bias {@code b = [C]}. The scores are
 *
 * <pre>  y_c = Σ_k w_k^c · GAP(f_k) + b_c,   GAP(f_k) = (1 / hw) Σ_{x,y} f_k(x, y)</pre>
 *
 * so {@code y_c = (1 / hw) Σ_{x,y} M_c(x, y) + b_c} with the class activation map {@code M_c = Σ_k
 * w_k^c f_k} (Zhou et al. 2016, Eq. 1–2). With any other pooling ({@link HeadOptions}) the second
 * child is a {@link ClassMapHead}: 1×1 conv to class maps, pooled into scores.
 */
public final class CamNet extends AbstractBlock {
  private static final byte VERSION = 1;

  private final CamNetOptions options;
  private final Block features;
  private final Linear classifier; // GAP head, else null
  private final ClassMapHead classMapHead; // any other pooling, else null

  public CamNet(CamNetOptions options) {
    super(VERSION);
    this.options = options;
    this.features = addChildBlock("features", featureBlock(options));
    HeadOptions h = options.head();
    if (h.isGap()) {
      this.classifier = addChildBlock("classifier", Linear.builder().setUnits(options.classes()).build());
      this.classMapHead = null;
    } else {
      this.classifier = null;
      this.classMapHead = addChildBlock("head", new ClassMapHead(options.classes(), h.mapsPerClass(), h.spatialPooling()));
    }
  }

  public CamNetOptions options() {
    return options;
  }

  /** The conv part: {@code [N, 3, H, W] → [N, K, H/4, W/4]}. */
  public Block features() {
    return features;
  }

  /** The classifier weights {@code w = [C, K]} of the GAP head (owned by the model; do not close). */
  public NDArray classWeights() {
    if (classifier == null) {
      throw new IllegalStateException("a " + options.head().pooling() + " head has class maps, not GAP weights");
    }
    return classifier.getParameters().get("weight").getArray();
  }

  /** The class-map head, or null for the GAP head. */
  public ClassMapHead classMapHead() {
    return classMapHead;
  }

  /**
   * Checks the head's options against the size of the last conv's map for {@code o}'s input size,
   * without building weights, so that an impossible setting fails before any work.
   */
  public static void checkHead(CamNetOptions o) {
    Shape f = featureBlock(o).getOutputShapes(new Shape[] {new Shape(1, 3, o.imageSize(), o.imageSize())})[0];
    o.head().checkRegions((int) (f.get(2) * f.get(3)));
  }

  /** A fresh copy of the conv part for {@code o}, for heads other than GAP + linear. */
  public static Block featureBlock(CamNetOptions o) {
    int w = o.width();
    return new SequentialBlock()
        .add(conv(w, 3, 2, 1))
        .add(conv(w, 3, 1, 1))
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(conv(2 * w, 3, 1, 1))
        .add(conv(2 * w, 3, 1, 1))
        .add(conv(4 * w, 1, 1, 1))
        .add(conv(o.featureMaps(), 1, 1, 1));
  }

  /** Conv ("same" padding, no bias) → batch norm → ReLU. */
  private static Block conv(int filters, int kernel, int stride, int dilation) {
    int pad = dilation * (kernel - 1) / 2;
    return new SequentialBlock()
        .add(
            Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .optDilation(new Shape(dilation, dilation))
                .setFilters(filters)
                .optBias(false)
                .build())
        .add(BatchNorm.builder().build())
        .add(Activation::relu);
  }

  private static final GlobalAveragePooling GAP = new GlobalAveragePooling();

  /** Global average pooling {@code [N, K, h, w] → [N, K]}. */
  public static NDArray globalAveragePool(NDArray f) {
    return GAP.apply(f);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray f = features.forward(ps, inputs, training, params).singletonOrThrow();
    return classifier != null
        ? classifier.forward(ps, new NDList(globalAveragePool(f)), training, params)
        : classMapHead.forward(ps, new NDList(f), training, params);
  }

  /**
   * Runs the net once and returns both the last conv maps {@code [N, K, h, w]} and the scores
   * {@code [N, C]}, for CAM.
   */
  public NDList forwardWithFeatures(ParameterStore ps, NDArray input, boolean training) {
    NDArray f = features.forward(ps, new NDList(input), training).singletonOrThrow();
    NDArray logits = classifier != null
        ? classifier.forward(ps, new NDList(globalAveragePool(f)), training).singletonOrThrow()
        : classMapHead.forward(ps, new NDList(f), training).singletonOrThrow();
    return new NDList(f, logits);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), options.classes())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    features.initialize(manager, dataType, inputShapes);
    Shape f = features.getOutputShapes(inputShapes)[0];
    options.head().checkRegions((int) (f.get(2) * f.get(3)));
    if (classifier != null) {
      classifier.initialize(manager, dataType, new Shape(f.get(0), f.get(1)));
    } else {
      classMapHead.initialize(manager, dataType, f);
    }
  }
}
