package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.Box;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.dataset.io.CocoFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --arch}, {@code --multi-object} and multi-label training and scoring through the CLI, on
 * a tiny multi-object benchmark (32×32, 320 training images, a few epochs).
 */
class ArchAndMultiLabelCliTest {
  @TempDir static Path tmp;
  static Path data;
  static Path run;
  static String trainOut;

  static final String[] TINY = {
    "--image-size", "32", "--min-object-size", "8", "--max-object-size", "14", "--distractors", "1",
    "--lines", "1", "--seed", "4", "--train-size", "320", "--val-size", "32", "--test-size", "64"
  };

  @BeforeAll
  static void generateAndTrainMultiLabel() throws Exception {
    data = tmp.resolve("multi");
    run = tmp.resolve("run");
    assertThat(Camkit.execute(EndToEndTest.args(new String[] {"generate", "--multi-object", "--out", data.toString()},
        TINY))).isZero();
    trainOut = captureOut(() -> assertThat(Camkit.execute("train", "--data", data.toString(), "--out", run.toString(),
        "--epochs", "3", "--batch-size", "16")).isZero());
    assertThat(Camkit.execute("evaluate", "--model", run.resolve("model").toString(),
        "--data", data.resolve("test").toString(), "--out", run.resolve("eval").toString())).isZero();
  }

  @Test
  void multiObjectDataHoldsOneToThreeObjectsOfDistinctClasses() {
    Dataset test = CocoFormat.read(data.resolve("test")).dataset();
    assertThat(test.multiLabel()).isTrue();
    int most = 0;
    for (Sample s : test.samples()) {
      assertThat(s.labels()).hasSameSizeAs(s.objects()).hasSizeBetween(1, 3);
      most = Math.max(most, s.labels().size());
    }
    assertThat(most).isEqualTo(3);
  }

  @Test
  void multiLabelDataIsTrainedWithBinaryCrossEntropyAndScoredPerClass() throws Exception {
    assertThat(trainOut).contains("multi-label data");
    ObjectMapper json = new ObjectMapper();
    JsonNode card = json.readTree(run.resolve("model/model.json").toFile());
    assertThat(card.path("training").path("multiLabel").asBoolean()).isTrue();
    assertThat(card.path("options").path("arch").asText()).isEqualTo("camnet");
    JsonNode root = json.readTree(run.resolve("eval/metrics.json").toFile());
    assertThat(root.path("multiLabel").asBoolean()).isTrue();
    JsonNode m = root.path("metrics");
    Dataset test = CocoFormat.read(data.resolve("test")).dataset();
    long pairs = test.samples().stream().mapToLong(s -> s.labels().size()).sum();
    assertThat(m.path("images").asInt()).isEqualTo(64);
    assertThat(m.path("pairs").asLong()).isEqualTo(pairs);
    JsonNode perClass = root.path("perClass");
    assertThat(perClass).hasSize(6);
    long classPairs = 0;
    double apSum = 0;
    for (JsonNode c : perClass) {
      classPairs += c.path("pairs").asLong();
      apSum += c.path("averagePrecision").asDouble();
      assertThat(c.path("averagePrecision").asDouble()).isBetween(0.0, 1.0);
    }
    assertThat(classPairs).isEqualTo(pairs);
    assertThat(m.path("mAP").asDouble()).isCloseTo(apSum / 6, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(m.path("maxBoxAcc").asDouble()).isGreaterThanOrEqualTo(m.path("gtKnownLocalization").asDouble());
    assertThat(m.path("pointingGame").asDouble()).isBetween(0.0, 1.0);
    assertThat(root.path("maxBoxAccCurve")).hasSize(101);
    assertThat(run.resolve("eval/report.md")).content().contains("mAP").contains("pointing game").contains("| triangle");
  }

  @Test
  void cnnGapIsRebuiltFromItsCardAndCnnFlattenRefusesCamInOneLine() throws Exception {
    Path gap = tmp.resolve("gap");
    assertThat(Camkit.execute("train", "--data", data.toString(), "--out", gap.toString(), "--arch", "cnn-gap",
        "--epochs", "1", "--no-augment")).isZero();
    assertThat(new ObjectMapper().readTree(gap.resolve("model/model.json").toFile()).path("architecture").asText())
        .isEqualTo("cnn-gap");
    Path one = Files.list(data.resolve("test/images")).sorted().findFirst().orElseThrow();
    assertThat(Camkit.execute("localize", "--model", gap.resolve("model").toString(), one.toString(),
        "--out", gap.resolve("loc").toString())).isZero();

    Path flat = tmp.resolve("flat");
    assertThat(Camkit.execute("train", "--data", data.toString(), "--out", flat.toString(), "--arch", "cnn-flatten",
        "--epochs", "1", "--no-augment")).isZero();
    assertOneLineError(new String[] {"evaluate", "--model", flat.resolve("model").toString(), "--data",
        data.resolve("test").toString(), "--out", flat.resolve("eval").toString()},
        "cnn-flatten has a dense head: CAM needs a GAP or class-map head; use a gradient method");
  }

  @Test
  void impossibleArchitectureSettingsFailBeforeAnyWorkInOneLine() throws Exception {
    // 16×16 images: cnn-gap's last conv map would be 0×0 (16 -> 14 -> 7 -> 5 -> 2 -> 0).
    Path small = tmp.resolve("small");
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      samples.add(new Sample("s" + i, new RgbImage(16, 16, new byte[16 * 16 * 3]),
          List.of(new ObjectAnnotation(i % 2, new Box(2, 2, 9, 9), Optional.empty()))));
    }
    CocoFormat.write(new Dataset("small", List.of("a", "b"), samples), small.resolve("train"));
    Path out = tmp.resolve("small-run");
    assertOneLineError(new String[] {"train", "--data", small.toString(), "--out", out.toString(), "--arch", "cnn-gap"},
        "--image-size 16 is too small for --arch cnn-gap: its last conv map would be 0×0; use at least 18");
    assertThat(out.resolve("checkpoints")).doesNotExist();
    assertOneLineError(new String[] {"demo", "--arch", "resnet"}, "--arch = resnet");
    assertOneLineError(new String[] {"demo", "--arch", "cnn-flatten", "--pooling", "wildcat"}, "--pooling = wildcat");
    assertOneLineError(new String[] {"demo", "--pooling", "gmp", "--beta-learned"}, "--beta-learned");
    // Six 28–32 px objects cannot share a 32×32 image: a user setting, told in one line.
    assertOneLineError(new String[] {"generate", "--out", tmp.resolve("crowded").toString(), "--image-size", "32",
        "--min-object-size", "28", "--max-object-size", "32", "--max-objects", "6", "--multi-object",
        "--train-size", "4", "--val-size", "0", "--test-size", "0"}, "lower --max-objects");
  }

  static void assertOneLineError(String[] argv, String expected) throws Exception {
    int[] code = new int[1];
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, "UTF-8"));
    try {
      code[0] = Camkit.execute(argv);
    } finally {
      System.setErr(old);
    }
    String err = buf.toString("UTF-8");
    assertThat(code[0]).as(String.join(" ", argv)).isEqualTo(Camkit.USER_ERROR);
    assertThat(err.strip()).contains(expected).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(err.strip().lines().count()).isEqualTo(1);
  }

  interface Body {
    void run() throws Exception;
  }

  static String captureOut(Body body) throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, "UTF-8"));
    try {
      body.run();
    } finally {
      System.setOut(old);
    }
    String s = buf.toString("UTF-8");
    old.print(s);
    return s;
  }
}
