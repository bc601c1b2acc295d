package io.camkit.cli;

import io.camkit.core.testing.SharedData;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.ImageFiles;
import io.camkit.core.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real photos from ../shared: decoding and the localize command on images of any size. */
@Tag("shared-data")
class RealPhotosTest {
  @TempDir Path tmp;

  @Test
  void everyRaccoonPhotoDecodesAtTheSizeItsAnnotationsGive() throws Exception {
    Path dir = SharedData.root().resolve("data/raccoon");
    Map<String, int[]> sizes = new HashMap<>();
    List<String> lines = Files.readAllLines(dir.resolve("data/raccoon_labels.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      sizes.put(f[0], new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2])});
    }
    assertThat(sizes).hasSize(200);
    for (var e : sizes.entrySet()) {
      RgbImage img = ImageFiles.read(dir.resolve("images").resolve(e.getKey()));
      assertThat(new int[] {img.width(), img.height()}).as(e.getKey()).containsExactly(e.getValue());
    }
  }

  @Test
  void localizeRunsOnLargeRealPhotosAndKeepsBoxesInsideThem() throws Exception {
    Path data = tmp.resolve("data");
    Path run = tmp.resolve("run");
    assertThat(Camkit.execute("generate", "--out", data.toString(), "--image-size", "48", "--min-object-size", "14",
        "--max-object-size", "26", "--train-size", "200", "--val-size", "20", "--test-size", "0")).isZero();
    assertThat(Camkit.execute("train", "--data", data.toString(), "--out", run.toString(), "--epochs", "1")).isZero();
    Path in = tmp.resolve("photos");
    Files.createDirectories(in);
    Path photos = SharedData.root().resolve("data/raccoon/images");
    for (String name : List.of("raccoon-1.jpg", "raccoon-2.jpg", "raccoon-3.jpg")) {
      Files.copy(photos.resolve(name), in.resolve(name));
    }
    Path out = tmp.resolve("out");
    assertThat(Camkit.execute("localize", "--model", run.resolve("model").toString(), in.toString(),
        "--out", out.toString())).isZero();
    JsonNode all = new ObjectMapper().readTree(out.resolve("localizations.json").toFile());
    assertThat(all).hasSize(3);
    for (JsonNode n : all) {
      RgbImage img = ImageFiles.read(Path.of(n.path("image").asText()));
      JsonNode b = n.path("box");
      assertThat(b.get(0).asInt() + b.get(2).asInt()).isLessThanOrEqualTo(img.width());
      assertThat(b.get(1).asInt() + b.get(3).asInt()).isLessThanOrEqualTo(img.height());
      String stem = Path.of(n.path("image").asText()).getFileName().toString().replace(".jpg", "");
      assertThat(ImageFiles.read(out.resolve(stem + "-cam.png")).width()).isGreaterThanOrEqualTo(img.width());
    }
  }
}
