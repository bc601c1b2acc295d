package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** τ chosen on the validation split at training, stored beside the model, used by evaluate unless --tau is given. */
class CalibrationCliTest {
  @TempDir Path tmp;

  @Test
  void trainStoresTauStarAndEvaluateUsesItAndSaysSo() throws Exception {
    Path data = TinyRuns.generateAndTrain(tmp, 120, 24, 12);
    Path model = tmp.resolve("run/model");
    JsonNode cal = new ObjectMapper().readTree(model.resolve("calibration.json").toFile());
    assertThat(cal.path("images").asInt()).isEqualTo(24);
    double tauStar = cal.path("methods").path("cam").path("tau").asDouble();
    assertThat(tauStar).isBetween(0.0, 1.0);

    // evaluate on the validation split itself: its τ is τ*, so its GT-known loc at τ equals the MaxBoxAcc
    Path out = tmp.resolve("eval");
    assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data", data.resolve("val").toString(),
        "--out", out.toString())).isZero();
    JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertThat(metrics.path("provenance").path("tau").asDouble()).isEqualTo(tauStar);
    assertThat(metrics.path("provenance").path("tauSource").asText()).startsWith("τ* of cam on the validation split");
    assertThat(metrics.path("metrics").path("gtKnownLocalization").asDouble())
        .isEqualTo(metrics.path("metrics").path("maxBoxAcc").asDouble());
    assertThat(out.resolve("report.md")).content().contains("τ* of cam on the validation split");

    Path user = tmp.resolve("eval-user");
    assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data", data.resolve("test").toString(),
        "--out", user.toString(), "--tau", "0.35")).isZero();
    JsonNode m2 = new ObjectMapper().readTree(user.resolve("metrics.json").toFile());
    assertThat(m2.path("provenance").path("tau").asDouble()).isEqualTo(0.35);
    // the user's τ keeps the refinement chosen at training (the source names both), unless --refine none
    assertThat(m2.path("provenance").path("tauSource").asText()).startsWith("chosen by the user")
        .contains(m2.path("provenance").path("refinement").asText().equals("none") ? "" : "map refined by");
  }

  @Test
  void calibrateChoosesTauAndTheRefinementForAnExistingModelAndEvaluateFollowsOrOverrides() throws Exception {
    Path data = TinyRuns.generateAndTrain(tmp, 120, 24, 12);
    Path model = tmp.resolve("run/model");
    java.nio.file.Files.delete(model.resolve("calibration.json"));
    assertThat(Camkit.execute("calibrate", "--model", model.toString(), "--data", data.resolve("val").toString()))
        .isZero();
    JsonNode cam = new ObjectMapper().readTree(model.resolve("calibration.json").toFile()).path("methods").path("cam");
    double tauStar = cam.path("tau").asDouble();
    boolean refined = cam.has("guidedFilter");
    // evaluate on that same split: at τ* (and the refinement chosen with it) GT-known equals the MaxBoxAcc stored
    Path out = tmp.resolve("eval");
    assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data", data.resolve("val").toString(),
        "--out", out.toString())).isZero();
    JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertThat(metrics.path("provenance").path("tau").asDouble()).isEqualTo(tauStar);
    assertThat(metrics.path("metrics").path("gtKnownLocalization").asDouble())
        .isEqualTo(cam.path("maxBoxAcc").asDouble());
    assertThat(metrics.path("provenance").path("refinement").asText())
        .isEqualTo(refined ? cam.path("guidedFilter").path("radius").asText() + "," + cam.path("guidedFilter")
            .path("eps").asText() : "none");
    // the user's refinement replaces it, and the report says so
    Path mine = tmp.resolve("eval-mine");
    assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data", data.resolve("val").toString(),
        "--out", mine.toString(), "--refine", "0.08,0.1")).isZero();
    JsonNode m2 = new ObjectMapper().readTree(mine.resolve("metrics.json").toFile());
    assertThat(m2.path("provenance").path("refinement").asText()).isEqualTo("0.08,0.1");
    assertThat(m2.path("provenance").path("tauSource").asText()).endsWith("ε 0.1 (chosen by the user)");
    // a refinement that is none of the forms: a one-line error, no output
    Path bad = tmp.resolve("eval-bad");
    assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data", data.resolve("val").toString(),
        "--out", bad.toString(), "--refine", "sharp")).isNotZero();
    assertThat(bad.resolve("metrics.json")).doesNotExist();

    // --method: τ* and refinement of another method, chosen on the same split, stored beside cam's (kept)
    assertThat(Camkit.execute("calibrate", "--model", model.toString(), "--data", data.resolve("val").toString(),
        "--method", "layercam")).isZero();
    JsonNode both = new ObjectMapper().readTree(model.resolve("calibration.json").toFile()).path("methods");
    assertThat(both.path("cam")).isEqualTo(cam);
    JsonNode layercam = both.path("layercam");
    assertThat(layercam.path("tau").asDouble()).isBetween(0.0, 1.0);
    // evaluate with both methods on that split: each at its own τ*, where its GT-known equals its stored MaxBoxAcc
    Path two = tmp.resolve("eval-two");
    assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data", data.resolve("val").toString(),
        "--out", two.toString(), "--method", "cam,layercam", "--faithfulness-images", "0")).isZero();
    JsonNode rows = new ObjectMapper().readTree(two.resolve("methods.json").toFile()).path("methods");
    for (JsonNode row : rows) {
      JsonNode stored = both.path(row.path("method").asText());
      assertThat(row.path("localization").path("tau").asDouble()).isEqualTo(stored.path("tau").asDouble());
      assertThat(row.path("localization").path("gtKnownLocalization").asDouble())
          .isEqualTo(stored.path("maxBoxAcc").asDouble());
    }
    // --tta: the maps averaged over a flip get a τ* of their own, stored under "tta-cam[flip]" beside the plain
    // methods' (kept); evaluate --tta flip uses it and says so, and on that split GT-known equals its MaxBoxAcc
    assertThat(Camkit.execute("calibrate", "--model", model.toString(), "--data", data.resolve("val").toString(),
        "--tta", "flip")).isZero();
    JsonNode withTta = new ObjectMapper().readTree(model.resolve("calibration.json").toFile()).path("methods");
    assertThat(withTta.path("cam")).isEqualTo(cam);
    assertThat(withTta.path("layercam")).isEqualTo(layercam);
    JsonNode flipped = withTta.path("tta-cam[flip]");
    assertThat(flipped.path("tau").isNumber()).isTrue();
    Path tta = tmp.resolve("eval-tta");
    assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data", data.resolve("val").toString(),
        "--out", tta.toString(), "--tta", "flip")).isZero();
    JsonNode mt = new ObjectMapper().readTree(tta.resolve("metrics.json").toFile());
    assertThat(mt.path("provenance").path("tau").asDouble()).isEqualTo(flipped.path("tau").asDouble());
    assertThat(mt.path("provenance").path("tauSource").asText()).startsWith("τ* of tta-cam[flip] on the validation");
    assertThat(mt.path("metrics").path("gtKnownLocalization").asDouble())
        .isEqualTo(flipped.path("maxBoxAcc").asDouble());
    // other augmentations have no τ* of their own: the default, and the report says why
    Path shift = tmp.resolve("eval-shift");
    assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data", data.resolve("val").toString(),
        "--out", shift.toString(), "--tta", "shift", "--images", "4")).isZero();
    assertThat(new ObjectMapper().readTree(shift.resolve("metrics.json").toFile()).path("provenance")
        .path("tauSource").asText()).contains("has no τ* for tta-cam[shift]");
    // the calibration names its best entry (MaxBoxAcc first); evaluate and localize without --method use it,
    // with its augmentations, and say so
    String preferred = new ObjectMapper().readTree(model.resolve("calibration.json").toFile()).path("preferred")
        .asText();
    double bestAcc = 0;
    for (JsonNode e : withTta) {
      bestAcc = Math.max(bestAcc, e.path("maxBoxAcc").asDouble());
    }
    assertThat(withTta.path(preferred).path("maxBoxAcc").asDouble()).isEqualTo(bestAcc);
    assertThat(withTta.path(preferred).path("maxBoxAccV2").isNumber()).isTrue();
    String[] methodAndTta = io.camkit.pipeline.Calibration.parseKey(preferred);
    Path auto = tmp.resolve("eval-preferred");
    String said = captureOut(() -> assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data",
        data.resolve("val").toString(), "--out", auto.toString(), "--images", "6")).isZero());
    JsonNode ma = new ObjectMapper().readTree(auto.resolve("metrics.json").toFile());
    assertThat(ma.path("provenance").path("method").asText())
        .isEqualTo(io.camkit.pipeline.MapRequest.methodName(methodAndTta[0], methodAndTta[1] != null));
    assertThat(ma.path("provenance").path("tau").asDouble()).isEqualTo(withTta.path(preferred).path("tau").asDouble());
    if (!preferred.equals("cam")) {
      assertThat(said).contains("method: " + methodAndTta[0]).contains("preferred on the validation split");
    }
    Path one = uncheckedList(data.resolve("val/images")).findFirst().orElseThrow();
    Path loc = tmp.resolve("loc-preferred");
    assertThat(Camkit.execute("localize", "--model", model.toString(), one.toString(), "--out", loc.toString()))
        .isZero();
    JsonNode first = new ObjectMapper().readTree(loc.resolve("localizations.json").toFile());
    assertThat(first.toString()).contains("\"method\":\""
        + io.camkit.pipeline.MapRequest.methodName(methodAndTta[0], methodAndTta[1] != null) + "\"");
    // a preferred entry that cannot run here: cam instead, with a line that says why
    java.nio.file.Path cal = model.resolve("calibration.json");
    String kept = java.nio.file.Files.readString(cal);
    com.fasterxml.jackson.databind.node.ObjectNode edited = (com.fasterxml.jackson.databind.node.ObjectNode)
        new ObjectMapper().readTree(kept);
    ((com.fasterxml.jackson.databind.node.ObjectNode) edited.path("methods")).set("nosuchcam",
        edited.path("methods").path("cam"));
    edited.put("preferred", "nosuchcam");
    java.nio.file.Files.writeString(cal, edited.toString());
    Path fallback = tmp.resolve("eval-fallback");
    String saidFallback = captureOut(() -> assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data",
        data.resolve("val").toString(), "--out", fallback.toString(), "--images", "4")).isZero());
    assertThat(saidFallback).contains("the calibration prefers nosuchcam, but it cannot run here").contains("cam instead");
    assertThat(new ObjectMapper().readTree(fallback.resolve("metrics.json").toFile()).path("provenance")
        .path("method").asText()).isEqualTo("cam");
    java.nio.file.Files.writeString(cal, kept);
    // --method names the method whatever the preference
    Path named = tmp.resolve("eval-named");
    assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data", data.resolve("val").toString(),
        "--out", named.toString(), "--images", "4", "--method", "cam")).isZero();
    assertThat(new ObjectMapper().readTree(named.resolve("metrics.json").toFile()).path("provenance").path("method")
        .asText()).isEqualTo("cam");
    both = withTta;

    // an unknown method: a non-zero exit, the calibration untouched
    assertThat(Camkit.execute("calibrate", "--model", model.toString(), "--data", data.resolve("val").toString(),
        "--method", "nosuchcam")).isNotZero();
    assertThat(new ObjectMapper().readTree(model.resolve("calibration.json").toFile()).path("methods"))
        .isEqualTo(both);
  }

  private static java.util.stream.Stream<Path> uncheckedList(Path dir) {
    try {
      return java.nio.file.Files.list(dir).sorted();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String captureOut(Runnable r) {
    java.io.PrintStream old = System.out;
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
