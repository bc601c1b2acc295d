package io.camkit.cli;

import static io.camkit.cli.ExplainCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.ImageFiles;
import io.camkit.core.io.Npy;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.HeadOptions;
import io.camkit.model.ModelCard;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code camkit heatmap} on a seeded, untrained 32×32 cnn-flatten (receptive field 30, stride 8)
 * and a 200×136 mosaic: tiles stitched = one pass through the CLI, the files a user gets, and one
 * line for each bad input.
 */
class HeatmapCommandTest {
  @TempDir static Path tmp;
  static Path model;
  static Path image;

  @BeforeAll
  static void tinyModelAndMosaic() throws Exception {
    List<String> classes = ShapesGenerator.classNames();
    CamNetOptions o = new CamNetOptions(32, classes.size(), 4, 8, 0.5f, 0.25f, HeadOptions.gap(), "cnn-flatten");
    Engine.getInstance().setRandomSeed(17);
    model = tmp.resolve("model");
    try (CamModel m = CamModel.create(o, classes)) {
      m.save(model, new ModelCard("test", "2024-01-01T00:00:00Z", "cnn-flatten", o, classes, null, null, null));
    }
    run(0, "generate", "--mosaic", "200x136", "--image-size", "32", "--min-object-size", "8",
        "--max-object-size", "14", "--out", tmp.resolve("mosaic").toString());
    image = tmp.resolve("mosaic/mosaic.png");
  }

  @Test
  void tiledRunEqualsOnePassAndWritesGridsOverlaysAndCounts() throws Exception {
    Path one = tmp.resolve("one");
    Path tiled = tmp.resolve("tiled");
    run(0, "heatmap", "--model", model.toString(), "--image", image.toString(), "--out", one.toString());
    String out = run(0, "heatmap", "--model", model.toString(), "--image", image.toString(), "--out", tiled.toString(),
        "--tile", "50", "--classes", "disc,star", "--count", "--threshold", "0.2", "--min-distance", "16")[0];
    assertThat(out).contains("200×136, cnn-flatten model, stride 8, receptive field 30, 40 tile(s)"); // 3 locations a tile: ⌈22 / 3⌉ · ⌈14 / 3⌉
    Npy a = Npy.read(one.resolve("scores.npy"));
    Npy b = Npy.read(tiled.resolve("scores.npy"));
    // (200 − 30) / 8 + 1 = 22 locations per row, (136 − 30) / 8 + 1 = 14 rows
    assertThat(a.shape()).containsExactly(6, 14, 22);
    assertThat(b.shape()).containsExactly(6, 14, 22);
    assertThat(b.data()).containsExactly(a.data(), within(1e-4f));
    float[] p = Npy.read(tiled.resolve("probabilities.npy")).data();
    for (int i = 0; i < 14 * 22; i += 37) {
      double sum = 0;
      for (int c = 0; c < 6; c++) {
        sum += p[c * 14 * 22 + i];
      }
      assertThat(sum).isCloseTo(1.0, within(1e-5));
    }
    assertThat(ImageFiles.read(tiled.resolve("disc-heat.png")).width()).isEqualTo(200);
    assertThat(tiled.resolve("ring-heat.png")).doesNotExist();
    JsonNode counts = new ObjectMapper().readTree(tiled.resolve("counts.json").toFile());
    int disc = counts.path("classes").path("disc").path("count").asInt();
    assertThat(counts.path("total").asInt()).isEqualTo(disc + counts.path("classes").path("star").path("count").asInt());
    assertThat(out).containsPattern("disc +" + disc);
    for (JsonNode peak : counts.path("classes").path("disc").path("peaks")) {
      // window centres: 14.5 + 8·x'
      assertThat((peak.path("x").asDouble() - 14.5) % 8).isZero();
      assertThat(peak.path("probability").asDouble()).isGreaterThan(0.2);
    }
    JsonNode meta = new ObjectMapper().readTree(tiled.resolve("heatmap.json").toFile());
    assertThat(meta.path("grid").path("firstCentre").asDouble()).isEqualTo(14.5);
  }

  @Test
  void badInputsGiveOneLineAndNoOutput() throws Exception {
    Path out = tmp.resolve("bad");
    String[] missing = run(2, "heatmap", "--model", model.toString(), "--image", tmp.resolve("nope.png").toString(),
        "--out", out.toString());
    assertThat(missing[1].strip()).startsWith("camkit: image not found:").doesNotContain("\n");
    Path corrupt = tmp.resolve("corrupt.png");
    Files.writeString(corrupt, "not an image");
    assertThat(run(2, "heatmap", "--model", model.toString(), "--image", corrupt.toString(), "--out", out.toString())[1])
        .contains("not a readable image");
    Path small = tmp.resolve("small.png");
    ImageFiles.writePng(new BufferedImage(100, 20, BufferedImage.TYPE_INT_RGB), small);
    assertThat(run(2, "heatmap", "--model", model.toString(), "--image", small.toString(), "--out", out.toString())[1].strip())
        .isEqualTo("camkit: the image is 100×20, smaller than the 30×30 receptive field of this cnn-flatten model"
            + " (trained on 32×32 images)");
    assertThat(run(2, "heatmap", "--model", model.toString(), "--image", image.toString(), "--out", out.toString(),
        "--classes", "hexagon")[1]).contains("unknown class 'hexagon'");
    assertThat(out).doesNotExist();
  }
}
