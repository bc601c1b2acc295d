package io.camkit.interop.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.camkit.core.CamkitException;
import io.camkit.interop.ClassOrder;
import io.camkit.interop.ImportedModel;
import io.camkit.interop.onnx.proto.Onnx.NodeProto;
import io.camkit.model.layers.LayerInfo;
import io.camkit.model.layers.TokenLayer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An ONNX image classifier run by ONNX Runtime, as a {@link io.camkit.model.layers.LayeredModel}.
 *
 * <ul>
 *   <li><b>Forward</b>: ONNX Runtime on the CPU. A layer's activations are returned by a session on
 *       a copy of the graph that lists the layer among its outputs ({@link OnnxGraph#withOutputs});
 *       one session per layer used, created on first use.
 *   <li><b>Head</b> (layer → logits): run by camkit on DJL arrays ({@link OnnxHead}), so gradient
 *       methods work when every op of the head is one camkit runs; it is checked against ONNX
 *       Runtime's logits on first use. Otherwise the head falls back to the logits ONNX Runtime
 *       computed with the activations (enough for CAM and Score-CAM) and gradient methods are
 *       refused with the op's name.
 *   <li><b>CAM</b>: the classifier weights are read from the graph when the head is GAP + linear
 *       (Gemm / MatMul / 1×1 Conv, either order: {@link OnnxClassifier}).
 *   <li><b>Layers</b>: every 4-D float tensor computed before global pooling, and every float
 *       tensor of transformer tokens {@code [N, T, D]} (seen as a map {@code [N, D, h, w]}, {@link
 *       TokenLayer}, grid from the card or inferred), with its shape measured by one probe run on a
 *       blank image.
 * </ul>
 */
public final class OnnxModel extends ImportedModel {
  private static final Set<String> HEAD_OPS = Set.of("Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity",
      "Dropout", "Gemm", "MatMul", "Add", "Conv", "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "Softmax");
  private static final Set<String> GLOBAL_POOLS = Set.of("GlobalAveragePool", "GlobalMaxPool", "ReduceMean",
      "ReduceMax", "Flatten", "Gemm", "MatMul");

  private final OnnxGraph graph;
  private final OnnxCard card;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession plain;
  private final Map<String, OrtSession> sessions = new HashMap<>();
  private final Map<String, Optional<OnnxHead>> heads = new HashMap<>();
  private final Map<String, String> headErrors = new HashMap<>();
  private final Set<String> checkedHeads = new HashSet<>();
  private final Map<String, Optional<NDArray>> weights = new HashMap<>();
  private final NDManager params = NDManager.newBaseManager("PyTorch");
  private final String inputName;
  private final String logitsName;
  private final String defaultLayer;
  private final ClassOrder order;
  private final Map<String, FeatureRun> runs = new ConcurrentHashMap<>();
  private final Map<String, TokenLayer> tokenLayers = new ConcurrentHashMap<>();
  private List<LayerInfo> layers;

  private OnnxModel(OnnxGraph graph, OnnxCard card) {
    super(graph.description(), card.scaling());
    this.graph = graph;
    this.card = card;
    this.inputName = pickInput();
    this.logitsName = pickLogits();
    try {
      this.plain = session(graph.bytes());
    } catch (RuntimeException e) {
      params.close();
      throw e;
    }
    int c;
    try (NDManager scope = params.newSubManager()) {
      NDArray y = run(plain, scope, scope.zeros(new Shape(1, 3, card.height(), card.width())), List.of(logitsName))
          .get(logitsName);
      if (y.getShape().dimension() != 2) {
        close();
        throw new CamkitException(description() + ": output '" + logitsName + "' has shape " + y.getShape()
            + ", not class scores [N, C]; name the logits output in the card (\"logits\": ...)");
      }
      c = (int) y.getShape().get(1);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    try {
      this.order = ClassOrder.of(card.classOrder(), c, description());
      setClasses(ClassOrder.names(card.classes(), c, description()));
      if (card.layer() != null && graph.producer(card.layer()).isEmpty()) {
        throw new CamkitException("the card's layer '" + card.layer() + "' is not a tensor computed by " + description()
            + "; run camkit layers without it to see the names");
      }
      this.defaultLayer = card.layer() != null ? card.layer() : findDefaultLayer();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Loads an ONNX file with its card. */
  public static OnnxModel load(Path file, OnnxCard card) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new CamkitException("no such model file: " + file);
    }
    return new OnnxModel(OnnxGraph.read(file), card);
  }

  /** Wraps a parsed graph (e.g. one built in memory). */
  public static OnnxModel of(OnnxGraph graph, OnnxCard card) {
    return new OnnxModel(graph, card);
  }

  /** The parsed graph. */
  public OnnxGraph graph() {
    return graph;
  }

  private String pickInput() {
    List<String> in = graph.inputs();
    if (card.input() != null) {
      if (!in.contains(card.input())) {
        throw new CamkitException(description() + " has no input '" + card.input() + "'; its inputs: " + in);
      }
      return card.input();
    }
    if (in.size() != 1) {
      throw new CamkitException(description() + " has " + in.size() + " inputs " + in
          + "; name the image input in the card (\"input\": ...)");
    }
    return in.get(0);
  }

  private String pickLogits() {
    List<String> out = graph.outputs();
    if (card.logits() != null) {
      if (!out.contains(card.logits()) && graph.producer(card.logits()).isEmpty()) {
        throw new CamkitException(description() + " has no tensor '" + card.logits() + "'; its outputs: " + out);
      }
      return card.logits();
    }
    if (out.contains("logits")) {
      return "logits";
    }
    if (out.size() != 1) {
      throw new CamkitException(description() + " has outputs " + out
          + "; name the class scores in the card (\"logits\": ...)");
    }
    return out.get(0);
  }

  /**
   * An extra graph output the logits are computed from (an exported {@code features} or {@code
   * tokens}), if there is exactly one; else, walking back from the logits through classifier-like
   * ops, the first tensor before them.
   */
  private String findDefaultLayer() {
    List<String> exported = graph.outputs().stream()
        .filter(o -> !o.equals(logitsName) && graph.isFloat(o) && computesLogits(resolve(o))).toList();
    if (exported.size() == 1) {
      return exported.get(0);
    }
    String t = logitsName;
    while (true) {
      Optional<NodeProto> p = graph.producer(t);
      if (p.isEmpty() || !HEAD_OPS.contains(p.get().getOpType())) {
        break;
      }
      List<String> dynamic = p.get().getInputList().stream().filter(i -> !i.isEmpty() && !graph.isConstant(i)).toList();
      if (dynamic.size() != 1) {
        break;
      }
      t = dynamic.get(0);
    }
    if (t.equals(logitsName) || graph.inputs().contains(t)) {
      throw new CamkitException(description() + ": cannot find the layer before the classifier; name it in the card"
          + " (\"layer\": ...)");
    }
    // Prefer an output that merely renames it (e.g. an exported "features").
    for (NodeProto n : graph.consumers(t)) {
      if (n.getOpType().equals("Identity") && graph.outputs().contains(n.getOutput(0))) {
        return n.getOutput(0);
      }
    }
    return t;
  }

  private boolean computesLogits(String tensor) {
    try {
      return !graph.between(tensor, logitsName).isEmpty();
    } catch (CamkitException e) {
      return false; // does not separate the net
    }
  }

  /** The tensor a layer name stands for, through Identity renamings. */
  /** The graph input the image tensor {@code [N, 3, H, W]} is fed to. */
  public String inputName() {
    return inputName;
  }

  /** The tensor of the graph that layer {@code name} reads (through {@code Identity} nodes). */
  public String tensorOf(String name) {
    return resolve(layer(name).name());
  }

  private String resolve(String layer) {
    String t = layer;
    Optional<NodeProto> p = graph.producer(t);
    while (p.isPresent() && p.get().getOpType().equals("Identity")) {
      t = p.get().getInput(0);
      p = graph.producer(t);
    }
    return t;
  }

  private OrtSession session(byte[] model) {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return env.createSession(model, o);
    } catch (OrtException e) {
      throw new CamkitException("ONNX Runtime cannot load " + description() + ": " + e.getMessage(), e);
    }
  }

  private OrtSession sessionFor(String layer) {
    return sessions.computeIfAbsent(layer, l -> session(graph.withOutputs(List.of(l))));
  }

  private Map<String, NDArray> run(OrtSession s, NDManager scope, NDArray x, List<String> outputs) {
    long[] shape = x.getShape().getShape();
    if (shape.length != 4 || shape[1] != 3) {
      throw new CamkitException(description() + " takes images [N, 3, H, W], not " + x.getShape());
    }
    Map<String, NDArray> out = new LinkedHashMap<>();
    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloatArray()), shape);
        OrtSession.Result r = s.run(Map.of(inputName, in), new LinkedHashSet<>(outputs))) {
      for (String name : outputs) {
        OnnxValue v = r.get(name).orElseThrow();
        if (!(v instanceof OnnxTensor t) || t.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
          throw new CamkitException(description() + ": '" + name + "' is not a float tensor");
        }
        FloatBuffer fb = t.getFloatBuffer();
        float[] data = new float[fb.remaining()];
        fb.get(data);
        out.put(name, scope.create(data, new Shape(t.getInfo().getShape())));
      }
    } catch (OrtException e) {
      throw new CamkitException("ONNX Runtime failed on " + description() + ": " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public synchronized List<LayerInfo> layers() {
    if (layers == null) {
      layers = probeLayers();
    }
    return layers;
  }

  /**
   * One run with every candidate tensor exposed, on a blank image: their shapes. Candidates are
   * the float tensors nodes compute; a layer is one of rank 4 before global pooling, or transformer
   * tokens {@code [1, T, D]} ({@code D ≥ 2}) whose count fits the card's {@link TokenGrid}.
   */
  private List<LayerInfo> probeLayers() {
    Set<String> afterPooling = new HashSet<>();
    List<String> candidates = new ArrayList<>();
    for (NodeProto n : graph.nodes()) {
      boolean after = GLOBAL_POOLS.contains(n.getOpType())
          || n.getInputList().stream().anyMatch(afterPooling::contains);
      for (String o : n.getOutputList()) {
        if (after) {
          afterPooling.add(o);
        }
        if (!n.getOpType().equals("Constant") && !o.isEmpty() && !graph.isConstant(o) && graph.isFloat(o)) {
          candidates.add(o);
        }
      }
    }
    if (!candidates.contains(defaultLayer)) {
      candidates.add(defaultLayer);
    }
    List<LayerInfo> out = new ArrayList<>();
    try (OrtSession probe = session(graph.withOutputs(candidates)); NDManager scope = params.newSubManager()) {
      NDArray x = scope.zeros(new Shape(1, 3, card.height(), card.width()));
      Map<String, NDArray> shapes = run(probe, scope, x, candidates);
      for (String name : candidates) {
        Shape s = shapes.get(name).getShape();
        if (name.equals(defaultLayer)) {
          continue;
        }
        if (s.dimension() == 4 && !afterPooling.contains(name)) {
          out.add(new LayerInfo(name, kind(name), new long[] {s.get(1), s.get(2), s.get(3)}));
        } else if (s.dimension() == 3 && s.get(0) == 1 && s.get(2) >= 2) {
          tokenLayer(name, s, false).ifPresent(out::add);
        }
      }
      Shape d = shapes.get(defaultLayer).getShape();
      if (d.dimension() == 3) {
        out.add(tokenLayer(defaultLayer, d, true).orElseThrow());
      } else if (d.dimension() == 4) {
        out.add(new LayerInfo(defaultLayer, kind(defaultLayer), new long[] {d.get(1), d.get(2), d.get(3)}));
      } else {
        throw new CamkitException(description() + ": layer '" + defaultLayer + "' has shape " + d
            + ", neither activations [N, K, h, w] nor transformer tokens [N, T, D]");
      }
    } catch (OrtException e) {
      throw new CamkitException("ONNX Runtime failed on " + description() + ": " + e.getMessage(), e);
    }
    return List.copyOf(out);
  }

  private String kind(String tensor) {
    return "ONNX " + graph.producer(tensor).map(NodeProto::getOpType).orElse("?");
  }

  /**
   * Tokens {@code [1, T, D]} as a layer seen as a map {@code [D, h, w]}; empty when their count
   * does not fit the grid or leaves fewer than 2×2 patches, unless {@code required} (the default
   * layer: then the grid's error). A channels-first flattening {@code [1, C, h·w]} looks the same
   * and is listed too when C fits a grid.
   */
  private Optional<LayerInfo> tokenLayer(String name, Shape s, boolean required) {
    TokenLayer t;
    try {
      t = TokenLayer.of(name, s.getShape(), card.tokenGrid());
    } catch (CamkitException e) {
      if (required) {
        throw e;
      }
      return Optional.empty();
    }
    if (!required && t.grid().height() * t.grid().width() < 4) {
      return Optional.empty(); // a lone token (a class token being built) is no map
    }
    tokenLayers.put(name, t);
    return Optional.of(new LayerInfo(name, kind(name) + ", " + t.describe(), t.mapShape(s.get(2))));
  }

  @Override
  public String defaultLayer() {
    return defaultLayer;
  }

  @Override
  public NDArray logits(NDManager scope, NDArray x) {
    return order.apply(run(plain, scope, x, List.of(logitsName)).get(logitsName));
  }

  /**
   * {@inheritDoc}
   *
   * <p>ONNX Runtime computes the logits in the same run; they are kept, with the activations, as a
   * {@link FeatureRun} that lives exactly as long as {@code scope}: {@link #head} on these
   * activations reuses them (the forward-only fallback, and the one check of camkit's head), and
   * closing {@code scope} forgets them.
   */
  @Override
  public synchronized NDArray features(NDManager scope, NDArray x, String layer) {
    layer(layer);
    Map<String, NDArray> out = run(sessionFor(layer), scope, x, List.of(layer, logitsName));
    TokenLayer t = tokenLayers.get(layer);
    NDArray a = t == null ? out.get(layer) : t.toMap(scope, out.get(layer));
    FeatureRun r = new FeatureRun(a, order.apply(out.get(logitsName)));
    String key = r.features().getUid();
    runs.put(key, r);
    scope.attachInternal("camkit-onnx-run-" + UUID.randomUUID(), () -> runs.remove(key, r));
    return r.features();
  }

  /**
   * Activations {@code A [N, K, h, w]} returned by {@link #features} and the logits {@code y [N,
   * C]} ONNX Runtime computed with them, both in the caller's scope; found again by the
   * activations' uid, and only while they are open.
   */
  private record FeatureRun(NDArray features, NDArray logits) {}

  /** The run that returned {@code a}, if it is still open. */
  private Optional<FeatureRun> runOf(NDArray a) {
    FeatureRun r = runs.get(a.getUid());
    return r != null && r.features() == a && !a.isReleased() && !r.logits().isReleased() ? Optional.of(r)
        : Optional.empty();
  }

  private synchronized Optional<OnnxHead> headFor(String layer) {
    return heads.computeIfAbsent(layer, l -> {
      try {
        return Optional.of(new OnnxHead(graph, params, resolve(l), logitsName));
      } catch (CamkitException e) {
        headErrors.put(l, e.getMessage());
        return Optional.empty();
      }
    });
  }

  @Override
  public synchronized NDArray head(NDManager scope, NDArray a, String layer) {
    layer(layer);
    Optional<OnnxHead> h = headFor(layer);
    Optional<FeatureRun> run = runOf(a);
    if (h.isEmpty()) {
      if (run.isPresent()) {
        NDArray y = run.get().logits().duplicate(); // forward-only: what ONNX Runtime computed with these activations
        y.attach(scope);
        return y;
      }
      throw new CamkitException(headErrors.get(layer));
    }
    TokenLayer t = tokenLayers.get(layer);
    NDArray y = order.apply(h.get().apply(scope, t == null ? a : t.toTokens(a)));
    if (checkedHeads.add(layer) && run.isPresent()) {
      check(layer, y, run.get().logits());
    }
    return y;
  }

  /** The DJL head must reproduce ONNX Runtime's logits (1e-3 of their scale). */
  private void check(String layer, NDArray mine, NDArray theirs) {
    float err = mine.sub(theirs).abs().max().getFloat();
    float scale = Math.max(1e-6f, theirs.abs().max().getFloat());
    if (!(err <= 1e-3f * scale)) {
      heads.put(layer, Optional.empty());
      headErrors.put(layer, "camkit's run of the head after '" + layer + "' differs from ONNX Runtime's logits (max"
          + " diff " + err + " at scale " + scale + "); gradient methods are disabled at this layer");
      throw new CamkitException(headErrors.get(layer));
    }
  }

  @Override
  public boolean supportsGradients() {
    return headFor(defaultLayer).isPresent();
  }

  @Override
  public boolean supportsGradients(String layer) {
    layer(layer);
    return headFor(layer).isPresent();
  }

  @Override
  public synchronized String whyNoGradients(String layer) {
    return supportsGradients(layer) ? "" : headErrors.getOrDefault(layer, "");
  }

  @Override
  public synchronized Optional<NDArray> classifierWeights(String layer) {
    layer(layer);
    if (tokenLayers.containsKey(layer)) {
      return Optional.empty(); // the classifier search reads channels on axis 1: not tokens [N, T, D]
    }
    return weights.computeIfAbsent(layer, l -> {
      List<NodeProto> head;
      try {
        head = graph.between(resolve(l), logitsName);
      } catch (CamkitException e) {
        return Optional.empty();
      }
      return OnnxClassifier.find(graph, head).map(lin -> {
        NDArray w = params.create(lin.weight(), new Shape(lin.classes(), lin.channels()));
        return order.rows(w);
      });
    });
  }

  @Override
  public synchronized void close() {
    for (OrtSession s : sessions.values()) {
      closeQuietly(s);
    }
    sessions.clear();
    if (plain != null) {
      closeQuietly(plain);
    }
    params.close();
  }

  private static void closeQuietly(OrtSession s) {
    try {
      s.close();
    } catch (OrtException e) {
      // nothing left to do with a session that cannot close
    }
  }
}
