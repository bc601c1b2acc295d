package io.camkit.interop.onnx;

import static io.camkit.interop.onnx.GraphBuilder.in;
import static io.camkit.interop.onnx.GraphBuilder.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.CamkitException;
import org.junit.jupiter.api.Test;

class OnnxStrideTest {
  /**
   * With pads 1 on every side, stride-2 output (i, j) reads input rows 2i − 1 … 2i + 1: it is
   * the stride-1 output at (2i, 2j), so the edited net's maps at even positions are the original
   * maps, through BatchNorm and Clip (position-wise), and the head still gives [N, 5] logits.
   */
  @Test
  void theLastStrideGoesAndEveryOtherPositionIsTheOriginalMap() {
    GraphBuilder b = OnnxModelTest.trunk(4);
    OnnxModelTest.gemmHead(b);
    OnnxGraph original = b.graph("gemm.onnx");
    OnnxGraph.Destrided d = original.withoutLastStride("act");
    assertThat(d.node()).isEqualTo(OnnxGraph.describe(original.producer("c2").orElseThrow()));
    assertThat(d.strides()).containsExactly(2, 2);
    try (OnnxModel before = OnnxModel.of(original, OnnxModelTest.CARD);
        OnnxModel after = OnnxModel.of(OnnxGraph.parse(d.bytes(), "destrided.onnx"), OnnxModelTest.CARD);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = OnnxModelTest.input(m, 2);
      NDArray a = before.features(m, x, "act");
      NDArray fine = after.features(m, x, "act");
      assertThat(a.getShape()).isEqualTo(new Shape(2, 6, 4, 4));
      assertThat(fine.getShape()).isEqualTo(new Shape(2, 6, 8, 8));
      assertThat(OnnxModelTest.maxDiff(fine.get(":, :, 0:8:2, 0:8:2"), a)).isLessThan(1e-5f);
      assertThat(after.logits(m, x).getShape()).isEqualTo(new Shape(2, 5));
      // the layer before the edited node is untouched
      assertThat(OnnxModelTest.maxDiff(after.features(m, x, "r1"), before.features(m, x, "r1"))).isLessThan(1e-6f);
    }
  }

  /**
   * A TensorFlow "same" export pads a stride-2 3×3 conv by [0, 0, 1, 1] (nothing before, one
   * after): output (i, j) reads rows 2i … 2i + 2, the stride-1 "same" output at (2i + 1, 2j + 1).
   */
  @Test
  void asymmetricSamePaddingBecomesSymmetric() {
    GraphBuilder b = new GraphBuilder(9).input("x", -1, 3, 8, 8);
    b.random("w", 0.5f, 4, 3, 3, 3);
    b.random("bias", 0.1f, 4);
    b.node("Conv", in("x", "w", "bias"), "c", ints("kernel_shape", 3, 3), ints("pads", 0, 0, 1, 1),
        ints("strides", 2, 2));
    b.node("Relu", in("c"), "r");
    b.random("W", 1f, 5, 4);
    b.random("b5", 0.5f, 5);
    b.node("GlobalAveragePool", in("r"), "gap");
    b.node("Flatten", in("gap"), "flat", GraphBuilder.i("axis", 1));
    b.node("Gemm", in("flat", "W", "b5"), "logits", GraphBuilder.i("transB", 1));
    b.output("logits");
    OnnxGraph original = b.graph("tf.onnx");
    OnnxGraph edited = OnnxGraph.parse(original.withoutLastStride("r").bytes(), "edited.onnx");
    assertThat(OnnxGraph.intsAttribute(edited.producer("c").orElseThrow(), "pads")).containsExactly(1, 1, 1, 1);
    assertThat(OnnxGraph.intsAttribute(edited.producer("c").orElseThrow(), "strides")).containsExactly(1, 1);
    try (OnnxModel before = OnnxModel.of(original, OnnxModelTest.CARD);
        OnnxModel after = OnnxModel.of(edited, OnnxModelTest.CARD);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = OnnxModelTest.input(m, 1);
      NDArray a = before.features(m, x, "r");
      NDArray fine = after.features(m, x, "r");
      assertThat(fine.getShape()).isEqualTo(new Shape(1, 4, 8, 8));
      assertThat(OnnxModelTest.maxDiff(fine.get(":, :, 1:8:2, 1:8:2"), a)).isLessThan(1e-5f);
    }
  }

  @Test
  void aLayerWithNoStrideBeforeItIsRefused() {
    GraphBuilder b = OnnxModelTest.trunk(4);
    OnnxModelTest.gemmHead(b);
    assertThatThrownBy(() -> b.graph("gemm.onnx").withoutLastStride("r1"))
        .isInstanceOf(CamkitException.class).hasMessageContaining("no stride to remove");
  }
}
