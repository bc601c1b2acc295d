package io.camkit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.io.Npy;
import io.camkit.core.testing.SharedData;
import io.camkit.interop.onnx.OnnxCard;
import io.camkit.interop.onnx.OnnxModel;
import io.camkit.interop.torchscript.TorchScriptCard;
import io.camkit.interop.torchscript.TorchScriptModel;
import io.camkit.model.layers.LayerInfo;
import io.camkit.model.layers.LayeredModel;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two tiny vision transformers of {@code ../shared/refs/vit} (one pooling its tokens by their
 * mean, one reading a class token), as TorchScript and as ONNX: their token layer is seen as an
 * 8×8 map of 32 channels, and tokens and logits equal PyTorch's (1e-4).
 */
@org.junit.jupiter.api.Tag("shared-data")
class VitRefsTest {
  static final float TOL = 1e-4f;

  /** {@code vit/<name>.torchscript.pt} (split "tokens": features/head) or {@code vit/<name>.onnx}. */
  public static LayeredModel open(String name, String format) {
    if (format.equals("torchscript")) {
      return TorchScriptModel.load(SharedData.ref("vit/" + name + ".torchscript.pt"), new TorchScriptCard(64, 64, null,
          null, null, List.of(new TorchScriptCard.Split("tokens", "features", "head"))));
    }
    return OnnxModel.load(SharedData.ref("vit/" + name + ".onnx"), OnnxCard.of(64, 64, null, null));
  }

  static float maxAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  @ParameterizedTest(name = "{0} as {1}: tokens as an 8×8 map, tokens and logits as PyTorch's")
  @CsvSource({"vit_gap,torchscript,0", "vit_cls,torchscript,1", "vit_gap,onnx,0", "vit_cls,onnx,1"})
  void tokensAndLogitsMatchPyTorch(String name, String format, int classTokens) {
    try (LayeredModel m = open(name, format); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      assertThat(m.defaultLayer()).isEqualTo("tokens");
      LayerInfo tokens = m.layer("tokens");
      assertThat(tokens.shape()).containsExactly(32, 8, 8);
      assertThat(tokens.kind()).endsWith(classTokens == 1 ? "tokens 65 → 1 class token + 8×8 patch tokens"
          : "tokens 64 → 8×8 patch tokens");
      assertThat(m.classes()).hasSize(10);
      Npy in = SharedData.npy("vit/input_1x3x64x64.npy");
      NDArray x = scope.create(in.data(), new Shape(in.shape()));
      float[] logits = SharedData.npy("vit/" + name + "_logits.npy").data();
      assertThat(maxAbsDiff(m.logits(scope, x).toFloatArray(), logits)).isLessThan(TOL);
      NDArray a = m.features(scope, x, "tokens");
      assertThat(a.getShape()).isEqualTo(new Shape(1, 32, 8, 8));
      // the map is the patch tokens [N, T, D] → [N, D, 8, 8], row-major patches
      Npy ref = SharedData.npy("vit/" + name + "_tokens.npy");
      float[] t = ref.data();
      float[] map = new float[32 * 64];
      for (int p = 0; p < 64; p++) {
        for (int d = 0; d < 32; d++) {
          map[d * 64 + p] = t[(classTokens + p) * 32 + d];
        }
      }
      assertThat(ref.shape()).containsExactly(1, 64 + classTokens, 32);
      assertThat(maxAbsDiff(a.toFloatArray(), map)).isLessThan(TOL);
      // the head on that map (class token re-inserted) gives the logits again
      assertThat(maxAbsDiff(m.head(scope, a, "tokens").toFloatArray(), logits)).isLessThan(TOL);
      assertThat(m.supportsGradients("tokens")).isTrue();
      assertThat(m.supportsCam("tokens")).isFalse(); // a LayerNorm (and attention) before the pooling
    }
  }
}
