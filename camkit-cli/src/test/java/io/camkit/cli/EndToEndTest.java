package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain on a tiny benchmark (48×48 images, 2400 training images, 12 epochs): generate →
 * train → evaluate → localize through the CLI, and the user mistakes that must end with exit code
 * 2 and one line.
 */
class EndToEndTest {
  @TempDir static Path tmp;
  static Path data;
  static Path run;
  static JsonNode metrics;

  static final String[] TINY = {
    "--image-size", "48", "--min-object-size", "14", "--max-object-size", "26", "--distractors", "1",
    "--lines", "2", "--seed", "3"
  };

  static String[] args(String[] head, String... tail) {
    String[] out = new String[head.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }

  @BeforeAll
  static void trainOnce() throws Exception {
    data = tmp.resolve("data");
    run = tmp.resolve("run");
    assertThat(Camkit.execute(args(new String[] {"generate", "--out", data.toString(),
        "--train-size", "2400", "--val-size", "100", "--test-size", "300"}, TINY))).isZero();
    assertThat(Camkit.execute("train", "--data", data.toString(), "--out", run.toString(), "--epochs", "12")).isZero();
    assertThat(Camkit.execute("evaluate", "--model", run.resolve("model").toString(),
        "--data", data.resolve("test").toString(), "--out", run.resolve("eval").toString())).isZero();
    metrics = new ObjectMapper().readTree(run.resolve("eval/metrics.json").toFile()).path("metrics");
    System.out.println("tiny benchmark metrics: " + metrics);
  }

  @Test
  void trainingFromImageLabelsLocalizesFarBetterThanACentredBox() {
    double gtKnown = metrics.path("gtKnownLocalization").asDouble();
    double baseline = metrics.path("centredBaseline").asDouble();
    assertThat(metrics.path("images").asInt()).isEqualTo(300);
    assertThat(metrics.path("top1Accuracy").asDouble()).isGreaterThan(0.5);
    assertThat(gtKnown).isGreaterThan(0.3).isGreaterThan(baseline + 0.2);
    assertThat(metrics.path("maxBoxAcc").asDouble()).isGreaterThanOrEqualTo(gtKnown);
  }

  @Test
  void runWritesModelCardCurvesReportAndPictures() throws Exception {
    JsonNode card = new ObjectMapper().readTree(run.resolve("model/model.json").toFile());
    assertThat(card.path("camkitVersion").asText()).isNotBlank();
    assertThat(card.path("training").path("seed").asLong()).isEqualTo(7L);
    assertThat(card.path("data").path("sha256").asText()).hasSize(64);
    assertThat(card.path("history")).hasSize(12);
    for (String f : new String[] {"training-curves.png", "eval/successes.png", "eval/report.md", "eval/metrics.json"}) {
      assertThat(run.resolve(f)).isNotEmptyFile();
    }
    assertThat(ImageIO.read(run.resolve("training-curves.png").toFile()).getWidth()).isEqualTo(800);
    // No temp file is left behind by the atomic writes.
    try (var s = Files.walk(run)) {
      assertThat(s.filter(p -> p.toString().endsWith(".tmp")).toList()).isEmpty();
    }
  }

  @Test
  void localizeWritesAnOverlayAndABoxPerImageAndSkipsBrokenFiles() throws Exception {
    Path in = tmp.resolve("in");
    Files.createDirectories(in);
    Path images = data.resolve("test/images");
    try (var s = Files.list(images)) {
      for (Path p : s.sorted().limit(3).toList()) {
        // A PNG named .jpg: decoding goes by content, not by extension.
        Files.copy(p, in.resolve(p.getFileName().toString().replace(".png", ".jpg")));
      }
    }
    Files.write(in.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    Path out = tmp.resolve("loc");
    String err = captureErr(() -> assertThat(Camkit.execute("localize", "--model", run.resolve("model").toString(),
        in.toString(), "--out", out.toString())).isZero());
    assertThat(err).contains("skipped").contains("broken.png");
    JsonNode all = new ObjectMapper().readTree(out.resolve("localizations.json").toFile());
    assertThat(all).hasSize(3);
    for (JsonNode n : all) {
      JsonNode box = n.path("box");
      assertThat(box.get(0).asInt()).isBetween(0, 47);
      assertThat(box.get(0).asInt() + box.get(2).asInt()).isLessThanOrEqualTo(48);
      assertThat(n.path("probability").asDouble()).isBetween(0.0, 1.0);
    }
    try (var s = Files.list(out)) {
      assertThat(s.filter(p -> p.toString().endsWith("-cam.png")).count()).isEqualTo(3);
    }
    // The mask's bounding box is the JSON box.
    JsonNode first = all.get(0);
    String stem = Path.of(first.path("image").asText()).getFileName().toString().replace(".jpg", "");
    var mask = ImageIO.read(out.resolve(stem + "-mask.png").toFile());
    int minX = 48;
    int maxX = -1;
    for (int y = 0; y < mask.getHeight(); y++) {
      for (int x = 0; x < mask.getWidth(); x++) {
        if ((mask.getRGB(x, y) & 0xFF) > 0) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
        }
      }
    }
    assertThat(minX).isEqualTo(first.path("box").get(0).asInt());
    assertThat(maxX + 1 - minX).isEqualTo(first.path("box").get(2).asInt());
  }

  @Test
  void userMistakesEndWithExitCode2AndOneLine() throws Exception {
    assertOneLineError(new String[] {"evaluate", "--model", tmp.resolve("nope").toString(), "--data",
        data.resolve("test").toString(), "--out", tmp.resolve("x").toString()}, "model.json");
    assertOneLineError(new String[] {"train", "--data", tmp.resolve("empty").toString(), "--out",
        tmp.resolve("y").toString()}, "annotations.json");
    assertOneLineError(new String[] {"demo", "--epochs", "0"}, "--epochs");
    assertOneLineError(new String[] {"localize", "--model", run.resolve("model").toString(), "--class", "hexagon",
        data.resolve("test/images").toString(), "--out", tmp.resolve("z").toString()}, "unknown class 'hexagon'");
    assertOneLineError(new String[] {"generate", "--out", tmp.resolve("g").toString(), "--max-objects", "9"},
        "--max-objects");
    assertOneLineError(new String[] {"train", "--data", "d", "--out", "o", "--bogus"}, "Unknown option");
    assertOneLineError(new String[] {"demo", "--pooling", "weldon", "--k-max", "1000"}, "--k-max = 1000");
    assertOneLineError(new String[] {"demo", "--pooling", "lse", "--beta", "-1"}, "--beta");
    // Training into a folder that already holds a checkpoint, without --resume, loses nothing.
    assertOneLineError(new String[] {"train", "--data", data.toString(), "--out", run.toString()}, "--resume");
  }

  private static void assertOneLineError(String[] argv, String expected) throws Exception {
    int[] code = new int[1];
    String err = captureErr(() -> code[0] = Camkit.execute(argv));
    assertThat(code[0]).as(String.join(" ", argv)).isEqualTo(Camkit.USER_ERROR);
    assertThat(err.strip()).contains(expected).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(err.strip().lines().count()).isEqualTo(1);
  }

  interface Body {
    void run() throws Exception;
  }

  private static String captureErr(Body body) throws Exception {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, "UTF-8"));
    try {
      body.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString("UTF-8");
  }
}
