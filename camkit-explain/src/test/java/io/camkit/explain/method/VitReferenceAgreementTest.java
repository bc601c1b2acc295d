package io.camkit.explain.method;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.io.Npy;
import io.camkit.core.testing.SharedData;
import io.camkit.explain.target.ClassTarget;
import io.camkit.explain.target.TargetSelector;
import io.camkit.interop.onnx.OnnxCard;
import io.camkit.interop.onnx.OnnxModel;
import io.camkit.interop.torchscript.TorchScriptCard;
import io.camkit.interop.torchscript.TorchScriptModel;
import io.camkit.model.layers.LayeredModel;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Grad-CAM on the two tiny vision transformers of {@code ../shared/refs/vit} at their token layer
 * (seen as an 8×8 map of 32 channels, the class token left out), as TorchScript and as ONNX,
 * against pytorch-grad-cam with its token {@code reshape_transform}: channel weights, the raw 8×8
 * map (before ReLU) and the public 64-px output, to 1e-4 as {@link ReferenceAgreementTest}.
 */
@Tag("shared-data")
class VitReferenceAgreementTest {

  static LayeredModel open(String name, String format) {
    if (format.equals("torchscript")) {
      return TorchScriptModel.load(SharedData.ref("vit/" + name + ".torchscript.pt"), new TorchScriptCard(64, 64, null,
          null, null, List.of(new TorchScriptCard.Split("tokens", "features", "head"))));
    }
    return OnnxModel.load(SharedData.ref("vit/" + name + ".onnx"), OnnxCard.of(64, 64, null, null));
  }

  @ParameterizedTest(name = "Grad-CAM on {0} as {1} matches pytorch-grad-cam")
  @CsvSource({"vit_gap,torchscript,5", "vit_cls,torchscript,6", "vit_gap,onnx,5", "vit_cls,onnx,6"})
  void gradCam(String name, String format, int top1) {
    try (LayeredModel model = open(name, format); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      Npy in = SharedData.npy("vit/input_1x3x64x64.npy");
      NDArray x = scope.create(in.data(), new Shape(in.shape()));
      GradCam method = new GradCam();
      List<ClassMap> maps = method.explain(model, scope, x, "tokens", TargetSelector.predicted());
      assertThat(maps).hasSize(1);
      ClassMap m = maps.get(0);
      assertThat(m.classIndex()).isEqualTo(top1);
      String ref = "vit/" + name + "_gradcam_";
      ReferenceAgreementTest.assertClose(m.raw().values(), ref + "raw8.npy");
      ReferenceAgreementTest.assertClose(m.upsampled().values(), ref + "64.npy");
      NDArray a = model.features(scope, x, "tokens");
      NDArray y = model.head(scope, a, "tokens");
      LayerCapture c = method.capture(model, scope, "tokens", x, a, y, new ClassTarget(top1));
      ReferenceAgreementTest.assertClose(method.weights(c).toFloatArray(), ref + "weights.npy");
    }
  }

  /**
   * Methods that build their own maps get the class token of their image: Ablation-CAM on a batch
   * of two images (the reference input and its mirror image) gives, for the first, the map it gives
   * on that image alone; every method runs at the token layer without NaN.
   */
  @ParameterizedTest(name = "{1} on {0} as ONNX: per-image class tokens in a batch")
  @CsvSource({"vit_cls,ablationcam", "vit_cls,scorecam", "vit_cls,eigencam", "vit_cls,gradcampp",
      "vit_gap,ablationcam"})
  void methodsInABatch(String name, String method) {
    try (LayeredModel model = open(name, "onnx"); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      Npy in = SharedData.npy("vit/input_1x3x64x64.npy");
      NDArray x = scope.create(in.data(), new Shape(in.shape()));
      NDArray two = x.concat(x.flip(3), 0);
      CamMethod cm = ReferenceAgreementTest.method(method);
      float[] alone = cm.explain(model, scope, x, "tokens", TargetSelector.predicted()).get(0).raw().values();
      List<ClassMap> maps = cm.explain(model, scope, two, "tokens", TargetSelector.predicted());
      assertThat(maps).hasSize(2);
      ReferenceAgreementTest.assertClose(maps.get(0).raw().values(), alone, method + " in a batch");
      for (ClassMap m : maps) {
        for (float v : m.upsampled().values()) {
          assertThat(v).isBetween(0f, 1f);
        }
      }
    }
  }
}
