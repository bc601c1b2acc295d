package io.camkit.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationTest {
  @TempDir Path tmp;

  static Calibration twoMethods() {
    return new Calibration("val", 60, "features.6",
        Map.of("cam", new Calibration.Entry(0.44, 0.652), "gradcam", new Calibration.Entry(0.31, 0.6)), "now");
  }

  @Test
  void roundTripsBesideAFolderAndBesideAFile() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("model"));
    assertThat(twoMethods().write(folder)).isEqualTo(folder.resolve("calibration.json"));
    assertThat(Calibration.of(folder)).contains(twoMethods());
    Path onnx = Files.writeString(tmp.resolve("net.onnx"), "x");
    assertThat(twoMethods().write(onnx)).isEqualTo(tmp.resolve("net.calibration.json"));
    assertThat(Calibration.of(onnx).orElseThrow().tauFor("gradcam")).hasValue(0.31);
    assertThat(Calibration.of(tmp.resolve("other.pt"))).isEmpty();
  }

  @Test
  void theUsersTauWinsThenTheMethodsCalibratedTauThenTheDefault() {
    Optional<Calibration> c = Optional.of(twoMethods());
    assertThat(Calibration.choose(OptionalDouble.of(0.3), c, "cam", 0.2))
        .isEqualTo(new Calibration.TauChoice(0.3, "chosen by the user"));
    Calibration.TauChoice cam = Calibration.choose(OptionalDouble.empty(), c, "cam", 0.2);
    assertThat(cam.tau()).isEqualTo(0.44);
    assertThat(cam.source()).isEqualTo("τ* of cam on the validation split val (60 images, MaxBoxAcc 65.2 %)");
    Calibration.TauChoice score = Calibration.choose(OptionalDouble.empty(), c, "scorecam", 0.2);
    assertThat(score.tau()).isEqualTo(0.2);
    assertThat(score.source()).contains("no τ* for scorecam");
    assertThat(Calibration.choose(OptionalDouble.empty(), Optional.empty(), "cam", 0.2).source())
        .contains("the model has no calibration");
  }
}
