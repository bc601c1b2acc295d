package io.camkit.transfer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.camkit.model.CamNet;
import io.camkit.model.HeadOptions;
import io.camkit.model.arch.ClassMapHead;

/**
 * The new classifier trained on a frozen backbone's activations {@code A [N, K, h, w]}: scores
 * {@code y [N, C]}.
 *
 * <ul>
 *   <li>{@code gap} (default): {@code y_c = Σ_k w_ck · GAP(A_k) + b_c} (Zhou et al. 2016, Eq.
 *       1–2), one linear layer {@code classifier} with {@code w [C, K]}: its CAM is {@code M_c =
 *       Σ_k w_ck A_k}.
 *   <li>any other pooling of {@link HeadOptions}: a {@link ClassMapHead} ({@code head}), a 1×1
 *       convolution to class maps {@code [N, C·M, h, w]} pooled into scores; the maps are the CAM.
 * </ul>
 */
public final class TransferHead extends AbstractBlock {
  private static final byte VERSION = 1;

  private final HeadOptions options;
  private final int classes;
  private final Linear classifier; // gap, else null
  private final ClassMapHead maps; // other poolings, else null

  public TransferHead(HeadOptions options, int classes) {
    super(VERSION);
    this.options = options;
    this.classes = classes;
    if (options.isGap()) {
      this.classifier = addChildBlock("classifier", Linear.builder().setUnits(classes).build());
      this.maps = null;
    } else {
      this.classifier = null;
      this.maps = addChildBlock("head", new ClassMapHead(classes, options));
    }
  }

  public HeadOptions options() {
    return options;
  }

  /** Whether the head is GAP + linear (CAM from {@link #classWeights}). */
  public boolean isGap() {
    return classifier != null;
  }

  /** {@code w [C, K]} of the GAP head (owned by the head; do not close). */
  public NDArray classWeights() {
    if (classifier == null) {
      throw new IllegalStateException("a " + options.pooling() + " head has no GAP + linear weights");
    }
    return classifier.getParameters().get("weight").getArray();
  }

  /** The class maps {@code [N, C, h, w]} of a class-map head for activations {@code a [N, K, h, w]}. */
  public NDArray classMaps(ParameterStore ps, NDArray a) {
    if (maps == null) {
      throw new IllegalStateException("the GAP head has no class maps of its own");
    }
    return maps.classMaps(ps, a, false);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray a = inputs.singletonOrThrow();
    if (classifier != null) {
      return classifier.forward(ps, new NDList(CamNet.globalAveragePool(a)), training);
    }
    return maps.forward(ps, new NDList(a), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape a = inputShapes[0];
    options.checkRegions((int) (a.get(2) * a.get(3)));
    if (classifier != null) {
      classifier.initialize(manager, dataType, new Shape(a.get(0), a.get(1)));
    } else {
      maps.initialize(manager, dataType, a);
    }
  }
}
