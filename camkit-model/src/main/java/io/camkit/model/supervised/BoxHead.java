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

/**
 * The two heads of the supervised localization net on a trunk's feature maps, {@code A [N, K, h,
 * w] → (y [N, C], b [N, 4])}: the class head is GAP + linear; the box head keeps the spatial layout
 * the box needs: a 1×1 convolution to {@value #BOX_CHANNELS} channels, flattened, a hidden layer
 * of {@value #BOX_HIDDEN} ReLU units and 4 sigmoid outputs, the box's corners {@code (x0/W, y0/H,
 * x1/W, y1/H)} in [0, 1]. {@link BoxRegressionNet} puts it on camnet's trunk (trained together);
 * a transfer run puts it on a frozen pretrained backbone's cached activations.
 */
public final class BoxHead extends AbstractBlock {
  public static final int BOX_CHANNELS = 8;
  public static final int BOX_HIDDEN = 64;
  private final int classes;
  private final Block classifier;
  private final Block box;

  public BoxHead(int classes) {
    this.classes = classes;
    this.classifier = addChildBlock("classifier", Linear.builder().setUnits(classes).build());
    this.box = addChildBlock("box", new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(BOX_CHANNELS).build())
        .add(Activation::relu)
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(BOX_HIDDEN).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(4).build()));
  }

  public int classes() {
    return classes;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray f = inputs.singletonOrThrow();
    NDArray y = classifier.forward(ps, new NDList(CamNet.globalAveragePool(f)), training).singletonOrThrow();
    NDArray b = Activation.sigmoid(box.forward(ps, new NDList(f), training).singletonOrThrow());
    return new NDList(y, b);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    long n = inputs[0].get(0);
    return new Shape[] {new Shape(n, classes), new Shape(n, 4)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape f = inputShapes[0];
    classifier.initialize(manager, dataType, new Shape(f.get(0), f.get(1)));
    box.initialize(manager, dataType, f);
  }
}
