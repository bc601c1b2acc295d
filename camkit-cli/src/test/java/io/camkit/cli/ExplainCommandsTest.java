package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code layers}, {@code localize --method}, {@code evaluate --method} and {@code bench explain} on a tiny model. */
class ExplainCommandsTest {
  @TempDir static Path tmp;
  static Path data;
  static Path model;

  @BeforeAll
  static void trainTiny() {
    data = TinyRuns.generateAndTrain(tmp, 160, 16, 24);
    model = tmp.resolve("run/model");
  }

  static String[] run(int expectedCode, String... argv) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Camkit.execute(argv);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    String[] r = {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    assertThat(code).as(String.join(" ", argv) + "\n" + r[1]).isEqualTo(expectedCode);
    return r;
  }

  @Test
  void layersListsEveryCutWithItsShapeAndTheDefault() {
    String out = run(0, "layers", model.toString())[0];
    assertThat(out).contains("input 3×32×32").contains("6 classes");
    assertThat(out).containsPattern("features\\.0\\s+4×16×16");
    assertThat(out).containsPattern("features\\.6\\s+8×8×8\\s+yes.*\\(auto: cam\\)");
    // its last map is 8×8 (≥ 7×7): auto for gradient methods is the last layer too
    assertThat(out).containsPattern("features\\.6\\s+8×8×8.*\\(auto: cam\\) \\(auto: gradient methods\\)");
  }

  @Test
  void localizeWithAGradientMethodAtAnInnerLayer() throws Exception {
    Path out = tmp.resolve("loc");
    Path img = data.resolve("test/images");
    run(0, "localize", "--model", model.toString(), "--method", "gradcampp", "--layer", "features.4", img.toString(),
        "--out", out.toString());
    JsonNode all = new ObjectMapper().readTree(out.resolve("localizations.json").toFile());
    assertThat(all).hasSize(24);
    assertThat(all.get(0).path("method").asText()).isEqualTo("gradcampp");
    assertThat(all.get(0).path("layer").asText()).isEqualTo("features.4");
    assertThat(all.get(0).path("resolution").asText()).isEqualTo("8×8");
    assertThat(out.resolve(all.get(0).path("image").asText().replaceAll(".*/", "").replace(".png", "-cam.png")))
        .isNotEmptyFile();
  }

  @Test
  void evaluateComparesMethodsInOneTable() throws Exception {
    Path out = tmp.resolve("cmp");
    String stdout = run(0, "evaluate", "--model", model.toString(), "--data", data.resolve("test").toString(),
        "--out", out.toString(), "--method", "cam,gradcam,scorecam,augmentedgradcam", "--faithfulness-images", "3",
        "--steps", "4", "--tau", "0.3", "--refine", "none")[0]; // one τ and map for all (cam alone is calibrated)
    assertThat(stdout).contains("| cam |").contains("| gradcam |").contains("| scorecam |");
    JsonNode j = new ObjectMapper().readTree(out.resolve("methods.json").toFile());
    assertThat(j.path("methods")).hasSize(4);
    JsonNode cam = j.path("methods").get(0);
    JsonNode grad = j.path("methods").get(1);
    // GAP + linear head: Grad-CAM = CAM / (h·w), so the same boxes
    assertThat(grad.path("localization").path("gtKnownLocalization").asDouble())
        .isEqualTo(cam.path("localization").path("gtKnownLocalization").asDouble());
    assertThat(cam.path("faithfulness").path("curveImages").asInt()).isEqualTo(3);
    assertThat(cam.path("localization").path("images").asInt()).isEqualTo(24);
    assertThat(out.resolve("methods.md")).isNotEmptyFile();
  }

  @Test
  void evaluateScoresSeveralFoldersAsOneSet() throws Exception {
    Path one = tmp.resolve("one");
    Path two = tmp.resolve("two");
    run(0, "evaluate", "--model", model.toString(), "--data", data.resolve("test").toString(), "--out", one.toString());
    run(0, "evaluate", "--model", model.toString(), "--data", data.resolve("test").toString(),
        data.resolve("val").toString(), "--out", two.toString());
    ObjectMapper json = new ObjectMapper();
    JsonNode a = json.readTree(one.resolve("metrics.json").toFile());
    JsonNode b = json.readTree(two.resolve("metrics.json").toFile());
    assertThat(b.path("images")).hasSize(24 + 16);
    // The test folder's images come first, with the same figures, their ids prefixed by the folder.
    for (int i = 0; i < 24; i++) {
      assertThat(b.path("images").get(i).path("id").asText())
          .isEqualTo(data.resolve("test") + "/" + a.path("images").get(i).path("id").asText());
      assertThat(b.path("images").get(i).path("gtKnownIou").asDouble())
          .isEqualTo(a.path("images").get(i).path("gtKnownIou").asDouble());
    }
    assertThat(b.path("images").get(24).path("id").asText()).startsWith(data.resolve("val") + "/");
    assertThat(b.path("provenance").path("data").asText()).contains("test, ").endsWith("val");
  }

  @Test
  void benchExplainWritesItsTable() {
    Path out = tmp.resolve("bench");
    run(0, "bench", "explain", "--model", model.toString(), "--method", "cam,gradcam", "--batch", "2", "--rounds",
        "1", "--out", out.toString());
    assertThat(out.resolve("bench-explain.md")).content().contains("| gradcam | 2 |");
  }

  @Test
  void badMethodsAndLayersAreOneLineErrors() {
    String err = run(2, "localize", "--model", model.toString(), "--method", "magic", data.toString(), "--out",
        tmp.resolve("x").toString())[1];
    assertThat(err.strip()).isEqualTo("camkit: unknown method 'magic'; choose one of cam, gradcam, gradcampp,"
        + " smoothgradcampp, scorecam, xgradcam, layercam, hirescam, augmentedgradcam, eigencam, eigengradcam,"
        + " ablationcam, fullgrad, sscam, iscam");
    // a region needs a class, and maps to sum: this camnet's GAP head has none
    err = run(2, "localize", "--model", model.toString(), "--region", data.toString(), data.resolve("test/images").toString(), "--out",
        tmp.resolve("r").toString())[1];
    assertThat(err.strip()).isEqualTo("camkit: --region needs --class: the class whose maps are summed over the region");
    err = run(2, "evaluate", "--model", model.toString(), "--data", data.resolve("test").toString(), "--out",
        tmp.resolve("y").toString(), "--method", "gradcam", "--layer", "conv9")[1];
    assertThat(err.strip()).startsWith("camkit: no layer named 'conv9'; valid layers: features.0, features.1")
        .doesNotContain("\n");
  }
}
