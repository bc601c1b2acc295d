package io.camkit.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import io.camkit.model.CamNetOptions;
import io.camkit.model.HeadOptions;
import io.camkit.model.pooling.GlobalAveragePooling;

/**
 * The head of a {@link io.camkit.model.CamNet}: the last conv maps {@code f = [N, K, h, w]} to the
 * scores {@code [N, C]} (logits). Exactly one of three kinds, each the net's one child besides
 * {@code features}, under the name {@link #childName()} (which fixes the saved parameters' names,
 * so it must not change):
 *
 * <ul>
 *   <li>{@link GapLinear} ({@code classifier}): {@code y_c = Σ_k w_k^c · GAP(f_k) + b_c}, with
 *       {@code w = [C, K]}; its CAM is {@code M_c = Σ_k w_k^c f_k} (Zhou et al. 2016, Eq. 1–2);
 *   <li>{@link ClassMaps} ({@code head}): a {@link ClassMapHead}, 1×1 conv to {@code C·M} class maps
 *       pooled into scores; its class maps are its CAM;
 *   <li>{@link Dense} ({@code dense}): cnn-flatten's dense head (max-pool → flatten → dense), whose
 *       weights are tied to positions: no CAM.
 * </ul>
 */
public sealed interface Head permits Head.GapLinear, Head.ClassMaps, Head.Dense {
  /** Dropout rate of cnn-flatten's dense head (the Keras baseline's). */
  float FLATTEN_DROPOUT = 0.5f;

  /**
   * The head {@code o} asks for: the dense head without CAM (cnn-flatten), GAP + linear for the
   * GAP pooling (except nin, whose last mlpconv 1×1 is a class-map head even with GAP), else a
   * class-map head with {@code o.head()}'s pooling.
   */
  static Head of(CamNetOptions o) {
    HeadOptions h = o.head();
    if (!o.hasCam()) {
      return new Dense(KerasBaselines.flattenHead(o.classes(), FLATTEN_DROPOUT));
    }
    if (h.isGap() && !o.arch().equals("nin")) {
      return new GapLinear(Linear.builder().setUnits(o.classes()).build());
    }
    return new ClassMaps(new ClassMapHead(o.classes(), h));
  }

  /** The name of the head's child block in the net (part of every saved parameter's name). */
  String childName();

  /** The head's block (the net's child). */
  Block block();

  /** The scores {@code [N, C]} of {@code f = [N, K, h, w]}. */
  default NDArray scores(ParameterStore ps, NDArray f, boolean training) {
    return block().forward(ps, new NDList(input(f)), training).singletonOrThrow();
  }

  /** Initialises the block for features of shape {@code f = [N, K, h, w]}. */
  default void initialize(NDManager manager, DataType dataType, Shape f) {
    block().initialize(manager, dataType, inputShape(f));
  }

  /** What the block takes for features {@code f}: {@code f} itself unless overridden. */
  default NDArray input(NDArray f) {
    return f;
  }

  /** The block's input shape for features of shape {@code f}. */
  default Shape inputShape(Shape f) {
    return f;
  }

  /**
   * GAP then one linear layer: {@code [N, K, h, w] → GAP → [N, K] → [N, C]}.
   *
   * @param linear weights {@code w = [C, K]}, bias {@code b = [C]}
   */
  record GapLinear(Linear linear) implements Head {
    private static final GlobalAveragePooling GAP = new GlobalAveragePooling();

    @Override
    public String childName() {
      return "classifier";
    }

    @Override
    public Block block() {
      return linear;
    }

    @Override
    public NDArray input(NDArray f) {
      return GAP.apply(f);
    }

    @Override
    public Shape inputShape(Shape f) {
      return new Shape(f.get(0), f.get(1));
    }

    /** The class weights {@code w = [C, K]} (owned by the model; do not close). */
    public NDArray weights() {
      return linear.getParameters().get("weight").getArray();
    }

    /** The bias {@code b = [C]} (owned by the model; do not close). */
    public NDArray bias() {
      return linear.getParameters().get("bias").getArray();
    }
  }

  /** A class-map head: {@code [N, K, h, w] → [N, C·M, h, w] → pooled → [N, C]}. */
  record ClassMaps(ClassMapHead maps) implements Head {
    @Override
    public String childName() {
      return "head";
    }

    @Override
    public Block block() {
      return maps;
    }
  }

  /** cnn-flatten's dense head, {@code [N, 128, h, w] → [N, C]} ({@link KerasBaselines#flattenHead}). */
  record Dense(SequentialBlock dense) implements Head {
    @Override
    public String childName() {
      return "dense";
    }

    @Override
    public Block block() {
      return dense;
    }
  }
}
