package io.camkit.interop.onnx;

import static io.camkit.interop.onnx.GraphBuilder.f;
import static io.camkit.interop.onnx.GraphBuilder.i;
import static io.camkit.interop.onnx.GraphBuilder.in;
import static io.camkit.interop.onnx.GraphBuilder.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.camkit.core.CamkitException;
import io.camkit.model.layers.LayerInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ONNX models built in memory, run by ONNX Runtime; camkit's own run of each head (DJL) must give
 * ONNX Runtime's logits, and the classifier read from the graph must be the weights put in.
 */
class OnnxModelTest {
  static final OnnxCard CARD = OnnxCard.of(8, 8, null, null);

  /**
   * x [N,3,8,8] → Conv 3×3 p1 → Relu → Conv 3×3 s2 p1 → BatchNorm → Clip(0, 6) → then {@code head}.
   * Tensors: c1, r1, c2, bn, act.
   */
  static GraphBuilder trunk(long seed) {
    GraphBuilder b = new GraphBuilder(seed).input("x", -1, 3, 8, 8);
    b.random("w1", 0.5f, 4, 3, 3, 3);
    b.random("b1", 0.1f, 4);
    b.random("w2", 0.5f, 6, 4, 3, 3);
    b.random("b2", 0.1f, 6);
    b.random("gamma", 1f, 6);
    b.random("beta", 0.5f, 6);
    b.random("mu", 0.2f, 6);
    b.constant("var", new float[] {0.5f, 1, 1.5f, 2, 0.25f, 0.8f}, 6);
    b.constant("lo", new float[] {0}).constant("hi", new float[] {6});
    b.node("Conv", in("x", "w1", "b1"), "c1", ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1));
    b.node("Relu", in("c1"), "r1");
    b.node("Conv", in("r1", "w2", "b2"), "c2", ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1),
        ints("strides", 2, 2));
    b.node("BatchNormalization", in("c2", "gamma", "beta", "mu", "var"), "bn", f("epsilon", 1e-5f));
    b.node("Clip", in("bn", "lo", "hi"), "act");
    return b;
  }

  /** GAP → Flatten → Gemm(transB) with W [5, 6]. */
  static float[] gemmHead(GraphBuilder b) {
    float[] w = b.random("W", 1f, 5, 6);
    b.random("bias", 0.5f, 5);
    b.node("GlobalAveragePool", in("act"), "gap");
    b.node("Flatten", in("gap"), "flat", i("axis", 1));
    b.node("Gemm", in("flat", "W", "bias"), "logits", i("transB", 1));
    b.output("logits");
    return w;
  }

  static NDArray input(NDManager m, int n) {
    Engine.getEngine("PyTorch").setRandomSeed(3);
    return m.randomUniform(-1, 1, new Shape(n, 3, 8, 8));
  }

  static float maxDiff(NDArray a, NDArray b) {
    return a.sub(b).abs().max().getFloat();
  }

  /**
   * No array outlives its scope (issue 11, bounded memory): ONNX Runtime's outputs are copied into
   * the caller's scope and its own values are closed per call, so the arrays DJL tracks are the
   * same after 20 more calls of every kind.
   */
  @Test
  void everyCallLeavesNoArrayBehind() {
    GraphBuilder b = trunk(6);
    gemmHead(b);
    try (OnnxModel m = OnnxModel.of(b.graph("gemm.onnx"), CARD);
        NDManager root = NDManager.newBaseManager("PyTorch")) {
      NDArray x = input(root, 16);
      Runnable round = () -> {
        for (int k = 0; k < 20; k++) {
          try (NDManager scope = root.newSubManager()) {
            m.logits(scope, x);
            NDArray a = m.features(scope, x, k % 2 == 0 ? "act" : "c2");
            m.head(scope, a.duplicate(), k % 2 == 0 ? "act" : "c2");
          }
        }
      };
      round.run();
      int arrays = root.getManagedArrays().size();
      try (NDManager probe = NDManager.newBaseManager("PyTorch")) {
        int all = probe.getParentManager().getManagedArrays().size();
        round.run();
        assertThat(probe.getParentManager().getManagedArrays()).hasSize(all);
      }
      assertThat(root.getManagedArrays()).hasSize(arrays);
    }
  }

  @Test
  void layersAreTheFourDimensionalTensorsBeforePoolingWithTheirShapes() {
    GraphBuilder b = trunk(1);
    gemmHead(b);
    try (OnnxModel m = OnnxModel.of(b.graph("gemm.onnx"), CARD)) {
      assertThat(m.layers()).extracting(LayerInfo::name).containsExactly("c1", "r1", "c2", "bn", "act");
      assertThat(m.layers()).extracting(LayerInfo::shapeText)
          .containsExactly("4×8×8", "4×8×8", "6×4×4", "6×4×4", "6×4×4");
      assertThat(m.defaultLayer()).isEqualTo("act");
      assertThat(m.classes()).containsExactly("0", "1", "2", "3", "4");
      assertThatThrownBy(() -> m.features(null, null, "gap7")).isInstanceOf(CamkitException.class)
          .hasMessageContaining("no layer named 'gap7'").hasMessageContaining("c1, r1, c2, bn, act");
    }
  }

  @Test
  void camkitsHeadAfterEveryLayerReproducesOnnxRuntimesLogits() {
    GraphBuilder b = trunk(2);
    gemmHead(b);
    try (OnnxModel m = OnnxModel.of(b.graph("gemm.onnx"), CARD); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      NDArray x = input(scope, 3);
      NDArray y = m.logits(scope, x);
      assertThat(y.getShape()).isEqualTo(new Shape(3, 5));
      for (String layer : List.of("c1", "r1", "c2", "bn", "act")) {
        NDArray a = m.features(scope, x, layer);
        NDArray fresh = a.duplicate(); // not the array ONNX Runtime's logits came with: the DJL head must run
        assertThat(maxDiff(m.head(scope, fresh, layer), y)).as(layer).isLessThan(1e-4f);
        assertThat(m.supportsGradients(layer)).isTrue();
      }
    }
  }

  @Test
  void classifierWeightsAreTheGemmMatrixAndGradCamWeightsAreThemOverHW() {
    GraphBuilder b = trunk(3);
    float[] w = gemmHead(b);
    try (OnnxModel m = OnnxModel.of(b.graph("gemm.onnx"), CARD); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      assertThat(m.classifierWeights("act")).get().extracting(NDArray::toFloatArray).isEqualTo(w);
      assertThat(m.classifierWeights("bn")).isEmpty(); // Clip lies between: not GAP + linear
      assertThat(m.supportsCam("act")).isTrue();
      assertThat(m.supportsCam("bn")).isFalse();
      // ∂y_c/∂A_k(x,y) = W_ck / (h·w) for a GAP + linear head: the gradient flows through camkit's head.
      NDArray a = m.features(scope, input(scope, 1), "act").duplicate();
      a.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray y = m.head(scope, a, "act");
        gc.backward(y.get(":, 2").sum());
      }
      float[] g = a.getGradient().toFloatArray(); // [1, 6, 4, 4]
      for (int k = 0; k < 6; k++) {
        for (int p = 0; p < 16; p++) {
          assertThat(g[k * 16 + p]).isCloseTo(w[2 * 6 + k] / 16f, within(1e-6f));
        }
      }
    }
  }

  @Test
  void aOneByOneConvBeforePoolingIsTheClassifierAndTheClassOrderPermutesIt() {
    GraphBuilder b = trunk(4);
    float[] w = b.random("Wc", 1f, 5, 6, 1, 1);
    b.random("bc", 0.5f, 5);
    b.node("Conv", in("act", "Wc", "bc"), "maps", ints("kernel_shape", 1, 1));
    b.node("GlobalAveragePool", in("maps"), "gap");
    b.node("Flatten", in("gap"), "logits", i("axis", 1));
    b.node("Identity", in("act"), "features");
    b.output("logits").output("features");
    int[] order = {2, 0, 1, 4, 3}; // output i holds label order[i]
    try (OnnxModel plain = OnnxModel.of(b.graph("dark.onnx"), CARD);
        OnnxModel m = OnnxModel.of(b.graph("dark.onnx"), CARD.withClassOrder(order));
        NDManager scope = NDManager.newBaseManager("PyTorch")) {
      assertThat(m.defaultLayer()).isEqualTo("features"); // the exported renaming of act
      assertThat(plain.classifierWeights("features")).get().extracting(NDArray::toFloatArray).isEqualTo(w);
      NDArray x = input(scope, 2);
      float[] y0 = plain.logits(scope, x).toFloatArray();
      float[] y1 = m.logits(scope, x).toFloatArray();
      float[] w1 = m.classifierWeights("features").orElseThrow().toFloatArray();
      for (int i = 0; i < 5; i++) {
        for (int n = 0; n < 2; n++) {
          assertThat(y1[n * 5 + order[i]]).isEqualTo(y0[n * 5 + i]);
        }
        for (int k = 0; k < 6; k++) {
          assertThat(w1[order[i] * 6 + k]).isEqualTo(w[i * 6 + k]);
        }
      }
      NDArray a = m.features(scope, x, "features").duplicate();
      assertThat(maxDiff(m.head(scope, a, "features"), m.logits(scope, x))).isLessThan(1e-4f);
    }
  }

  @Test
  void matMulPlusBiasIsAClassifierToo() {
    GraphBuilder b = trunk(5);
    float[] w = b.random("Wm", 1f, 6, 5); // [K, C]
    b.random("bm", 0.5f, 5);
    b.longs("axes", 2, 3);
    b.node("ReduceMean", in("act"), "mean", ints("axes", 2, 3), i("keepdims", 0));
    b.node("MatMul", in("mean", "Wm"), "mm");
    b.node("Add", in("mm", "bm"), "logits");
    b.output("logits");
    try (OnnxModel m = OnnxModel.of(b.graph("mm.onnx"), CARD); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      float[] got = m.classifierWeights("act").orElseThrow().toFloatArray(); // [C, K]
      for (int c = 0; c < 5; c++) {
        for (int k = 0; k < 6; k++) {
          assertThat(got[c * 6 + k]).isEqualTo(w[k * 5 + c]);
        }
      }
      NDArray x = input(scope, 2);
      NDArray a = m.features(scope, x, "act").duplicate();
      assertThat(maxDiff(m.head(scope, a, "act"), m.logits(scope, x))).isLessThan(1e-4f);
    }
  }

  @Test
  void anOpCamkitDoesNotRunIsNamedAndOnlyTheLayersBeforeItLoseGradients() {
    GraphBuilder b = trunk(6);
    b.node("Softplus", in("act"), "softplus");
    float[] w = b.random("W", 1f, 5, 6);
    b.random("bias", 0.5f, 5);
    b.node("GlobalAveragePool", in("softplus"), "gap");
    b.node("Flatten", in("gap"), "flat", i("axis", 1));
    b.node("Gemm", in("flat", "W", "bias"), "logits", i("transB", 1));
    b.output("logits");
    try (OnnxModel m = OnnxModel.of(b.graph("softplus.onnx"), CARD); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      assertThat(m.defaultLayer()).isEqualTo("softplus");
      assertThat(m.supportsGradients("softplus")).isTrue();
      assertThat(m.classifierWeights("softplus")).get().extracting(NDArray::toFloatArray).isEqualTo(w);
      assertThat(m.supportsGradients("act")).isFalse();
      assertThat(m.whyNoGradients("act")).contains("Softplus").contains("not differentiate");
      NDArray x = input(scope, 1);
      // Forward-only use still works: the logits ONNX Runtime computed with these activations.
      NDArray a = m.features(scope, x, "act");
      assertThat(maxDiff(m.head(scope, a, "act"), m.logits(scope, x))).isLessThan(1e-6f);
      assertThatThrownBy(() -> m.head(scope, a.duplicate(), "act")).isInstanceOf(CamkitException.class)
          .hasMessageContaining("Softplus");
    }
  }

  @Test
  void aLayerASkipConnectionJumpsOverDoesNotSeparateTheNet() {
    GraphBuilder b = trunk(7);
    b.random("w3", 0.5f, 6, 6, 3, 3);
    b.node("Conv", in("act", "w3"), "c3", ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1));
    b.node("Add", in("c3", "act"), "sum");
    gemmHeadOn(b, "sum");
    try (OnnxModel m = OnnxModel.of(b.graph("res.onnx"), CARD); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      assertThat(m.defaultLayer()).isEqualTo("sum");
      assertThat(m.supportsGradients("c3")).isFalse();
      assertThat(m.whyNoGradients("c3")).contains("does not separate").contains("'act'");
      assertThat(m.supportsGradients("act")).isTrue(); // both branches start after act
      NDArray x = input(scope, 2);
      assertThat(maxDiff(m.head(scope, m.features(scope, x, "act").duplicate(), "act"), m.logits(scope, x)))
          .isLessThan(1e-4f);
    }
  }

  static void gemmHeadOn(GraphBuilder b, String from) {
    b.random("W", 1f, 5, 6);
    b.node("GlobalAveragePool", in(from), "gap");
    b.node("Flatten", in("gap"), "flat", i("axis", 1));
    b.node("Gemm", in("flat", "W"), "logits", i("transB", 1));
    b.output("logits");
  }

  @Test
  void badFilesAndCardsGetOneLine() {
    assertThatThrownBy(() -> OnnxGraph.parse("not a model at all".getBytes(), "x.onnx"))
        .isInstanceOf(CamkitException.class).hasMessageContaining("x.onnx is not an ONNX model");
    GraphBuilder b = trunk(8);
    gemmHead(b);
    byte[] bytes = b.bytes();
    assertThatThrownBy(() -> OnnxGraph.parse(java.util.Arrays.copyOf(bytes, bytes.length / 2), "cut.onnx"))
        .isInstanceOf(CamkitException.class).hasMessageContaining("cut.onnx is not an ONNX model");
    OnnxCard labelled = new OnnxCard(8, 8, null, null, null, null, null, null, List.of("a", "b"), null, null);
    assertThatThrownBy(() -> OnnxModel.of(b.graph("gemm.onnx"), labelled)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("has 5 outputs but its card names 2 classes");
    OnnxCard wrongOrder = CARD.withClassOrder(new int[] {0, 0, 1, 2, 3});
    assertThatThrownBy(() -> OnnxModel.of(b.graph("gemm.onnx"), wrongOrder)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("not a permutation");
    OnnxCard noLayer = CARD.withLayer("nope");
    assertThatThrownBy(() -> OnnxModel.of(b.graph("gemm.onnx"), noLayer)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("the card's layer 'nope' is not a tensor");
    assertThatThrownBy(() -> new OnnxCard(8, 8, null, null, "RBG", null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RGB");
  }
}
