package io.camkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.ndarray.NDArrays;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.camkit.model.wsol.Acol;
import io.camkit.model.wsol.AttentionDropout;
import io.camkit.model.wsol.WsolOptions;
import io.camkit.core.CamkitException;
import io.camkit.model.arch.Architecture;
import io.camkit.model.arch.ClassMapHead;
import io.camkit.model.arch.Head;
import io.camkit.model.arch.KerasBaselines;
import io.camkit.model.pooling.GlobalAveragePooling;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A classifier of two children: {@code features}, a {@link SequentialBlock} whose children are the
 * layers (input {@code [N, 3, H, W]} → last conv maps {@code f = [N, K, h, w]}), and a head
 * mapping {@code f} to scores {@code [N, C]} ({@link #head}), one of the three kinds of {@link Head}.
 *
 * <p>With the default GAP head the net is a CNN-GAP network: the head is a linear layer
 * ({@code classifier}) with weights {@code w = [C, K]} and bias {@code b = [C]}, and
 *
 * <pre>  y_c = Σ_k w_k^c · GAP(f_k) + b_c,   GAP(f_k) = (1 / hw) Σ_{x,y} f_k(x, y)</pre>
 *
 * so {@code y_c = (1 / hw) Σ_{x,y} M_c(x, y) + b_c} with the class activation map {@code M_c = Σ_k
 * w_k^c f_k} (Zhou et al. 2016, Eq. 1–2). With any other pooling ({@link HeadOptions}) the head is
 * a {@link ClassMapHead} ({@code head}): 1×1 conv to class maps, pooled into scores.
 *
 * <p>The conv stack is chosen by {@link CamNetOptions#arch()} and described, layer by layer, by
 * {@link Architecture} (which also gives its map sizes and receptive field):
 *
 * <ul>
 *   <li>{@code camnet}: see {@link CamNetOptions}; stride 4, batch norm.
 *   <li>{@code cnn-gap}: the Keras trunk of {@link KerasBaselines} (valid 3×3 convs 32, 64, 128
 *       with ReLU and two 2×2 max-pools, no batch norm), on 3-channel input, then the GAP head (the
 *       Keras net's dense 64 layer is left out so that the CAM is exact) or a class-map head.
 *   <li>{@code cnn-flatten}: the same trunk and the Keras dense head ({@code dense}: max-pool →
 *       flatten → dropout 0.5 → dense 64 → dropout → dense C). No CAM: its weights are tied to
 *       positions.
 *   <li>{@code nin}: Network in Network (Lin et al. 2014), mlpconv 5×5 ({@code width}) → max-pool
 *       → mlpconv 5×5 ({@code 2·width}) → max-pool → 3×3 conv ({@code 4·width}) → 1×1 conv (K);
 *       the last mlpconv's final 1×1 conv is the class-map head, one map per class (M per class
 *       for WILDCAT), pooled by {@code --pooling} (GAP by default, as in NiN). Stride 4, no batch
 *       norm, no dropout.
 * </ul>
 */
public final class CamNet extends AbstractBlock {
  private static final byte VERSION = 1;

  private final CamNetOptions options;
  private final SequentialBlock features;
  private final Head head;
  private final Linear branchB; // ACoL's second classifier, else null

  /**
   * Key of the forward parameters under which a trainer passes the labels {@code long[N]} of the
   * batch (ACoL's branch B erases by the class map of each image's class).
   */
  public static final String LABELS = "labels";

  /**
   * Key of the forward parameters under which a trainer passes ADL's draw for the step, a {@link
   * Boolean}: true for the drop mask, false for the importance map (the importance map when
   * absent).
   */
  public static final String ADL_DROP = "adl.drop";

  public CamNet(CamNetOptions options) {
    super(VERSION);
    checkHead(options);
    this.options = options;
    this.features = addChildBlock("features", featureBlock(options));
    this.head = Head.of(options);
    addChildBlock(head.childName(), head.block());
    this.branchB = options.wsol().is("acol")
        ? addChildBlock(ACOL_BRANCH_B, Linear.builder().setUnits(options.classes()).build())
        : null;
  }

  /** The child name of ACoL's branch B (a GAP + linear head like {@code classifier}). */
  public static final String ACOL_BRANCH_B = "classifierB";

  /** Dropout rate of cnn-flatten's dense head (the Keras baseline's). */
  public static final float FLATTEN_DROPOUT = Head.FLATTEN_DROPOUT;

  public CamNetOptions options() {
    return options;
  }

  /** The conv part: {@code [N, 3, H, W] → [N, K, h, w]}; its children are the layers. */
  public SequentialBlock features() {
    return features;
  }

  /** Why a net with a dense head ({@code arch}, e.g. cnn-flatten) has no class activation maps. */
  public static String noCamMessage(String arch) {
    return arch + " has a dense head: CAM needs a GAP or class-map head; use a gradient method";
  }

  /** Whether the head is global average pooling + one linear layer (the precondition of CAM). */
  public boolean hasLinearClassifier() {
    return head instanceof Head.GapLinear;
  }

  /** The head: GAP + linear, class maps or dense ({@link Head}). */
  public Head scoreHead() {
    return head;
  }

  /** The classifier weights {@code w = [C, K]} of the GAP head (owned by the model; do not close). */
  public NDArray classWeights() {
    if (!(head instanceof Head.GapLinear g)) {
      throw new IllegalStateException("a " + options.head().pooling() + " head of " + options.arch()
          + " has no GAP + linear weights");
    }
    return g.weights();
  }

  /** The class-map head, or null for the GAP head and cnn-flatten's dense head. */
  public ClassMapHead classMapHead() {
    return head instanceof Head.ClassMaps c ? c.maps() : null;
  }

  /**
   * The side {@code h = w} of the last map for {@code size}×{@code size} input, 0 when some layer
   * would get less than its kernel; for cnn-flatten, the map after its dense head's max-pool:
   * {@link Architecture#mapSide} (channels do not matter).
   */
  public static int mapSide(String arch, int size) {
    return Architecture.of(arch, 1, 1).mapSide(size);
  }

  /**
   * Checks {@code o} against the size of the last map for its input size, without building
   * weights, so that an impossible setting fails before any work: the map must be at least 1×1
   * ({@link CamkitException} naming {@code --image-size}, {@code --arch} and the smallest size
   * allowed, {@link Architecture#smallestInput()}), and k⁺, k⁻ must not exceed its regions.
   */
  public static void checkHead(CamNetOptions o) {
    Architecture a = Architecture.of(o);
    int side = a.mapSide(o.imageSize());
    if (side < 1) {
      throw new CamkitException(String.format(java.util.Locale.ROOT,
          "--image-size %d is too small for --arch %s: its last %s map would be %d×%d; use at least %d",
          o.imageSize(), o.arch(), o.hasCam() ? "conv" : "pooled", side, side, a.smallestInput()));
    }
    o.head().checkRegions(side * side);
  }

  /** A fresh copy of the conv part for {@code o} (the {@code features} child): {@link Architecture#featureBlock()}. */
  public static SequentialBlock featureBlock(CamNetOptions o) {
    return Architecture.of(o).featureBlock();
  }

  private static final GlobalAveragePooling GAP = new GlobalAveragePooling();

  /** Global average pooling {@code [N, K, h, w] → [N, K]}. */
  public static NDArray globalAveragePool(NDArray f) {
    return GAP.apply(f);
  }

  /**
   * The scores {@code [N, C]} of the input {@code [N, 3, H, W]}. In training, with a WSOL method
   * that changes the forward pass: ADL ({@link AttentionDropout}) multiplies the last conv maps by
   * the drop mask or the importance map ({@link #ADL_DROP}); ACoL ({@link Acol}) returns two
   * scores, branch A's then branch B's on the features erased where A's map of each image's class
   * ({@link #LABELS}) is ≥ δ, and the trainer sums their losses. At inference both are the plain
   * network (ACoL: branch A's scores).
   */
  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray f = features.forward(ps, inputs, training, params).singletonOrThrow();
    WsolOptions w = options.wsol();
    if (training && w.is("adl")) {
      f = AttentionDropout.apply(f, w.adlGamma(), params != null && Boolean.TRUE.equals(params.get(ADL_DROP)));
    }
    NDArray a = head(ps, f, training);
    Object labels = params == null ? null : params.get(LABELS);
    if (training && branchB != null && labels instanceof long[] y) {
      NDArray erased = Acol.erase(f, Acol.classMap(f, classWeights(), f.getManager().create(y)), w.acolDelta());
      NDArray b = branchB.forward(ps, new NDList(globalAveragePool(erased)), training).singletonOrThrow();
      return new NDList(a, b);
    }
    return new NDList(a);
  }

  /**
   * ACoL's fused class maps {@code max(norm M_A,c, norm M_B,c)} {@code [N, C, h, w]} of features
   * {@code f = [N, K, h, w]} at inference ({@link Acol#fuse}), where branch B sees f erased by
   * A's map of each class c in turn; null unless the net was trained with ACoL.
   */
  public NDArray acolFusedMaps(ParameterStore ps, NDArray f) {
    if (branchB == null) {
      return null;
    }
    NDArray wA = classWeights();
    NDArray wB = branchB.getParameters().get("weight").getArray();
    NDArray mapsA = camOf(f, wA);
    NDList perClass = new NDList();
    for (int c = 0; c < options.classes(); c++) {
      NDArray erased = Acol.erase(f, mapsA.get(":, {}:{}", c, c + 1), options.wsol().acolDelta());
      perClass.add(camOf(erased, wB.get("{}:{}", c, c + 1)));
    }
    return Acol.fuse(mapsA, NDArrays.concat(perClass, 1));
  }

  /** {@code M_c = Σ_k w_k^c f_k}: {@code [N, C, h, w]} for {@code f = [N, K, h, w]}, {@code w = [C, K]}. */
  private static NDArray camOf(NDArray f, NDArray w) {
    Shape s = f.getShape();
    NDArray flat = f.reshape(s.get(0), s.get(1), s.get(2) * s.get(3));
    return w.toDevice(f.getDevice(), false).matMul(flat).reshape(s.get(0), w.getShape().get(0), s.get(2), s.get(3));
  }

  /**
   * The head alone: the output {@code f = [N, K, h, w]} of {@link #features()} to the scores
   * {@code [N, C]} (logits). Running the first i children of {@code features} captures layer i;
   * the remaining children, then this, give the logits.
   */
  public NDArray head(ParameterStore ps, NDArray f, boolean training) {
    return head.scores(ps, f, training);
  }

  /**
   * Runs the net once and returns both the last conv maps {@code [N, K, h, w]} and the scores
   * {@code [N, C]}, for CAM.
   */
  public NDList forwardWithFeatures(ParameterStore ps, NDArray input, boolean training) {
    NDArray f = features.forward(ps, new NDList(input), training).singletonOrThrow();
    return new NDList(f, head(ps, f, training));
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
    head.initialize(manager, dataType, f);
    if (branchB != null) {
      branchB.initialize(manager, dataType, new Shape(f.get(0), f.get(1)));
    }
  }
}
