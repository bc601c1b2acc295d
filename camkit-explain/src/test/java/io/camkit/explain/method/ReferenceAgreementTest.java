package io.camkit.explain.method;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.HeatMap;
import io.camkit.core.io.Npy;
import io.camkit.core.testing.SharedData;
import io.camkit.explain.target.ClassTarget;
import io.camkit.explain.target.TargetSelector;
import io.camkit.interop.torchscript.TorchScriptCard;
import io.camkit.interop.torchscript.TorchScriptModel;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every method against the maps pytorch-grad-cam ({@code pgc_*}) and torch-cam ({@code tc_*})
 * compute for the reference ResNet-18 of {@code ../shared/refs} (see its README), at layer4
 * (7×7) and layer3 (14×14), to 1e-4 max abs difference: raw (before ReLU), normalised at the map's
 * resolution, and upsampled to 224×224.
 */
@Tag("shared-data")
class ReferenceAgreementTest {
  static final float TOL = 1e-4f;
  static final int TOP1 = 238;
  static TorchScriptModel model;
  static NDManager scope;
  static NDArray x;

  @BeforeAll
  static void load() {
    model = TorchScriptModel.load(SharedData.ref("resnet18_seed0_split.torchscript.pt"),
        new TorchScriptCard(224, 224, null, null, null, List.of(
            new TorchScriptCard.Split("layer3", "features3", "head3"),
            new TorchScriptCard.Split("layer4", "features", "head"))));
    scope = NDManager.newBaseManager("PyTorch");
    Npy in = SharedData.npy("input_1x3x224x224.npy");
    x = scope.create(in.data(), new Shape(in.shape()));
  }

  @AfterAll
  static void close() {
    scope.close();
    model.close();
  }

  static CamMethod method(String name) {
    Supplier<CamMethod> s = switch (name) {
      case "cam" -> Cam::new;
      case "gradcam" -> GradCam::new;
      case "gradcampp" -> GradCamPlusPlus::new;
      case "xgradcam" -> XGradCam::new;
      case "layercam" -> LayerCam::new;
      case "hirescam" -> HiResCam::new;
      case "eigencam" -> EigenCam::new;
      case "eigengradcam" -> EigenGradCam::new;
      case "ablationcam" -> AblationCam::new;
      case "scorecam" -> ScoreCam::new;
      case "fullgrad" -> FullGrad::new;
      default -> throw new IllegalArgumentException(name);
    };
    return s.get();
  }

  static ClassMap explain(String method, String layer) {
    List<ClassMap> maps = method(method).explain(model, scope, x, layer, TargetSelector.predicted());
    assertThat(maps).hasSize(1);
    assertThat(maps.get(0).classIndex()).isEqualTo(TOP1);
    return maps.get(0);
  }

  static void assertClose(float[] actual, String refFile) {
    assertClose(actual, SharedData.npy(refFile).data(), refFile);
  }

  /** Max abs difference and max difference relative to the reference's largest magnitude, both ≤ TOL. */
  static void assertClose(float[] actual, float[] ref, String what) {
    assertThat(actual).as(what).hasSameSizeAs(ref);
    float diff = 0;
    float scale = 0;
    for (int i = 0; i < ref.length; i++) {
      diff = Math.max(diff, Math.abs(actual[i] - ref[i]));
      scale = Math.max(scale, Math.abs(ref[i]));
    }
    assertThat(diff).as(what + ": max abs diff").isLessThanOrEqualTo(TOL);
    assertThat(diff / scale).as(what + ": max diff relative to the map's max").isLessThanOrEqualTo(TOL);
  }

  static String suffix(String layer) {
    return layer.equals("layer3") ? "_L3" : "";
  }

  @ParameterizedTest(name = "{0} at {1} matches pytorch-grad-cam")
  @CsvSource({"gradcam,layer4", "gradcam,layer3", "gradcampp,layer4", "gradcampp,layer3", "xgradcam,layer4",
      "xgradcam,layer3", "layercam,layer4", "layercam,layer3", "hirescam,layer4", "hirescam,layer3"})
  void pytorchGradCam(String method, String layer) {
    ClassMap m = explain(method, layer);
    String s = suffix(layer);
    assertClose(m.raw().values(), "pgc_" + method + "_raw7" + s + ".npy");
    assertClose(m.normalized().values(), "pgc_" + method + "_norm7" + s + ".npy");
    assertClose(m.upsampled().values(), "pgc_" + method + "_224" + s + ".npy");
  }

  @ParameterizedTest(name = "{0} at {1} matches pytorch-grad-cam")
  @CsvSource({"ablationcam,layer4", "ablationcam,layer3", "scorecam,layer4"})
  void pytorchGradCamGradientFree(String method, String layer) {
    pytorchGradCam(method, layer);
    NDArray a = model.features(scope, x, layer);
    NDArray y = model.head(scope, a, layer);
    CamMethod cm = method(method);
    LayerCapture c = cm.capture(model, scope, layer, x, a, y, new ClassTarget(TOP1));
    assertClose(cm.weights(c).toFloatArray(), "pgc_" + method + "_weights" + suffix(layer) + ".npy");
  }

  /**
   * torch-cam's Score-CAM: channels normalised at 7×7 then upsampled with half-pixel centres
   * ({@link ScoreCam#torchCamMasks()}); its raw map is after ReLU.
   */
  @org.junit.jupiter.api.Test
  void scoreCamMatchesTorchCam() {
    List<ClassMap> maps = new ScoreCam().torchCamMasks().explain(model, scope, x, "layer4", TargetSelector.predicted());
    assertClose(maps.get(0).raw().relu().values(), "tc_scorecam_raw7.npy");
    assertClose(maps.get(0).normalized().values(), "tc_scorecam_norm7.npy");
  }

  /**
   * FullGrad's public output at 224 px. The reference ResNet-18's batch norms have their initial
   * statistics (β = 0, μ = 0) and its convolutions no bias, so every bias-gradient term is zero
   * there and this checks the input-gradient term, the per-channel normalisation and the final
   * one; the bias terms are checked by hand in FullGradTest. The TorchScript export hides its
   * inner layers anyway (camkit reads the input-gradient term only on it).
   */
  @org.junit.jupiter.api.Test
  void fullGradMatchesPytorchGradCam() {
    ClassMap m = explain("fullgrad", "layer4");
    assertThat(m.resolution()).isEqualTo("224×224");
    assertClose(m.upsampled().values(), "pgc_fullgrad_224.npy");
  }

  /**
   * Eigen-CAM and EigenGrad-CAM: the same projection as pytorch-grad-cam, whose sign is LAPACK's
   * (arbitrary); camkit's sign makes the map correlate positively with the channel sum. At layer4
   * the two signs agree (the maps match at every stage); at layer3 they are opposite, so camkit's
   * raw map is the reference's negated, and its normalised map is that of the negated reference.
   */
  @ParameterizedTest(name = "{0} at {1} matches pytorch-grad-cam up to the sign convention")
  @CsvSource({"eigencam,layer4,1", "eigencam,layer3,-1", "eigengradcam,layer4,1", "eigengradcam,layer3,-1"})
  void eigenMethods(String method, String layer, int sign) {
    ClassMap m = explain(method, layer);
    String s = suffix(layer);
    float[] ref = SharedData.npy("pgc_" + method + "_raw7" + s + ".npy").data().clone();
    for (int i = 0; i < ref.length; i++) {
      ref[i] *= sign;
    }
    assertClose(m.raw().values(), ref, method + " raw at " + layer);
    if (sign > 0) {
      assertClose(m.normalized().values(), "pgc_" + method + "_norm7" + s + ".npy");
      assertClose(m.upsampled().values(), "pgc_" + method + "_224" + s + ".npy");
    } else {
      int side = (int) Math.round(Math.sqrt(ref.length));
      HeatMap flipped = new HeatMap(side, side, ref).relu().normalized();
      assertClose(m.normalized().values(), flipped.values(), method + " normalised at " + layer);
    }
  }

  @ParameterizedTest(name = "{0} at {1} matches torch-cam")
  @CsvSource({"gradcam,layer4", "gradcam,layer3", "xgradcam,layer4", "xgradcam,layer3", "layercam,layer4",
      "layercam,layer3"})
  void torchCam(String method, String layer) {
    ClassMap m = explain(method, layer);
    String s = suffix(layer);
    // torch-cam's raw stage is after the ReLU for gradient methods; its upsampled map is not renormalised
    assertClose(m.raw().relu().values(), "tc_" + method + "_raw7" + s + ".npy");
    assertClose(m.normalized().values(), "tc_" + method + "_norm7" + s + ".npy");
    assertClose(m.normalized().resize(224, 224).values(), "tc_" + method + "_224_bilinear" + s + ".npy");
  }

  @org.junit.jupiter.api.Test
  void camMatchesTorchCamAndTheHandSum() {
    ClassMap m = explain("cam", "layer4");
    assertClose(m.raw().values(), "cam_sum_raw7.npy");
    assertClose(m.raw().values(), "tc_cam_raw7.npy"); // torch-cam: no ReLU for CAM
    // the raw map has no negative value here, so ReLU + min-max = torch-cam's min-max
    assertClose(m.normalized().values(), "tc_cam_norm7.npy");
    assertClose(m.normalized().resize(224, 224).values(), "tc_cam_224_bilinear.npy");
    // for a GAP + linear head Grad-CAM is CAM / (h·w) (crosscheck.json)
    float[] g = explain("gradcam", "layer4").raw().values();
    float[] c = m.raw().values();
    for (int i = 0; i < g.length; i++) {
      assertThat(g[i]).isCloseTo(c[i] / 49f, org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @ParameterizedTest(name = "{0} weights at {1}")
  @CsvSource({"gradcam,layer4", "gradcam,layer3", "gradcampp,layer4", "gradcampp,layer3", "xgradcam,layer4",
      "xgradcam,layer3"})
  void channelWeightsAndGradients(String method, String layer) {
    NDArray a = model.features(scope, x, layer);
    NDArray y = model.head(scope, a, layer);
    CamMethod cm = method(method);
    LayerCapture c = cm.capture(model, scope, layer, x, a, y, new ClassTarget(TOP1));
    assertClose(c.gradients().toFloatArray(), "grad_" + layer + "_top1.npy");
    assertClose(cm.weights(c).toFloatArray(), "pgc_" + method + "_weights" + suffix(layer) + ".npy");
  }

  @org.junit.jupiter.api.Test
  void batchOfEightWithPerImagePredictions() {
    Npy in = SharedData.npy("input_8x3x224x224.npy");
    NDArray x8 = scope.create(in.data(), new Shape(in.shape()));
    List<ClassMap> maps = new GradCam().explain(model, scope, x8, "layer4", TargetSelector.predicted());
    assertThat(maps).hasSize(8);
    float[] up = new float[8 * 224 * 224];
    float[] norm = new float[8 * 49];
    for (int i = 0; i < 8; i++) {
      HeatMap u = maps.get(i).upsampled();
      System.arraycopy(u.values(), 0, up, i * 224 * 224, 224 * 224);
      System.arraycopy(maps.get(i).normalized().values(), 0, norm, i * 49, 49);
    }
    assertClose(up, "pgc_gradcam_224_batch8.npy");
    assertClose(norm, "tc_gradcam_norm7_batch8.npy");
  }
}
