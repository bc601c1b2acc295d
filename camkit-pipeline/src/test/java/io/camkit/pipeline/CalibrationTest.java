package io.camkit.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.localize.GuidedFilter;

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

  static Calibration refined() {
    return new Calibration("val", 500, "features.6",
        Map.of("cam", new Calibration.Entry(0.66, 0.992, new GuidedFilter(0.25, 0.01),
            new Calibration.Entry(0.45, 0.646))), "now");
  }

  @Test
  void theRefinementChosenWithTauIsStoredAndReadBack() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("refined"));
    // one entry: nothing was compared, nothing is preferred
    assertThat(new Calibration("val", 30, "features", Map.of("gradcam", entry(0.9, 0.8, 1, 0.6)), "now")
        .withPreferredChosen().preferred()).isNull();
    refined().write(folder);
    assertThat(Files.readString(folder.resolve("calibration.json"))).contains("\"radius\" : 0.25", "\"eps\" : 0.01");
    assertThat(Calibration.of(folder)).contains(refined());
    // a file written before refinements existed reads as "no refinement"
    Files.writeString(folder.resolve("calibration.json"), "{\"dataset\": \"val\", \"images\": 60, \"layer\": \"f\","
        + " \"methods\": {\"cam\": {\"tau\": 0.44, \"maxBoxAcc\": 0.65}}, \"createdAt\": \"x\"}");
    assertThat(Calibration.of(folder).orElseThrow().methods().get("cam").guidedFilter()).isNull();
  }

  @Test
  void theCalibratedRefinementComesWithTauUnlessTheUserSaysOtherwise() {
    Optional<Calibration> c = Optional.of(refined());
    Calibration.TauChoice auto = Calibration.choose(OptionalDouble.empty(), "auto", c, "cam", 0.2);
    assertThat(auto.tau()).isEqualTo(0.66);
    assertThat(auto.refine()).isEqualTo(new GuidedFilter(0.25, 0.01));
    assertThat(auto.source()).isEqualTo("τ* of cam on the validation split val (500 images, MaxBoxAcc 99.2 %); map"
        + " refined by a guided filter, radius 0.25 of the shorter side, ε 0.01 (chosen with τ on the validation split)");
    // the user's τ keeps the calibrated refinement; "none" drops it; RADIUS,EPS replaces it
    assertThat(Calibration.choose(OptionalDouble.of(0.5), null, c, "cam", 0.2).refine())
        .isEqualTo(new GuidedFilter(0.25, 0.01));
    Calibration.TauChoice none = Calibration.choose(OptionalDouble.empty(), "none", c, "cam", 0.2);
    assertThat(none.refine()).isNull();
    assertThat(none.tau()).isEqualTo(0.66);
    Calibration.TauChoice mine = Calibration.choose(OptionalDouble.empty(), "0.08,0.1", Optional.empty(), "cam", 0.2);
    assertThat(mine.refine()).isEqualTo(new GuidedFilter(0.08, 0.1));
    assertThat(mine.source()).endsWith("(chosen by the user)");
    MapRequest r = mine.applyTo(MapRequest.of("cam"));
    assertThat(r.tau()).isEqualTo(0.2);
    assertThat(r.refinement()).contains(new GuidedFilter(0.08, 0.1));
    assertThatThrownBy(() -> Calibration.choose(OptionalDouble.empty(), "sharp", c, "cam", 0.2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto, none or RADIUS,EPS");
  }

  private static Calibration.Entry entry(double acc, Double v2, Integer copies, Double iou) {
    return new Calibration.Entry(0.5, acc, null, null, v2, iou, copies);
  }

  @Test
  void thePreferredEntryIsTheBestMaxBoxAccThenV2ThenFewerCopiesThenMeanIou() {
    java.util.LinkedHashMap<String, Calibration.Entry> m = new java.util.LinkedHashMap<>();
    m.put("cam", entry(0.833, 0.767, 1, 0.644));
    m.put("gradcampp", entry(0.9, 0.811, 1, 0.650));
    assertThat(Calibration.preferredOf(m)).contains("gradcampp"); // MaxBoxAcc
    m.put("tta-gradcampp[flip]", entry(0.9, 0.822, 2, 0.657));
    assertThat(Calibration.preferredOf(m)).contains("tta-gradcampp[flip]"); // same MaxBoxAcc, better V2
    m.put("tta-layercam[flip,shift]", entry(0.9, 0.822, 6, 0.70));
    assertThat(Calibration.preferredOf(m)).contains("tta-gradcampp[flip]"); // same V2, fewer copies
    m.put("tta-layercam[flip]", entry(0.9, 0.822, 2, 0.677));
    assertThat(Calibration.preferredOf(m)).contains("tta-layercam[flip]"); // same copies, better mean IoU
    m.put("tta-cam[flip]", entry(0.9, 0.822, 2, 0.677));
    assertThat(Calibration.preferredOf(m)).contains("tta-layercam[flip]"); // a full tie: the first stays
    // an entry of an older file (no V2, no copies) loses a tie on MaxBoxAcc to one that has them, not a better one
    m.put("xgradcam", new Calibration.Entry(0.4, 0.9));
    assertThat(Calibration.preferredOf(m)).contains("tta-layercam[flip]");
    m.put("hirescam", new Calibration.Entry(0.4, 0.95));
    assertThat(Calibration.preferredOf(m)).contains("hirescam");
    assertThat(Calibration.preferredOf(Map.of())).isEmpty();
  }

  @Test
  void aKeyReadsBackAsItsMethodAndAugmentations() {
    assertThat(Calibration.parseKey(Calibration.key("layercam", "flip,shift"))).containsExactly("layercam",
        "flip,shift");
    assertThat(Calibration.parseKey(Calibration.key("gradcampp", null))).containsExactly("gradcampp", null);
  }

  @Test
  void thePreferredEntryAndTheTieBreakersRoundTripAndOlderFilesReadWithoutThem() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("preferred"));
    java.util.LinkedHashMap<String, Calibration.Entry> m = new java.util.LinkedHashMap<>();
    m.put("cam", entry(0.833, 0.767, 1, 0.644));
    m.put("tta-layercam[flip]", entry(0.9, 0.822, 2, 0.677));
    Calibration c = new Calibration("val", 30, "features", m, "now").withPreferredChosen();
    assertThat(c.preferred()).isEqualTo("tta-layercam[flip]");
    c.write(folder);
    assertThat(Files.readString(folder.resolve("calibration.json"))).contains("\"preferred\" : \"tta-layercam[flip]\"",
        "\"maxBoxAccV2\" : 0.822", "\"copies\" : 2");
    assertThat(Calibration.of(folder)).contains(c);
    // one entry: nothing was compared, nothing is preferred
    assertThat(new Calibration("val", 30, "features", Map.of("gradcam", entry(0.9, 0.8, 1, 0.6)), "now")
        .withPreferredChosen().preferred()).isNull();
    refined().write(folder);
    assertThat(Files.readString(folder.resolve("calibration.json"))).doesNotContain("preferred", "copies");
    assertThat(Calibration.of(folder).orElseThrow().preferred()).isNull();
  }

  @Test
  void aPreferredEntryThatIsNoEntryIsRefusedAndAFileThatSaysSoIsAClearError() throws Exception {
    assertThatThrownBy(() -> new Calibration("val", 3, "f", Map.of("cam", entry(0.5, 0.5, 1, 0.5)), "now",
        "layercam")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'layercam'");
    Path folder = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(folder.resolve("calibration.json"), "{\"dataset\": \"val\", \"images\": 3, \"layer\": \"f\","
        + " \"methods\": {\"cam\": {\"tau\": 0.4, \"maxBoxAcc\": 0.6}}, \"createdAt\": \"x\", \"preferred\": \"gone\"}");
    assertThatThrownBy(() -> Calibration.of(folder)).isInstanceOf(io.camkit.core.CamkitException.class)
        .hasMessageContaining("cannot read the calibration").hasMessageContaining("'gone'");
  }
}
