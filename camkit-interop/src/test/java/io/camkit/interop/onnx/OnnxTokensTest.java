package io.camkit.interop.onnx;

import static io.camkit.interop.onnx.GraphBuilder.i;
import static io.camkit.interop.onnx.GraphBuilder.in;
import static io.camkit.interop.onnx.GraphBuilder.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.camkit.model.layers.LayerInfo;
import org.junit.jupiter.api.Test;

/**
 * A transformer-shaped ONNX graph built in memory, as PyTorch's exporter writes one: shapes
 * computed at run time (int64 {@code Shape → Gather → Unsqueeze → Concat}), a class token
 * prepended with {@code Expand}, a head reading it with {@code Gather}.
 */
class OnnxTokensTest {
  static final OnnxCard CARD = OnnxCard.of(8, 8, null, null);

  /**
   * x [N,3,8,8] → patches Conv 2×2 s2 → p [N,4,4,4] → tokens [N,16,4] (reshape with a computed
   * shape, transpose) → class token prepended → {@code tokens} [N,17,4]; head: {@code y = W ·
   * (tokens[:, 0] + mean over the 17 tokens) + b}, W [5, 4].
   */
  static float[] vit(GraphBuilder b) {
    b.input("x", -1, 3, 8, 8);
    b.random("wp", 0.5f, 4, 3, 2, 2);
    b.random("cls", 1f, 1, 1, 4);
    float[] w = b.random("W", 1f, 5, 4);
    b.random("bias", 0.5f, 5);
    b.longs("zero", 0).longs("four16", 4, 16).longs("one4", 1, 4);
    b.node("Conv", in("x", "wp"), "p", ints("kernel_shape", 2, 2), ints("strides", 2, 2));
    b.node("Shape", in("p"), "pshape");
    b.node("Gather", in("pshape", "zero"), "n1", i("axis", 0)); // [1]: N
    b.node("Concat", in("n1", "four16"), "flatshape", i("axis", 0));
    b.node("Reshape", in("p", "flatshape"), "flat");
    b.node("Transpose", in("flat"), "patches", ints("perm", 0, 2, 1));
    b.node("Concat", in("n1", "one4"), "clsshape", i("axis", 0));
    b.node("Expand", in("cls", "clsshape"), "clsn");
    b.node("Concat", in("clsn", "patches"), "tokens", i("axis", 1));
    b.scalar("idx0", 0);
    b.node("Gather", in("tokens", "idx0"), "clstoken", i("axis", 1));
    b.node("ReduceMean", in("tokens"), "mean", ints("axes", 1), i("keepdims", 0));
    b.node("Add", in("clstoken", "mean"), "pooled");
    b.node("Gemm", in("pooled", "W", "bias"), "logits", i("transB", 1));
    b.output("logits").output("tokens"); // as the references export them: the default layer
    return w;
  }

  @Test
  void tokenLayersAreListedAndTheirHeadIsDifferentiated() {
    GraphBuilder b = new GraphBuilder(11);
    float[] w = vit(b);
    try (OnnxModel m = OnnxModel.of(b.graph("vit.onnx"), CARD); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      assertThat(m.defaultLayer()).isEqualTo("tokens");
      // the int64 shapes are no layers (and no longer declared float when exposed), nor the lone class
      // token; "flat" [1, 4, 16] (channels first) cannot be told from 4 tokens of width 16
      assertThat(m.layers()).extracting(LayerInfo::name).containsExactly("p", "flat", "patches", "tokens");
      assertThat(m.layer("patches").kind()).isEqualTo("ONNX Transpose, tokens 16 → 4×4 patch tokens");
      assertThat(m.layer("tokens").kind()).isEqualTo("ONNX Concat, tokens 17 → 1 class token + 4×4 patch tokens");
      assertThat(m.layer("tokens").shape()).containsExactly(4, 4, 4);
      Engine.getEngine("PyTorch").setRandomSeed(3);
      NDArray x = scope.randomUniform(-1, 1, new Shape(2, 3, 8, 8));
      NDArray a = m.features(scope, x, "tokens");
      // the map is the patch embedding itself: token 1 + 4r + c = patch (r, c)
      assertThat(a.sub(m.features(scope, x, "p")).abs().max().getFloat()).isLessThan(1e-6f);
      // camkit's head (class token put back) equals ONNX Runtime's logits (checked inside head too)
      assertThat(m.head(scope, a, "tokens").sub(m.logits(scope, x)).abs().max().getFloat()).isLessThan(1e-5f);
      // ∂y_c / ∂A[k, r, c'] = W[c, k] / 17 at every patch: the mean's share only, not the class token's
      NDArray leaf = a.duplicate();
      leaf.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        gc.backward(m.head(scope, leaf, "tokens").get(":, 2").sum());
      }
      float[] g = leaf.getGradient().toFloatArray();
      for (int k = 0; k < 4; k++) {
        assertThat(g[k * 16 + 5]).isCloseTo(w[2 * 4 + k] / 17, within(1e-6f));
        assertThat(g[64 + k * 16 + 15]).isCloseTo(w[2 * 4 + k] / 17, within(1e-6f)); // image 1, patch (3, 3)
      }
      assertThat(m.supportsCam("tokens")).isFalse();
    }
  }
}
