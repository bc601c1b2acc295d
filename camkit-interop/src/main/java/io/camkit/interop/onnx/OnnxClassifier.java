package io.camkit.interop.onnx;

import io.camkit.interop.onnx.proto.Onnx.NodeProto;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds a GAP + linear classifier in an ONNX head, the precondition of CAM: the nodes from the
 * layer to the logits must be one chain made of exactly one spatial mean ({@code
 * GlobalAveragePool}, or {@code ReduceMean} over axes 2 and 3), exactly one linear map ({@code
 * Gemm}, {@code MatMul} with an optional {@code Add} of a constant bias, or a 1×1 stride-1
 * unpadded ungrouped {@code Conv}), in either order, and ops that only reshape ({@code Flatten},
 * {@code Reshape}, {@code Squeeze}, {@code Unsqueeze}, {@code Identity}, {@code Dropout}). Both
 * orders compute {@code y = W · GAP(A) + b} (Zhou et al. 2016, Eq. 2), so {@code W} gives the CAM.
 */
public final class OnnxClassifier {
  private static final Set<String> RESHAPES = Set.of("Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Dropout");

  /**
   * The classifier weights.
   *
   * @param weight {@code W [C, K]}, row-major
   * @param bias {@code b [C]}
   * @param classes C
   * @param channels K
   */
  public record Linear(float[] weight, float[] bias, int classes, int channels) {}

  private OnnxClassifier() {}

  /** The linear classifier of {@code head}, if it has the GAP + linear form. */
  public static Optional<Linear> find(OnnxGraph g, List<NodeProto> head) {
    int means = 0;
    Linear linear = null;
    String flowing = null; // the tensor the chain carries
    for (NodeProto n : head) {
      List<String> dynamic = n.getInputList().stream().filter(i -> !i.isEmpty() && !g.isConstant(i)).toList();
      if (dynamic.size() != 1 || (flowing != null && !dynamic.get(0).equals(flowing))) {
        return Optional.empty();
      }
      flowing = n.getOutput(0);
      String op = n.getOpType();
      if (RESHAPES.contains(op)) {
        continue;
      }
      if (isSpatialMean(g, n)) {
        means++;
        continue;
      }
      if (op.equals("Add") && linear != null && n.getInputCount() == 2) {
        String c = g.isConstant(n.getInput(0)) ? n.getInput(0) : n.getInput(1);
        float[] b = g.floats(c);
        if (b.length != linear.classes()) {
          return Optional.empty();
        }
        float[] bias = linear.bias().clone();
        for (int i = 0; i < b.length; i++) {
          bias[i] += b[i];
        }
        linear = new Linear(linear.weight(), bias, linear.classes(), linear.channels());
        continue;
      }
      if (linear != null) {
        return Optional.empty();
      }
      Optional<Linear> l = switch (op) {
        case "Gemm" -> gemm(g, n);
        case "MatMul" -> matMul(g, n);
        case "Conv" -> conv1x1(g, n);
        default -> Optional.empty();
      };
      if (l.isEmpty()) {
        return Optional.empty();
      }
      linear = l.get();
    }
    return means == 1 && linear != null ? Optional.of(linear) : Optional.empty();
  }

  private static boolean isSpatialMean(OnnxGraph g, NodeProto n) {
    if (n.getOpType().equals("GlobalAveragePool")) {
      return true;
    }
    if (!n.getOpType().equals("ReduceMean")) {
      return false;
    }
    long[] axes = OnnxGraph.intsAttribute(n, "axes");
    if (axes == null && n.getInputCount() > 1 && g.isConstant(n.getInput(1))) {
      axes = g.longs(n.getInput(1));
    }
    if (axes == null || axes.length != 2) {
      return false;
    }
    long a = Math.min(norm(axes[0]), norm(axes[1]));
    long b = Math.max(norm(axes[0]), norm(axes[1]));
    return a == 2 && b == 3;
  }

  /** Axes of a 4-D tensor: -2, -1 → 2, 3. */
  private static long norm(long a) {
    return a < 0 ? a + 4 : a;
  }

  private static Optional<Linear> gemm(OnnxGraph g, NodeProto n) {
    if (!g.isConstant(n.getInput(1)) || OnnxGraph.intAttribute(n, "transA", 0) != 0) {
      return Optional.empty();
    }
    long[] d = g.dims(n.getInput(1));
    float[] w = g.floats(n.getInput(1));
    boolean transB = OnnxGraph.intAttribute(n, "transB", 0) == 1;
    int c = (int) (transB ? d[0] : d[1]);
    int k = (int) (transB ? d[1] : d[0]);
    float alpha = OnnxGraph.floatAttribute(n, "alpha", 1f);
    float beta = OnnxGraph.floatAttribute(n, "beta", 1f);
    float[] weight = transB ? w.clone() : transpose(w, k, c);
    for (int i = 0; i < weight.length; i++) {
      weight[i] *= alpha;
    }
    float[] bias = new float[c];
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      if (!g.isConstant(n.getInput(2))) {
        return Optional.empty();
      }
      float[] b = g.floats(n.getInput(2));
      for (int i = 0; i < c; i++) {
        bias[i] = beta * b[b.length == 1 ? 0 : i];
      }
    }
    return Optional.of(new Linear(weight, bias, c, k));
  }

  private static Optional<Linear> matMul(OnnxGraph g, NodeProto n) {
    if (!g.isConstant(n.getInput(1)) || g.dims(n.getInput(1)).length != 2) {
      return Optional.empty();
    }
    long[] d = g.dims(n.getInput(1));
    int k = (int) d[0];
    int c = (int) d[1];
    return Optional.of(new Linear(transpose(g.floats(n.getInput(1)), k, c), new float[c], c, k));
  }

  private static Optional<Linear> conv1x1(OnnxGraph g, NodeProto n) {
    if (!g.isConstant(n.getInput(1))) {
      return Optional.empty();
    }
    long[] d = g.dims(n.getInput(1));
    long[] strides = OnnxGraph.intsAttribute(n, "strides");
    long[] pads = OnnxGraph.intsAttribute(n, "pads");
    boolean plain = d.length == 4 && d[2] == 1 && d[3] == 1 && OnnxGraph.intAttribute(n, "group", 1) == 1
        && (strides == null || java.util.Arrays.stream(strides).allMatch(s -> s == 1))
        && (pads == null || java.util.Arrays.stream(pads).allMatch(p -> p == 0))
        && OnnxGraph.stringAttribute(n, "auto_pad", "NOTSET").matches("NOTSET|VALID");
    if (!plain) {
      return Optional.empty();
    }
    int c = (int) d[0];
    float[] bias = new float[c];
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      bias = g.floats(n.getInput(2));
    }
    return Optional.of(new Linear(g.floats(n.getInput(1)), bias, c, (int) d[1]));
  }

  /** {@code [rows, cols] → [cols, rows]}. */
  private static float[] transpose(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = m[r * cols + c];
      }
    }
    return t;
  }
}
