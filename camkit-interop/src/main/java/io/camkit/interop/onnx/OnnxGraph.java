package io.camkit.interop.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.camkit.core.CamkitException;
import io.camkit.interop.onnx.proto.Onnx.AttributeProto;
import io.camkit.interop.onnx.proto.Onnx.GraphProto;
import io.camkit.interop.onnx.proto.Onnx.ModelProto;
import io.camkit.interop.onnx.proto.Onnx.NodeProto;
import io.camkit.interop.onnx.proto.Onnx.TensorProto;
import io.camkit.interop.onnx.proto.Onnx.TypeProto;
import io.camkit.interop.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX model's graph as camkit reads it: nodes in topological order, constant tensors
 * (initializers and {@code Constant} nodes), who produces and who reads each tensor, and a copy of
 * the model with more graph outputs (ONNX Runtime can only return a tensor listed among the graph's
 * outputs, so exposing a layer means adding it there).
 */
public final class OnnxGraph {
  private final ModelProto model;
  private final String description;
  private final Map<String, TensorProto> constants = new HashMap<>();
  private final Map<String, NodeProto> producers = new HashMap<>();
  private final Map<String, List<NodeProto>> consumers = new HashMap<>();
  private final List<String> inputs = new ArrayList<>();
  private Map<String, Integer> types;

  private OnnxGraph(ModelProto model, String description) {
    this.model = model;
    this.description = description;
    GraphProto g = model.getGraph();
    for (TensorProto t : g.getInitializerList()) {
      if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
        throw new CamkitException(description + " keeps its weights in external data files; camkit reads"
            + " single-file ONNX models (save with all tensors inside the .onnx file)");
      }
      constants.put(t.getName(), t);
    }
    for (NodeProto n : g.getNodeList()) {
      for (String out : n.getOutputList()) {
        producers.put(out, n);
      }
      for (String in : n.getInputList()) {
        if (!in.isEmpty()) {
          consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        }
      }
      if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
        attribute(n, "value").filter(AttributeProto::hasT).ifPresent(a -> constants.put(n.getOutput(0), a.getT()));
      }
      if (n.getOpType().equals("Identity") && constants.containsKey(n.getInput(0))) {
        constants.put(n.getOutput(0), constants.get(n.getInput(0))); // a shared weight under a second name
      }
    }
    for (ValueInfoProto v : g.getInputList()) {
      if (!constants.containsKey(v.getName())) {
        inputs.add(v.getName());
      }
    }
  }

  /** Parses {@code file}; errors name the file and say what is wrong with it. */
  public static OnnxGraph read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CamkitException("cannot read ONNX model " + file + ": " + e.getMessage(), e);
    }
    return parse(bytes, file.getFileName().toString());
  }

  /** Parses serialized model bytes. */
  public static OnnxGraph parse(byte[] bytes, String description) {
    ModelProto m;
    try {
      m = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new CamkitException(description + " is not an ONNX model (not a valid protobuf ModelProto: "
          + e.getMessage() + ")", e);
    }
    if (!m.hasGraph() || m.getGraph().getNodeCount() == 0) {
      throw new CamkitException(description + " is not an ONNX model (it has no graph nodes)");
    }
    return new OnnxGraph(m, description);
  }

  public ModelProto model() {
    return model;
  }

  public String description() {
    return description;
  }

  /** The nodes in the file's (topological) order. */
  public List<NodeProto> nodes() {
    return model.getGraph().getNodeList();
  }

  /** Graph inputs that are not initializers: the data inputs (an image classifier has one). */
  public List<String> inputs() {
    return List.copyOf(inputs);
  }

  /** The graph's output names. */
  public List<String> outputs() {
    return model.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
  }

  /** The node computing {@code tensor}, if any (empty for inputs and initializers). */
  public Optional<NodeProto> producer(String tensor) {
    return Optional.ofNullable(producers.get(tensor));
  }

  /** The nodes reading {@code tensor}. */
  public List<NodeProto> consumers(String tensor) {
    return consumers.getOrDefault(tensor, List.of());
  }

  /**
   * Whether {@code tensor} is a constant: an initializer, the output of a Constant node, or an
   * Identity of a constant (how PyTorch's exporter names a weight shared by several modules).
   */
  public boolean isConstant(String tensor) {
    return constants.containsKey(tensor);
  }

  /** A constant as floats (any numeric type converted), row-major. */
  public float[] floats(String tensor) {
    return OnnxTensors.floats(constant(tensor));
  }

  /** A constant as longs (integer shapes, axes). */
  public long[] longs(String tensor) {
    return OnnxTensors.longs(constant(tensor));
  }

  /** The dims of a constant. */
  public long[] dims(String tensor) {
    return constant(tensor).getDimsList().stream().mapToLong(Long::longValue).toArray();
  }

  private TensorProto constant(String tensor) {
    TensorProto t = constants.get(tensor);
    if (t == null) {
      throw new CamkitException(description + ": tensor '" + tensor + "' is not a constant");
    }
    return t;
  }

  /** Every tensor some node computes, in topological order. */
  public List<String> nodeOutputs() {
    List<String> out = new ArrayList<>();
    for (NodeProto n : nodes()) {
      if (!n.getOpType().equals("Constant")) {
        out.addAll(n.getOutputList());
      }
    }
    return out;
  }

  /**
   * The nodes needed to compute {@code output} from {@code from} and constants, in topological
   * order; empty if {@code output} does not depend on {@code from}. Fails, naming the tensor, when
   * {@code output} also depends on another non-constant tensor not computed from {@code from} (a
   * skip connection around the cut: then {@code from} does not separate the net).
   */
  public List<NodeProto> between(String from, String output) {
    Set<String> downstream = new HashSet<>(); // tensors computed (partly) from `from`
    List<String> stack = new ArrayList<>(List.of(from));
    while (!stack.isEmpty()) {
      for (NodeProto n : consumers(stack.remove(stack.size() - 1))) {
        for (String o : n.getOutputList()) {
          if (downstream.add(o)) {
            stack.add(o);
          }
        }
      }
    }
    if (!downstream.contains(output)) {
      return List.of();
    }
    Set<String> seen = new HashSet<>();
    Set<NodeProto> nodes = new HashSet<>();
    stack.add(output);
    while (!stack.isEmpty()) {
      String t = stack.remove(stack.size() - 1);
      if (t.equals(from) || t.isEmpty() || constants.containsKey(t) || !seen.add(t)) {
        continue;
      }
      if (!downstream.contains(t)) {
        throw new CamkitException("layer '" + from + "' does not separate " + description + ": '" + output
            + "' also reads '" + t + "', which does not come from the layer (a connection skips it);"
            + " choose a layer the whole rest of the net reads through");
      }
      NodeProto p = producers.get(t);
      if (nodes.add(p)) {
        stack.addAll(p.getInputList());
      }
    }
    List<NodeProto> ordered = new ArrayList<>();
    for (NodeProto n : nodes()) {
      if (nodes.contains(n)) {
        ordered.add(n);
      }
    }
    return ordered;
  }

  /**
   * The model with {@code extra} added to the graph's outputs (each with its own element type,
   * {@link #elementType}, float when unknown, and an unknown shape), serialized: what an ONNX Runtime session needs to
   * return intermediate tensors.
   */
  public byte[] withOutputs(Collection<String> extra) {
    Set<String> have = new HashSet<>(outputs());
    GraphProto.Builder g = model.getGraph().toBuilder();
    for (String name : extra) {
      if (have.add(name)) {
        int type = elementType(name);
        type = type == TensorProto.DataType.UNDEFINED_VALUE ? TensorProto.DataType.FLOAT_VALUE : type;
        g.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type))));
      }
    }
    return model.toBuilder().setGraph(g).build().toByteArray();
  }

  /** Whether {@code tensor} holds 32-bit floats, or may ({@link #elementType} unknown): what a layer can be. */
  public boolean isFloat(String tensor) {
    int type = elementType(tensor);
    return type == TensorProto.DataType.FLOAT_VALUE || type == TensorProto.DataType.UNDEFINED_VALUE;
  }

  /**
   * The element type of {@code tensor} ({@code TensorProto.DataType} number; 0 when unknown): as
   * the file declares it (inputs, outputs, {@code value_info}, constants), else inferred from its
   * producer as the ONNX operators define it: {@code Shape}/{@code Size}/{@code ArgMax}… give
   * int64, comparisons and logic give bool, {@code Cast} its {@code to}, {@code
   * ConstantOfShape} its value's type, {@code Where} its second input's, every other op its first
   * typed input's.
   */
  public synchronized int elementType(String tensor) {
    if (types == null) {
      types = inferTypes();
    }
    return types.getOrDefault(tensor, TensorProto.DataType.UNDEFINED_VALUE);
  }

  private static final Set<String> INT64_OPS = Set.of("Shape", "Size", "ArgMax", "ArgMin", "NonZero",
      "NonMaxSuppression");
  private static final Set<String> BOOL_OPS = Set.of("Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual",
      "Not", "And", "Or", "Xor", "IsNaN", "IsInf");

  private Map<String, Integer> inferTypes() {
    Map<String, Integer> t = new HashMap<>();
    GraphProto g = model.getGraph();
    for (List<ValueInfoProto> l : List.of(g.getInputList(), g.getOutputList(), g.getValueInfoList())) {
      for (ValueInfoProto v : l) {
        if (v.getType().hasTensorType() && v.getType().getTensorType().getElemType() != 0) {
          t.put(v.getName(), v.getType().getTensorType().getElemType());
        }
      }
    }
    constants.forEach((name, c) -> t.putIfAbsent(name, c.getDataType()));
    for (NodeProto n : g.getNodeList()) {
      int first = n.getInputList().stream().filter(i -> !i.isEmpty()).mapToInt(i -> t.getOrDefault(i, 0))
          .filter(x -> x != 0).findFirst().orElse(0);
      for (int k = 0; k < n.getOutputCount(); k++) {
        String out = n.getOutput(k);
        if (out.isEmpty() || t.containsKey(out)) {
          continue;
        }
        String op = n.getOpType();
        int type;
        if (INT64_OPS.contains(op) || (op.equals("TopK") && k == 1) || (op.equals("MaxPool") && k == 1)) {
          type = TensorProto.DataType.INT64_VALUE;
        } else if (BOOL_OPS.contains(op)) {
          type = TensorProto.DataType.BOOL_VALUE;
        } else if (op.equals("Cast")) {
          type = (int) intAttribute(n, "to", 0);
        } else if (op.equals("ConstantOfShape")) {
          type = attribute(n, "value").filter(AttributeProto::hasT).map(a -> a.getT().getDataType())
              .orElse(TensorProto.DataType.FLOAT_VALUE);
        } else if (op.equals("Where") && n.getInputCount() > 1) {
          type = t.getOrDefault(n.getInput(1), 0);
        } else {
          type = first;
        }
        if (type != 0) {
          t.put(out, type);
        }
      }
    }
    return t;
  }

  /**
   * The model with the float initializers named in {@code values} replaced (stored as raw
   * little-endian float32, same name, dims and type), serialized: how trained weights are written
   * back into a copy of an imported model.
   *
   * @throws CamkitException when a name is not a float initializer of the graph or its size differs
   */
  public byte[] withInitializers(Map<String, float[]> values) {
    GraphProto.Builder g = model.getGraph().toBuilder();
    Set<String> left = new HashSet<>(values.keySet());
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      float[] v = values.get(t.getName());
      if (v == null) {
        continue;
      }
      long n = 1;
      for (long d : t.getDimsList()) {
        n *= d;
      }
      if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE || n != v.length) {
        throw new CamkitException("initializer '" + t.getName() + "' of " + description + " is not " + v.length
            + " float32 values");
      }
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(v);
      g.setInitializer(i, t.toBuilder().clearFloatData().setRawData(com.google.protobuf.ByteString.copyFrom(b.array()))
          .build());
      left.remove(t.getName());
    }
    if (!left.isEmpty()) {
      throw new CamkitException("not initializers of " + description + ": " + new java.util.TreeSet<>(left));
    }
    return model.toBuilder().setGraph(g).build().toByteArray();
  }

  /**
   * What {@link #withoutLastStride} changed.
   *
   * @param bytes the edited model, serialized
   * @param node the node now at stride 1 ({@link #describe})
   * @param strides its strides before
   */
  public record Destrided(byte[] bytes, String node, long[] strides) {}

  /** Operators whose {@code strides} attribute downsamples. */
  private static final Set<String> STRIDED_OPS = Set.of("Conv", "MaxPool", "AveragePool");

  /**
   * The model with the last downsampling node on the way from the input to {@code layer} (a Conv,
   * MaxPool or AveragePool with a stride above 1, the last in topological order) set to stride 1,
   * as wsolevaluation does to its backbones for twice finer maps (Choe et al., CVPR 2020; there
   * ResNet-50's last stage runs at stride 1): every map from that node on, {@code layer}'s
   * included, doubles its height and width (for stride 2), and the layers after it keep their
   * weights, so each of their positions now sees half the image area it saw in training, which
   * fine-tuning can correct. Explicit pads (a TensorFlow export's static "same" padding, asymmetric
   * at stride 2) become {@code (k − 1) / 2} on every side, "same" at stride 1 for an odd kernel k;
   * {@code auto_pad} is kept. Declared intermediate shapes ({@code value_info}) and the shapes of
   * the graph's outputs are dropped, since the edit changes them; ONNX Runtime infers them again.
   *
   * @throws CamkitException when no such node feeds {@code layer}, or its kernel is even with
   *     explicit pads (no symmetric "same" padding exists)
   */
  public Destrided withoutLastStride(String layer) {
    String input = inputs.isEmpty() ? null : inputs.get(0);
    List<NodeProto> path = input == null ? List.of() : between(input, layer);
    NodeProto last = null;
    for (NodeProto n : path) {
      long[] st = intsAttribute(n, "strides");
      if (STRIDED_OPS.contains(n.getOpType()) && st != null && java.util.Arrays.stream(st).anyMatch(v -> v > 1)) {
        last = n;
      }
    }
    if (last == null) {
      throw new CamkitException("no strided Conv, MaxPool or AveragePool feeds '" + layer + "' in " + description
          + ": there is no stride to remove");
    }
    long[] strides = intsAttribute(last, "strides");
    NodeProto.Builder edited = last.toBuilder().clearAttribute();
    String autoPad = stringAttribute(last, "auto_pad", "NOTSET");
    for (AttributeProto a : last.getAttributeList()) {
      switch (a.getName()) {
        case "strides" -> edited.addAttribute(a.toBuilder().clearInts().addAllInts(
            java.util.Collections.nCopies(strides.length, 1L)));
        case "pads" -> {
          if (!autoPad.equals("NOTSET")) {
            edited.addAttribute(a);
            break;
          }
          long[] kernel = kernel(last);
          AttributeProto.Builder pads = a.toBuilder().clearInts();
          for (int side = 0; side < 2; side++) {
            for (long k : kernel) {
              if (k % 2 == 0) {
                throw new CamkitException("cannot remove the stride of " + describe(last) + " in " + description
                    + ": its kernel " + java.util.Arrays.toString(kernel) + " is even, so no symmetric padding keeps"
                    + " the map's size at stride 1");
              }
              pads.addInts((k - 1) / 2);
            }
          }
          edited.addAttribute(pads);
        }
        default -> edited.addAttribute(a);
      }
    }
    GraphProto.Builder g = model.getGraph().toBuilder().clearValueInfo();
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).equals(last)) {
        g.setNode(i, edited);
      }
    }
    for (int i = 0; i < g.getOutputCount(); i++) {
      ValueInfoProto o = g.getOutput(i);
      if (o.hasType() && o.getType().hasTensorType()) {
        g.setOutput(i, o.toBuilder().setType(o.getType().toBuilder().setTensorType(
            o.getType().getTensorType().toBuilder().clearShape())));
      }
    }
    return new Destrided(model.toBuilder().setGraph(g).build().toByteArray(), describe(last), strides);
  }

  /** A Conv's or pool's kernel size: {@code kernel_shape}, else a Conv's weight dims after the first two. */
  private long[] kernel(NodeProto n) {
    long[] k = intsAttribute(n, "kernel_shape");
    if (k != null) {
      return k;
    }
    long[] w = n.getOpType().equals("Conv") && n.getInputCount() > 1 ? dims(n.getInput(1)) : null;
    if (w == null || w.length < 3) {
      throw new CamkitException(describe(n) + " in " + description + " has no kernel_shape and no weight dims");
    }
    return java.util.Arrays.copyOfRange(w, 2, w.length);
  }

  /** The serialized model as read. */
  public byte[] bytes() {
    return model.toByteArray();
  }

  /** The attribute {@code name} of {@code node}. */
  public static Optional<AttributeProto> attribute(NodeProto node, String name) {
    for (AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** An integer attribute, or {@code fallback}. */
  public static long intAttribute(NodeProto node, String name, long fallback) {
    return attribute(node, name).map(AttributeProto::getI).orElse(fallback);
  }

  /** A float attribute, or {@code fallback}. */
  public static float floatAttribute(NodeProto node, String name, float fallback) {
    return attribute(node, name).map(AttributeProto::getF).orElse(fallback);
  }

  /** An integer-list attribute, or null. */
  public static long[] intsAttribute(NodeProto node, String name) {
    return attribute(node, name).map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray()).orElse(null);
  }

  /** A string attribute, or {@code fallback}. */
  public static String stringAttribute(NodeProto node, String name, String fallback) {
    return attribute(node, name).map(a -> a.getS().toStringUtf8()).orElse(fallback);
  }

  /** "Conv 'name'" or "Conv (computing 'out')" for messages. */
  public static String describe(NodeProto n) {
    return n.getOpType() + (n.getName().isEmpty() ? " (computing '" + n.getOutput(0) + "')" : " '" + n.getName() + "'");
  }
}
