package io.camkit.model.supervised;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.camkit.model.CamNet;
import io.camkit.model.CamNetOptions;

/**
 * Localization's "simplest solution", fully supervised: one trunk, two heads trained together,
 * {@code x [N, 3, H, W] → (y [N, C], b [N, 4])}. The trunk is camnet's ({@link
 * CamNet#featureBlock}); the heads are a {@link BoxHead} (GAP + linear classes; a small box
 * branch with 4 sigmoid corners {@code (x0/W, y0/H, x1/W, y1/H)}). Trained by {@code
 * io.camkit.model.train.BoxTrainer}.
 */
public final class BoxRegressionNet extends AbstractBlock {
  static final int BOX_CHANNELS = BoxHead.BOX_CHANNELS;
  static final int BOX_HIDDEN = BoxHead.BOX_HIDDEN;
  private final CamNetOptions options;
  private final Block features;
  private final BoxHead head;

  public BoxRegressionNet(CamNetOptions options) {
    this.options = options;
    this.features = addChildBlock("features", CamNet.featureBlock(options));
    this.head = addChildBlock("head", new BoxHead(options.classes()));
  }

  public CamNetOptions options() {
    return options;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return head.forward(ps, features.forward(ps, inputs, training), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return head.getOutputShapes(features.getOutputShapes(inputs));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    features.initialize(manager, dataType, inputShapes); // then the classifier, then the box branch, as before
    head.initialize(manager, dataType, features.getOutputShapes(inputShapes));
  }
}
