package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WSOL methods through train, weakly supervised masks through localize and evaluate. */
class WsolCliTest {
  @TempDir Path tmp;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path generate(Path dir, boolean multi) {
    Path data = dir.resolve("data");
    String[] common = {"generate", "--out", data.toString(), "--train-size", "64", "--val-size", "16", "--test-size",
        "12", "--image-size", "32", "--min-object-size", "10", "--max-object-size", "16", "--seed", "4"};
    String[] argv = multi ? concat(common, "--multi-object") : common;
    assertThat(Camkit.execute(argv)).isZero();
    return data;
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static boolean[] bits(Path png) throws Exception {
    BufferedImage img = ImageIO.read(png.toFile());
    boolean[] b = new boolean[img.getWidth() * img.getHeight()];
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        b[y * img.getWidth() + x] = (img.getRGB(x, y) & 0xFF) > 0;
      }
    }
    return b;
  }

  @Test
  void acolModelCardMasksFromLocalizeAndMaskIouFromEvaluate() throws Exception {
    Path data = generate(tmp, false);
    Path run = tmp.resolve("run");
    assertThat(Camkit.execute("train", "--data", data.toString(), "--out", run.toString(), "--epochs", "1", "--width",
        "4", "--feature-maps", "8", "--wsol", "acol", "--acol-delta", "0.6")).isZero();
    JsonNode card = JSON.readTree(run.resolve("model/model.json").toFile());
    assertThat(card.path("options").path("wsol").path("method").asText()).isEqualTo("acol");
    assertThat(card.path("options").path("wsol").path("acolDelta").asDouble()).isEqualTo(0.6);

    Path model = run.resolve("model");
    Path images = data.resolve("test/images");
    Path largest = tmp.resolve("largest");
    Path all = tmp.resolve("all");
    Path explicitLargest = tmp.resolve("explicit");
    String tau = "0.3";
    assertThat(Camkit.execute("localize", "--model", model.toString(), images.toString(), "--out",
        largest.toString(), "--tau", tau)).isZero();
    assertThat(Camkit.execute("localize", "--model", model.toString(), images.toString(), "--out", all.toString(),
        "--tau", tau, "--mask")).isZero();
    assertThat(Camkit.execute("localize", "--model", model.toString(), images.toString(), "--out",
        explicitLargest.toString(), "--tau", tau, "--mask", "--mask-largest")).isZero();
    long masks = 0;
    try (var files = Files.list(largest)) {
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith("-mask.png")).toList()) {
        masks++;
        boolean[] one = bits(p);
        boolean[] every = bits(all.resolve(p.getFileName()));
        assertThat(bits(explicitLargest.resolve(p.getFileName()))).containsExactly(one);
        for (int i = 0; i < one.length; i++) {
          assertThat(!one[i] || every[i]).as("the largest component lies inside the mask at τ").isTrue();
        }
      }
    }
    assertThat(masks).isEqualTo(12);
    ArchAndMultiLabelCliTest.assertOneLineError(new String[] {"localize", "--model", model.toString(), images.toString(),
        "--out", tmp.resolve("x").toString(), "--mask-largest"}, "--mask-largest goes with --mask");

    Path eval = tmp.resolve("eval");
    assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data", data.resolve("test").toString(),
        "--out", eval.toString())).isZero();
    JsonNode m = JSON.readTree(eval.resolve("metrics.json").toFile()).path("masks");
    assertThat(m.path("pairs").asInt()).isEqualTo(12); // every shapes object has an exact mask
    assertThat(m.path("mIoU").asDouble()).isBetween(0.0, 1.0);
    assertThat(eval.resolve("report.md")).content().contains("mIoU (mean over classes");
  }

  @Test
  void multiObjectEvaluationScoresEachPresentClassMask() throws Exception {
    Path data = generate(tmp, true);
    Path run = tmp.resolve("run");
    assertThat(Camkit.execute("train", "--data", data.toString(), "--out", run.toString(), "--epochs", "1", "--width",
        "4", "--feature-maps", "8", "--wsol", "cutmix")).isZero();
    Path eval = tmp.resolve("eval");
    assertThat(Camkit.execute("evaluate", "--model", run.resolve("model").toString(), "--data",
        data.resolve("test").toString(), "--out", eval.toString())).isZero();
    JsonNode root = JSON.readTree(eval.resolve("metrics.json").toFile());
    // one mask pair per (image, present class) pair, the pairs the box metrics count
    assertThat(root.path("masks").path("pairs").asLong()).isEqualTo(root.path("metrics").path("pairs").asLong())
        .isGreaterThan(12);
  }

  @Test
  void badWsolOptionsFailInOneLine() throws Exception {
    ArchAndMultiLabelCliTest.assertOneLineError(new String[] {"demo", "--wsol", "spg"}, "--wsol = spg");
    ArchAndMultiLabelCliTest.assertOneLineError(new String[] {"demo", "--wsol", "acol", "--pooling", "lse"},
        "acol only with --pooling gap");
    ArchAndMultiLabelCliTest.assertOneLineError(new String[] {"demo", "--wsol", "has", "--has-prob", "1"}, "--has-prob = 1.0");
    ArchAndMultiLabelCliTest.assertOneLineError(new String[] {"demo", "--wsol", "cutmix", "--cutmix-alpha", "0"},
        "--cutmix-alpha = 0.0");
  }
}
