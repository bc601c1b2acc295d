package io.camkit.interop.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import io.camkit.core.CamkitException;
import io.camkit.interop.onnx.proto.Onnx.NodeProto;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The part of an ONNX graph after a target layer, {@code A [N, K, h, w] → y [N, C]}, run by camkit
 * itself on DJL arrays, so that autograd can differentiate the scores with respect to {@code A}
 * (ONNX Runtime has no autograd). Only the nodes the output needs are run, in the file's order.
 *
 * <p>Besides float tensors, a head may compute integer shapes at run time, as PyTorch's exporter
 * writes transformers ({@code Shape → Gather → Unsqueeze → Concat → Reshape}): integer tensors are
 * int64 arrays, their arithmetic is done exactly (ONNX integer {@code Div} truncates), and {@code
 * Reshape}, {@code Slice}, {@code Expand} and axes inputs read them at run time. A LayerNorm
 * exported as its decomposition ({@code ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add}) and GELU
 * ({@code Erf}) run as written.
 *
 * <p>The ops below follow the ONNX operator specification (opset 7–21 semantics for the
 * attributes read); a head with any other op is refused at construction with the op's name, so a
 * user learns at once that gradient methods cannot run at that layer (CAM and Score-CAM still can).
 */
public final class OnnxHead {
  /** The ops a head may contain. */
  public static final Set<String> SUPPORTED = new TreeSet<>(List.of(
      "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Conv", "Div", "Dropout", "Erf", "Expand",
      "Flatten", "Gather", "Gemm", "GlobalAveragePool", "GlobalMaxPool", "HardSigmoid", "HardSwish", "Identity",
      "LeakyRelu", "MatMul", "MaxPool", "Mul", "Pow", "ReduceMean", "Relu", "Reshape", "Shape", "Sigmoid", "Slice",
      "Softmax", "Sqrt", "Squeeze", "Sub", "Tanh", "Transpose", "Unsqueeze"));

  private final OnnxGraph graph;
  private final NDManager params;
  private final Map<String, NDArray> constants = new HashMap<>();
  private final String layer;
  private final String output;
  private final List<NodeProto> nodes;

  /**
   * The head reading {@code layer} and computing {@code output}; its constants are created once,
   * in {@code params}.
   *
   * @throws CamkitException if the layer does not separate the graph, {@code output} does not
   *     depend on it, or the head has an op camkit does not run (named in the message)
   */
  public OnnxHead(OnnxGraph graph, NDManager params, String layer, String output) {
    this.graph = graph;
    this.params = params;
    this.layer = layer;
    this.output = output;
    this.nodes = graph.between(layer, output);
    if (nodes.isEmpty()) {
      throw new CamkitException("'" + output + "' of " + graph.description() + " is not computed from layer '"
          + layer + "'");
    }
    for (NodeProto n : nodes) {
      if (!SUPPORTED.contains(n.getOpType()) || !(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))) {
        throw new CamkitException("gradient methods cannot run after layer '" + layer + "' of "
            + graph.description() + ": its head contains " + OnnxGraph.describe(n)
            + ", an op camkit does not differentiate (supported: " + String.join(", ", SUPPORTED)
            + "); CAM and Score-CAM do not need gradients");
      }
    }
  }

  /** The nodes run, in order. */
  public List<NodeProto> nodes() {
    return nodes;
  }

  /**
   * {@code y = head(A)}: {@code a [N, K, h, w]} → the output (e.g. logits {@code [N, C]}), recorded
   * for autograd; intermediate arrays live in {@code scope}.
   */
  public NDArray apply(NDManager scope, NDArray a) {
    Map<String, NDArray> values = new HashMap<>();
    values.put(layer, a);
    for (NodeProto n : nodes) {
      NDArray[] in = new NDArray[n.getInputCount()];
      for (int i = 0; i < in.length; i++) {
        String name = n.getInput(i);
        if (name.isEmpty()) {
          continue;
        }
        NDArray v = values.get(name);
        if (v == null && graph.isConstant(name)) {
          // A copy in the caller's scope: an op whose first operand is a constant (Gemm's transposed
          // weight, BatchNormalization's scale) attaches its result to that operand's manager, which
          // would otherwise keep a few arrays per call for as long as the model is open.
          // A trainable constant (fine-tuning, camkit-transfer's OnnxTrunk) is read through a
          // differentiable op: duplicate() copies without autograd history and would cut its gradient.
          NDArray c = constant(name);
          v = c.hasGradient() ? c.mul(1f) : c.duplicate();
          v.attach(scope);
          values.put(name, v);
        }
        in[i] = v;
      }
      NDArray out;
      try {
        out = run(n, in);
      } catch (CamkitException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new CamkitException("cannot run " + OnnxGraph.describe(n) + " of " + graph.description()
            + " on inputs " + Arrays.stream(in).map(x -> x == null ? "-" : x.getShape().toString()).toList() + ": "
            + e.getMessage(), e);
      }
      values.put(n.getOutput(0), out);
    }
    return values.get(output);
  }

  /**
   * The array this head runs for the constant {@code name} (an initializer), created once in the
   * head's parameter manager: int64 for integer tensors (shapes, indices), else float32. Every call
   * reads this array (through a differentiable copy), so setting it to require gradients and
   * updating it in place trains it.
   */
  public NDArray constant(String name) {
    return constants.computeIfAbsent(name, k -> {
      Shape shape = new Shape(graph.dims(k));
      int type = graph.elementType(k);
      boolean integer = type == 6 || type == 7 || type == 5 || type == 3 || type == 2 || type == 4;
      return integer ? params.create(graph.longs(k), shape) : params.create(graph.floats(k), shape);
    });
  }

  private NDArray run(NodeProto n, NDArray[] in) {
    NDArray x = in[0];
    return switch (n.getOpType()) {
      case "Identity", "Dropout" -> x;
      case "Relu" -> Activation.relu(x);
      case "LeakyRelu" -> Activation.leakyRelu(x, OnnxGraph.floatAttribute(n, "alpha", 0.01f));
      case "Sigmoid" -> Activation.sigmoid(x);
      case "Tanh" -> x.tanh();
      case "HardSigmoid" -> hardSigmoid(x, OnnxGraph.floatAttribute(n, "alpha", 0.2f),
          OnnxGraph.floatAttribute(n, "beta", 0.5f));
      case "HardSwish" -> x.mul(hardSigmoid(x, 1f / 6, 0.5f));
      case "Clip" -> clip(n, in);
      case "Add", "Sub", "Mul", "Div" -> arithmetic(n.getOpType(), x, in[1]);
      case "Pow" -> x.pow(in[1]);
      case "Sqrt" -> x.sqrt();
      case "Erf" -> x.erf();
      case "Cast" -> cast(n, x);
      case "Shape" -> shape(n, x);
      case "Gather" -> gather(n, in);
      case "Slice" -> slice(n, in);
      case "Expand" -> expand(x, longs(n, in, 1));
      case "Conv" -> conv(n, in);
      case "BatchNormalization" -> batchNorm(n, in);
      case "MaxPool" -> maxPool(n, x);
      case "AveragePool" -> averagePool(n, x);
      case "GlobalAveragePool" -> globalPool(x, false);
      case "GlobalMaxPool" -> globalPool(x, true);
      case "ReduceMean" -> reduceMean(n, in);
      case "Flatten" -> flatten(x, (int) OnnxGraph.intAttribute(n, "axis", 1));
      case "Reshape" -> reshape(x, longs(n, in, 1));
      case "Squeeze" -> squeeze(n, in);
      case "Unsqueeze" -> unsqueeze(n, in);
      case "Transpose" -> transpose(n, x);
      case "Concat" -> concat(n, in);
      case "Gemm" -> gemm(n, in);
      case "MatMul" -> x.matMul(in[1]);
      case "Softmax" -> x.softmax((int) axis(OnnxGraph.intAttribute(n, "axis", -1), x));
      default -> throw new CamkitException("op " + n.getOpType() + " is not supported");
    };
  }

  /** Input {@code i} as integers: a constant's values, or an integer tensor computed at run time. */
  private long[] longs(NodeProto n, NDArray[] in, int i) {
    String name = n.getInput(i);
    if (graph.isConstant(name)) {
      return graph.longs(name);
    }
    if (i < in.length && in[i] != null && in[i].getDataType().isInteger()) {
      return in[i].toLongArray();
    }
    throw new CamkitException(OnnxGraph.describe(n) + " reads '" + name + "', which is not an integer tensor");
  }

  /**
   * {@code Add}, {@code Sub}, {@code Mul}, {@code Div}: on floats with broadcasting (autograd
   * records it); on integer shapes exactly, {@code Div} truncating as ONNX does.
   */
  private static NDArray arithmetic(String op, NDArray a, NDArray b) {
    if (!a.getDataType().isInteger() || !b.getDataType().isInteger()) {
      return switch (op) {
        case "Add" -> a.add(b);
        case "Sub" -> a.sub(b);
        case "Mul" -> a.mul(b);
        default -> a.div(b);
      };
    }
    long[] x = a.toLongArray();
    long[] y = b.toLongArray();
    if (x.length != y.length && x.length != 1 && y.length != 1) {
      throw new CamkitException("integer " + op + " of shapes " + a.getShape() + " and " + b.getShape()
          + " is not supported");
    }
    int size = Math.max(x.length, y.length);
    long[] r = new long[size];
    for (int i = 0; i < size; i++) {
      long u = x[x.length == 1 ? 0 : i];
      long v = y[y.length == 1 ? 0 : i];
      r[i] = switch (op) {
        case "Add" -> u + v;
        case "Sub" -> u - v;
        case "Mul" -> u * v;
        default -> u / v;
      };
    }
    Shape shape = a.getShape().dimension() >= b.getShape().dimension() && x.length >= y.length ? a.getShape()
        : b.getShape();
    return a.getManager().create(r, shape);
  }

  private static NDArray cast(NodeProto n, NDArray x) {
    int to = (int) OnnxGraph.intAttribute(n, "to", 1);
    DataType type = switch (to) {
      case 1 -> DataType.FLOAT32;
      case 6 -> DataType.INT32;
      case 7 -> DataType.INT64;
      case 11 -> DataType.FLOAT64;
      default -> throw new CamkitException(OnnxGraph.describe(n) + " casts to ONNX type " + to
          + ", which camkit does not run");
    };
    return x.getDataType() == type ? x : x.toType(type, false);
  }

  /** The shape as an int64 vector, {@code start}/{@code end} attributes (opset 15) applied. */
  private static NDArray shape(NodeProto n, NDArray x) {
    long[] s = x.getShape().getShape();
    int rank = s.length;
    int start = (int) OnnxGraph.intAttribute(n, "start", 0);
    int end = (int) OnnxGraph.intAttribute(n, "end", rank);
    start = Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
    end = Math.max(start, Math.min(rank, end < 0 ? end + rank : end));
    return x.getManager().create(Arrays.copyOfRange(s, start, end));
  }

  /**
   * {@code Gather}: the entries {@code indices} of {@code data} along {@code axis}; the result's
   * shape is {@code data.shape[:axis] + indices.shape + data.shape[axis+1:]} (a scalar index drops
   * the axis: the class token {@code tokens[:, 0]}).
   */
  private NDArray gather(NodeProto n, NDArray[] in) {
    NDArray data = in[0];
    int axis = (int) axis(OnnxGraph.intAttribute(n, "axis", 0), data);
    long dim = data.getShape().get(axis);
    long[] idx = longs(n, in, 1);
    String before = ":, ".repeat(axis);
    if (in[1].getShape().dimension() == 0) {
      return data.get(before + (idx[0] < 0 ? idx[0] + dim : idx[0]));
    }
    NDArray r = null;
    for (long i : idx) {
      long j = i < 0 ? i + dim : i;
      NDArray part = data.get(before + j + ":" + (j + 1));
      r = r == null ? part : r.concat(part, axis);
    }
    long[] ds = data.getShape().getShape();
    long[] shape = new long[ds.length - 1 + in[1].getShape().dimension()];
    int k = 0;
    for (int d = 0; d < axis; d++) {
      shape[k++] = ds[d];
    }
    for (long d : in[1].getShape().getShape()) {
      shape[k++] = d;
    }
    for (int d = axis + 1; d < ds.length; d++) {
      shape[k++] = ds[d];
    }
    return r.reshape(new Shape(shape));
  }

  /** {@code Slice} (opset 10+): starts, ends, axes and positive steps, constants or computed. */
  private NDArray slice(NodeProto n, NDArray[] in) {
    NDArray x = in[0];
    long[] dims = x.getShape().getShape();
    long[] starts = longs(n, in, 1);
    long[] ends = longs(n, in, 2);
    long[] axes = in.length > 3 && in[3] != null ? longs(n, in, 3) : null;
    long[] steps = in.length > 4 && in[4] != null ? longs(n, in, 4) : null;
    String[] index = new String[dims.length];
    Arrays.fill(index, ":");
    for (int i = 0; i < starts.length; i++) {
      int a = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + dims.length : axes[i]);
      long step = steps == null ? 1 : steps[i];
      if (step < 1) {
        throw new CamkitException(OnnxGraph.describe(n) + " has step " + step + "; camkit runs positive steps only");
      }
      long b = clamp(starts[i], dims[a]);
      long e = clamp(ends[i], dims[a]);
      index[a] = b + ":" + Math.max(b, e) + (step == 1 ? "" : ":" + step);
    }
    return x.get(String.join(", ", index));
  }

  /** An ONNX slice bound for a dimension of size {@code dim}: negative from the end, clamped to [0, dim]. */
  private static long clamp(long v, long dim) {
    long r = v < 0 ? v + dim : v;
    return Math.max(0, Math.min(dim, r));
  }

  /** {@code Expand}: broadcast {@code x} and {@code shape} together (numpy rules, ones kept from either). */
  private static NDArray expand(NDArray x, long[] shape) {
    long[] s = x.getShape().getShape();
    int rank = Math.max(s.length, shape.length);
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      long a = i - (rank - s.length) >= 0 ? s[i - (rank - s.length)] : 1;
      long b = i - (rank - shape.length) >= 0 ? shape[i - (rank - shape.length)] : 1;
      out[i] = a == 1 ? b : a;
    }
    return x.broadcast(new Shape(out));
  }

  private static long axis(long a, NDArray x) {
    return a < 0 ? a + x.getShape().dimension() : a;
  }

  private static NDArray hardSigmoid(NDArray x, float alpha, float beta) {
    return x.mul(alpha).add(beta).clip(0, 1);
  }

  private NDArray clip(NodeProto n, NDArray[] in) {
    float lo = -Float.MAX_VALUE;
    float hi = Float.MAX_VALUE;
    if (OnnxGraph.attribute(n, "min").isPresent() || OnnxGraph.attribute(n, "max").isPresent()) {
      lo = OnnxGraph.floatAttribute(n, "min", lo);
      hi = OnnxGraph.floatAttribute(n, "max", hi);
    }
    if (in.length > 1 && in[1] != null) {
      lo = graph.floats(n.getInput(1))[0];
    }
    if (in.length > 2 && in[2] != null) {
      hi = graph.floats(n.getInput(2))[0];
    }
    return in[0].clip(lo, hi);
  }

  /** ONNX pads {@code [top, left, bottom, right]}: symmetric ones go to the conv, others are padded first. */
  private static NDArray padded(NDArray x, long[] pads, double value) {
    if (pads == null || (pads[0] == pads[2] && pads[1] == pads[3])) {
      return x;
    }
    // DJL pad: pairs from the last axis backwards (left, right, top, bottom).
    return x.pad(new Shape(pads[1], pads[3], pads[0], pads[2]), value);
  }

  private static Shape symmetric(long[] pads) {
    if (pads == null) {
      return new Shape(0, 0);
    }
    return pads[0] == pads[2] && pads[1] == pads[3] ? new Shape(pads[0], pads[1]) : new Shape(0, 0);
  }

  private static void checkAutoPad(NodeProto n) {
    String autoPad = OnnxGraph.stringAttribute(n, "auto_pad", "NOTSET");
    if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
      throw new CamkitException(OnnxGraph.describe(n) + " uses auto_pad=" + autoPad
          + ", which camkit does not run (export with explicit pads)");
    }
  }

  private static Shape twoD(long[] v, long fallback) {
    return v == null ? new Shape(fallback, fallback) : new Shape(v[0], v[1]);
  }

  private NDArray conv(NodeProto n, NDArray[] in) {
    checkAutoPad(n);
    long[] pads = OnnxGraph.intsAttribute(n, "pads");
    NDArray x = padded(in[0], pads, 0);
    NDArray w = in[1];
    if (w.getShape().dimension() != 4) {
      throw new CamkitException(OnnxGraph.describe(n) + " is not a 2-D convolution (weight " + w.getShape() + ")");
    }
    return Conv2d.conv2d(x, w, in.length > 2 ? in[2] : null, twoD(OnnxGraph.intsAttribute(n, "strides"), 1),
        symmetric(pads), twoD(OnnxGraph.intsAttribute(n, "dilations"), 1),
        (int) OnnxGraph.intAttribute(n, "group", 1)).singletonOrThrow();
  }

  private static NDArray batchNorm(NodeProto n, NDArray[] in) {
    float eps = OnnxGraph.floatAttribute(n, "epsilon", 1e-5f);
    long c = in[1].size();
    Shape s = new Shape(1, c, 1, 1);
    NDArray scale = in[1].div(in[4].add(eps).sqrt()).reshape(s);
    return in[0].sub(in[3].reshape(s)).mul(scale).add(in[2].reshape(s));
  }

  private static NDArray maxPool(NodeProto n, NDArray x) {
    checkAutoPad(n);
    long[] pads = OnnxGraph.intsAttribute(n, "pads");
    long[] k = OnnxGraph.intsAttribute(n, "kernel_shape");
    return Pool.maxPool2d(padded(x, pads, Double.NEGATIVE_INFINITY), twoD(k, 1),
        twoD(OnnxGraph.intsAttribute(n, "strides"), 1), symmetric(pads),
        OnnxGraph.intAttribute(n, "ceil_mode", 0) == 1);
  }

  private static NDArray averagePool(NodeProto n, NDArray x) {
    checkAutoPad(n);
    long[] pads = OnnxGraph.intsAttribute(n, "pads");
    boolean includePad = OnnxGraph.intAttribute(n, "count_include_pad", 0) == 1;
    if (!includePad && pads != null && !(pads[0] == pads[2] && pads[1] == pads[3])) {
      throw new CamkitException(OnnxGraph.describe(n) + " has asymmetric pads without count_include_pad");
    }
    return Pool.avgPool2d(padded(x, pads, 0), twoD(OnnxGraph.intsAttribute(n, "kernel_shape"), 1),
        twoD(OnnxGraph.intsAttribute(n, "strides"), 1), symmetric(pads),
        OnnxGraph.intAttribute(n, "ceil_mode", 0) == 1, includePad);
  }

  /** {@code [N, C, H, W] → [N, C, 1, 1]}. */
  private static NDArray globalPool(NDArray x, boolean max) {
    Shape s = x.getShape();
    NDArray flat = x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3));
    NDArray r = max ? flat.max(new int[] {2}) : flat.mean(new int[] {2});
    return r.reshape(s.get(0), s.get(1), 1, 1);
  }

  private NDArray reduceMean(NodeProto n, NDArray[] in) {
    long[] axes = OnnxGraph.intsAttribute(n, "axes");
    if (axes == null && in.length > 1 && in[1] != null) {
      axes = longs(n, in, 1);
    }
    NDArray x = in[0];
    boolean keep = OnnxGraph.intAttribute(n, "keepdims", 1) == 1;
    int rank = x.getShape().dimension();
    long[] ax = axes == null ? java.util.stream.LongStream.range(0, rank).toArray()
        : Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
    NDArray r = x;
    for (int i = ax.length - 1; i >= 0; i--) { // one axis at a time (DJL's mean takes one)
      r = r.mean(new int[] {(int) ax[i]}, true);
    }
    if (!keep) {
      r = r.squeeze(Arrays.stream(ax).mapToInt(a -> (int) a).toArray());
    }
    return r;
  }

  private static NDArray flatten(NDArray x, int axis) {
    Shape s = x.getShape();
    int a = axis < 0 ? axis + s.dimension() : axis;
    long outer = 1;
    for (int i = 0; i < a; i++) {
      outer *= s.get(i);
    }
    return x.reshape(outer, x.size() / Math.max(1, outer));
  }

  private static NDArray reshape(NDArray x, long[] shape) {
    long[] s = shape.clone();
    for (int i = 0; i < s.length; i++) {
      if (s[i] == 0) {
        s[i] = x.getShape().get(i);
      }
    }
    return x.reshape(new Shape(s));
  }

  private NDArray squeeze(NodeProto n, NDArray[] in) {
    long[] axes = OnnxGraph.intsAttribute(n, "axes");
    if (axes == null && in.length > 1 && in[1] != null) {
      axes = longs(n, in, 1);
    }
    NDArray x = in[0];
    if (axes == null) {
      return x.squeeze();
    }
    int rank = x.getShape().dimension();
    return x.squeeze(Arrays.stream(axes).mapToInt(a -> (int) (a < 0 ? a + rank : a)).toArray());
  }

  private NDArray unsqueeze(NodeProto n, NDArray[] in) {
    long[] axes = OnnxGraph.intsAttribute(n, "axes");
    if (axes == null) {
      axes = longs(n, in, 1);
    }
    NDArray x = in[0];
    int rank = x.getShape().dimension() + axes.length;
    long[] sorted = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
    for (long a : sorted) {
      x = x.expandDims((int) a);
    }
    return x;
  }

  private static NDArray transpose(NodeProto n, NDArray x) {
    long[] perm = OnnxGraph.intsAttribute(n, "perm");
    if (perm == null) {
      return x.transpose();
    }
    return x.transpose(Arrays.stream(perm).mapToInt(p -> (int) p).toArray());
  }

  private static NDArray concat(NodeProto n, NDArray[] in) {
    int axis = (int) axis(OnnxGraph.intAttribute(n, "axis", 0), in[0]);
    NDArray r = in[0];
    for (int i = 1; i < in.length; i++) {
      r = r.concat(in[i], axis);
    }
    return r;
  }

  /** {@code Y = alpha · A' · B' + beta · C}, A' and B' transposed if transA / transB. */
  private static NDArray gemm(NodeProto n, NDArray[] in) {
    NDArray a = OnnxGraph.intAttribute(n, "transA", 0) == 1 ? in[0].transpose() : in[0];
    NDArray b = OnnxGraph.intAttribute(n, "transB", 0) == 1 ? in[1].transpose() : in[1];
    float alpha = OnnxGraph.floatAttribute(n, "alpha", 1f);
    float beta = OnnxGraph.floatAttribute(n, "beta", 1f);
    NDArray y = a.matMul(b);
    if (alpha != 1f) {
      y = y.mul(alpha);
    }
    if (in.length > 2 && in[2] != null) {
      y = y.add(beta == 1f ? in[2] : in[2].mul(beta));
    }
    return y;
  }
}
