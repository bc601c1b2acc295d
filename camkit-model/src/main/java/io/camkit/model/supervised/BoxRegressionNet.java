package io.camkit.model.supervised;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.camkit.model.CamNet;
import io.camkit.model.CamNetOptions;

/**
 * Localization's "simplest solution", fully supervised: one trunk, two heads trained together,
 * {@code x [N, 3, H, W] → (y [N, C], b [N, 4])}. The class head is camkit's GAP + linear; the box
 * head keeps the spatial layout the box needs: a 1×1 convolution to {@value #BOX_CHANNELS}
 * channels, flattened, a hidden layer of {@value #BOX_HIDDEN} ReLU units and 4 sigmoid outputs, the
 * box's corners {@code (x0/W, y0/H, x1/W, y1/H)} in [0, 1]. The trunk is camnet's ({@link
 * CamNet#featureBlock}). Trained by {@code io.camkit.model.train.BoxTrainer}.
 */
public final class BoxRegressionNet extends AbstractBlock {
  static final int BOX_CHANNELS = 8;
  static final int BOX_HIDDEN = 64;
  private final CamNetOptions options;
  private final Block features;
  private final Block classifier;
  private final Block box;

  public BoxRegressionNet(CamNetOptions options) {
    this.options = options;
    this.features = addChildBlock("features", CamNet.featureBlock(options));
    this.classifier = addChildBlock("classifier", Linear.builder().setUnits(options.classes()).build());
    this.box = addChildBlock("box", new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(BOX_CHANNELS).build())
        .add(Activation::relu)
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(BOX_HIDDEN).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(4).build()));
  }

  public CamNetOptions options() {
    return options;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray f = features.forward(ps, inputs, training).singletonOrThrow();
    NDArray y = classifier.forward(ps, new NDList(CamNet.globalAveragePool(f)), training).singletonOrThrow();
    NDArray b = Activation.sigmoid(box.forward(ps, new NDList(f), training).singletonOrThrow());
    return new NDList(y, b);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    long n = inputs[0].get(0);
    return new Shape[] {new Shape(n, options.classes()), new Shape(n, 4)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    features.initialize(manager, dataType, inputShapes);
    Shape f = features.getOutputShapes(inputShapes)[0];
    classifier.initialize(manager, dataType, new Shape(f.get(0), f.get(1)));
    box.initialize(manager, dataType, f);
  }
}
