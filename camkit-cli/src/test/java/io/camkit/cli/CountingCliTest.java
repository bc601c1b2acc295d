package io.camkit.cli;

import static io.camkit.cli.ExplainCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.ImageFiles;
import io.camkit.model.ModelCard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Counting end to end on tiny data: {@code generate --crops} (class folders with background/),
 * {@code train} (the background class found by name and stored in the card), {@code generate
 * --mosaic} with known counts and {@code heatmap --count} (objects counted once each, the count
 * error against the mosaic's counts, the pictures, tiles = one pass), and one line for each bad option.
 */
class CountingCliTest {
  @TempDir static Path tmp;
  static Path crops;
  static Path model;
  static Path mosaic;
  static String trainOut;

  static final String[] SHAPES = {
    "--image-size", "32", "--min-object-size", "8", "--max-object-size", "14", "--distractors", "1", "--lines", "1",
  };

  @BeforeAll
  static void cropsModelAndMosaic() throws Exception {
    crops = tmp.resolve("crops");
    run(0, EndToEndTest.args(new String[] {"generate", "--crops", "--train-size", "30", "--val-size", "6",
        "--out", crops.toString()}, SHAPES));
    trainOut = run(0, "train", "--data", crops.toString(), "--out", tmp.resolve("run").toString(), "--epochs", "1",
        "--batch-size", "16", "--width", "4", "--feature-maps", "8")[0];
    model = tmp.resolve("run/model");
    run(0, EndToEndTest.args(new String[] {"generate", "--mosaic", "200x136", "--out", tmp.resolve("mos").toString()},
        SHAPES));
    mosaic = tmp.resolve("mos/mosaic.png");
  }

  @Test
  void cropsAreClassFoldersWithBackgroundAndTheirManifest() throws Exception {
    for (String c : List.of("background", "disc", "triangle", "star")) {
      assertThat(crops.resolve("train").resolve(c)).isDirectory();
    }
    // 30 images → a 6 × 5 mosaic: 30 object crops and 30 background crops (20 off centre, 10 clutter)
    JsonNode m = new ObjectMapper().readTree(crops.resolve("crops.json").toFile());
    assertThat(m.path("splits").path("train").path("kinds").path("object").asInt()).isEqualTo(30);
    assertThat(m.path("splits").path("train").path("counts").path("background").asInt()).isEqualTo(30);
    assertThat(m.path("splits").path("train").path("kinds").path("clutter").asInt()).isEqualTo(10);
    assertThat(m.path("centreHalfSide").asInt()).isEqualTo(8);
    try (var files = Files.list(crops.resolve("train/background"))) {
      assertThat(files.count()).isEqualTo(30);
    }
    assertThat(ImageFiles.read(crops.resolve("train/background/train-clutter-000000.png")).width()).isEqualTo(32);
  }

  @Test
  void trainFindsTheBackgroundClassAndTheCardKeepsIt() {
    assertThat(trainOut).contains("background class: background");
    ModelCard card = ModelCard.read(model);
    assertThat(card.backgroundClass()).isEqualTo("background");
    assertThat(card.classes()).hasSize(7).contains("background");
  }

  @Test
  void countWithABackgroundClassReportsTheErrorAgainstTheMosaicsCountsAndDrawsThePeaks() throws Exception {
    Path one = tmp.resolve("one");
    Path tiled = tmp.resolve("tiled");
    String out = run(0, "heatmap", "--model", model.toString(), "--image", mosaic.toString(), "--out", one.toString(),
        "--count", "--threshold", "0.3")[0];
    run(0, "heatmap", "--model", model.toString(), "--image", mosaic.toString(), "--out", tiled.toString(), "--count",
        "--threshold", "0.3", "--tile", "60");
    ObjectMapper json = new ObjectMapper();
    JsonNode counts = json.readTree(one.resolve("counts.json").toFile());
    JsonNode truth = json.readTree(tmp.resolve("mos/mosaic.json").toFile());
    assertThat(counts.path("backgroundClass").asText()).isEqualTo("background");
    assertThat(counts.path("classes").has("background")).isFalse();
    assertThat(counts.path("minDistance").asDouble()).isEqualTo(32 * 5 / 12.0); // 5/12 of the 32-px training size
    assertThat(counts.path("window").asInt()).isEqualTo(4); // half the 8-location window of a 32-px camnet
    int sum = 0;
    for (String c : List.of("disc", "triangle", "square", "star", "cross", "ring")) {
      JsonNode k = counts.path("classes").path(c);
      assertThat(k.path("true").asInt()).as(c).isEqualTo(truth.path("counts").path(c).asInt());
      int predicted = k.path("count").asInt();
      assertThat(k.path("error").asDouble()).isCloseTo((predicted - k.path("true").asInt())
          / (double) k.path("true").asInt(), org.assertj.core.api.Assertions.within(1e-9));
      assertThat(k.path("located").asInt()).isBetween(0, predicted);
      assertThat(out).containsPattern(c + " +" + predicted + " +" + k.path("true").asInt());
      sum += predicted;
    }
    assertThat(counts.path("total").asInt()).isEqualTo(sum).isEqualTo(counts.path("peaks").size());
    assertThat(counts.path("trueTotal").asInt()).isEqualTo(truth.path("total").asInt()).isEqualTo(24); // 6 × 4 cells
    // every peak is an object of one class, and is where the grid has a window centre
    for (JsonNode p : counts.path("peaks")) {
      assertThat(p.path("objectness").asDouble()).isGreaterThan(0.3);
      assertThat(p.path("class").asText()).isNotEqualTo("background");
    }
    // tiles = one pass, counts included (the same places and classes; scores agree to float rounding)
    JsonNode tiledPeaks = json.readTree(tiled.resolve("counts.json").toFile()).path("peaks");
    assertThat(tiledPeaks.size()).isEqualTo(counts.path("peaks").size());
    for (int i = 0; i < tiledPeaks.size(); i++) {
      JsonNode a = counts.path("peaks").get(i);
      JsonNode b = tiledPeaks.get(i);
      assertThat(List.of(b.path("x").asDouble(), b.path("y").asDouble(), b.path("class").asText()))
          .isEqualTo(List.of(a.path("x").asDouble(), a.path("y").asDouble(), a.path("class").asText()));
      assertThat(b.path("objectness").asDouble()).isCloseTo(a.path("objectness").asDouble(),
          org.assertj.core.api.Assertions.within(1e-5));
    }
    assertThat(ImageFiles.read(one.resolve("peaks.png")).width()).isEqualTo(200);
    assertThat(ImageFiles.read(one.resolve("peaks-detail.png")).width()).isEqualTo(400); // 200 px at 2×
    assertThat(ImageFiles.read(one.resolve("peaks-detail.png")).height()).isEqualTo(2 * 136 + 18); // and a strip naming the colours
  }

  @Test
  void classOffsetsFittedOnOneMosaicAreAppliedToAnother() throws Exception {
    Path fit = tmp.resolve("fit");
    String out = run(0, "heatmap", "--model", model.toString(), "--image", mosaic.toString(), "--out", fit.toString(),
        "--count", "--threshold", "0.3", "--fit-class-offsets")[0];
    assertThat(out).contains("class offsets fitted on this image's true counts");
    ObjectMapper json = new ObjectMapper();
    JsonNode offsets = json.readTree(fit.resolve("class-offsets.json").toFile());
    assertThat(offsets.path("offsets").size()).isEqualTo(6);
    assertThat(offsets.path("offsets").has("background")).isFalse();
    JsonNode fitted = json.readTree(fit.resolve("counts.json").toFile());
    Path applied = tmp.resolve("applied");
    run(0, "heatmap", "--model", model.toString(), "--image", mosaic.toString(), "--out", applied.toString(), "--count",
        "--threshold", "0.3", "--class-offsets", fit.resolve("class-offsets.json").toString());
    JsonNode again = json.readTree(applied.resolve("counts.json").toFile());
    // the same offsets on the same image: the same classes; the peaks never move
    assertThat(again.path("classes")).isEqualTo(fitted.path("classes"));
    Path plainDir = tmp.resolve("plain");
    run(0, "heatmap", "--model", model.toString(), "--image", mosaic.toString(), "--out", plainDir.toString(), "--count",
        "--threshold", "0.3");
    JsonNode plain = json.readTree(plainDir.resolve("counts.json").toFile());
    assertThat(again.path("total").asInt()).isEqualTo(plain.path("total").asInt());
    for (int i = 0; i < plain.path("peaks").size(); i++) {
      assertThat(again.path("peaks").get(i).path("x")).isEqualTo(plain.path("peaks").get(i).path("x"));
      assertThat(again.path("peaks").get(i).path("y")).isEqualTo(plain.path("peaks").get(i).path("y"));
    }
  }

  @Test
  void badOptionsGiveOneLine() throws Exception {
    Path out = tmp.resolve("bad");
    String[] e = run(2, "train", "--data", crops.toString(), "--out", out.toString(), "--background-class", "sky");
    assertThat(e[1].strip()).isEqualTo("camkit: --background-class 'sky' is not a class of the training data"
        + " [background, cross, disc, ring, square, star, triangle]; name one of them, or 'none'");
    assertThat(run(2, "heatmap", "--model", model.toString(), "--image", mosaic.toString(), "--out", out.toString(),
        "--truth", tmp.resolve("mos/mosaic.json").toString())[1].strip())
        .isEqualTo("camkit: --truth gives the true counts to compare with: add --count");
    assertThat(run(2, "heatmap", "--model", model.toString(), "--image", mosaic.toString(), "--out", out.toString(),
        "--count", "--truth", tmp.resolve("nope.json").toString())[1].strip()).startsWith("camkit: no such truth file:");
    assertThat(run(2, "generate", "--crops", "--mosaic", "100x100", "--out", out.toString())[1].strip())
        .isEqualTo("camkit: --crops and --mosaic write different things: give one of them");
    assertThat(run(2, "generate", "--crops", "--clutter-share", "2", "--out", out.toString())[1].strip())
        .startsWith("camkit: --background-per-object must be in [0, 20] and --clutter-share in [0, 1]");
    assertThat(run(2, "generate", "--mosaic", "100x100", "--split", "holdout", "--out", out.toString())[1].strip())
        .isEqualTo("camkit: --split must be test, val or train, not 'holdout'");
    assertThat(run(2, "heatmap", "--model", model.toString(), "--image", mosaic.toString(), "--out", out.toString(),
        "--fit-class-offsets")[1].strip())
        .isEqualTo("camkit: --fit-class-offsets and --class-offsets change how --count decides classes: add --count");
    assertThat(run(2, "heatmap", "--model", model.toString(), "--image", mosaic.toString(), "--out", out.toString(),
        "--count", "--class-offsets", tmp.resolve("nope.json").toString())[1].strip())
        .startsWith("camkit: no such class offsets file:");
    Path plain = tmp.resolve("plain.png"); // a copy without mosaic.json beside it
    Files.copy(mosaic, plain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(run(2, "heatmap", "--model", model.toString(), "--image", plain.toString(), "--out", out.toString(),
        "--count", "--fit-class-offsets")[1].strip())
        .isEqualTo("camkit: --fit-class-offsets needs the true counts: give --truth mosaic.json");
    assertThat(out).doesNotExist();
  }
}
