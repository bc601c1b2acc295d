package io.camkit.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A fully convolutional classifier: a conv trunk ({@code [N, 3, H, W] → [N, K, h, w]}) and a
 * {@link ClassMapHead} whose class maps are pooled into scores; {@link #classMaps} gives the maps
 * the scores came from, which are this network's CAM.
 */
public final class PooledClassifier extends AbstractBlock {
  private final Block trunk;
  private final ClassMapHead head;

  public PooledClassifier(Block trunk, ClassMapHead head) {
    this.trunk = addChildBlock("trunk", trunk);
    this.head = addChildBlock("head", head);
  }

  /** The class maps {@code [N, C, h, w]} of inputs {@code x}, in inference mode. */
  public NDArray classMaps(ParameterStore ps, NDArray x) {
    NDArray f = trunk.forward(ps, new NDList(x), false).singletonOrThrow();
    return head.classMaps(ps, f, false);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return head.forward(ps, trunk.forward(ps, inputs, training, params), training, params);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return head.getOutputShapes(trunk.getOutputShapes(inputShapes));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    trunk.initialize(manager, dataType, inputShapes);
    head.initialize(manager, dataType, trunk.getOutputShapes(inputShapes));
  }
}
