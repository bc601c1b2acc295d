package io.camkit.dataset.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.dataset.Sample;
import io.camkit.dataset.Split;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny CUB-200-2011 folder written here: 3 classes (upstream ids 1, 3, 7), 20×10 images. */
class CubFormatTest {
  @TempDir Path dir;

  /** Class 1: ids 1–6 (train 1–4, test 5–6); class 3: ids 10–12 (train 10–11, test 12); class 7: id 20 (train). */
  @BeforeEach
  void write() throws Exception {
    Files.writeString(dir.resolve("classes.txt"), "1 001.Black_footed_Albatross\n3 003.Sooty_Albatross\n7 007.Parakeet_Auklet\n");
    StringBuilder images = new StringBuilder();
    StringBuilder labels = new StringBuilder();
    StringBuilder split = new StringBuilder();
    StringBuilder boxes = new StringBuilder();
    int[][] rows = {{1, 1, 1}, {2, 1, 1}, {3, 1, 1}, {4, 1, 1}, {5, 1, 0}, {6, 1, 0}, {10, 3, 1}, {11, 3, 1},
        {12, 3, 0}, {20, 7, 1}};
    for (int[] r : rows) {
      String folder = r[1] == 1 ? "001.Black_footed_Albatross" : r[1] == 3 ? "003.Sooty_Albatross" : "007.Parakeet_Auklet";
      String path = folder + "/img_" + r[0] + ".png";
      Files.createDirectories(dir.resolve("images").resolve(folder));
      ImageIO.write(new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("images").resolve(path).toFile());
      images.append(r[0]).append(' ').append(path).append('\n');
      labels.append(r[0]).append(' ').append(r[1]).append('\n');
      split.append(r[0]).append(' ').append(r[2]).append('\n');
      // x, y, w, h: image 5's box runs past the right edge (clipped), the others are [2.4, 7.6) × [1.5, 4.5)
      boxes.append(r[0]).append(r[0] == 5 ? " 15.0 2.0 30.0 6.0\n" : " 2.4 1.5 5.2 3.0\n");
    }
    Files.writeString(dir.resolve("images.txt"), images);
    Files.writeString(dir.resolve("image_class_labels.txt"), labels);
    Files.writeString(dir.resolve("train_test_split.txt"), split);
    Files.writeString(dir.resolve("bounding_boxes.txt"), boxes);
  }

  private static List<String> ids(CocoFormat.Loaded l) {
    return l.dataset().samples().stream().map(Sample::id).toList();
  }

  @Test
  void theOfficialTestSplitWithBoxesFromXywh() {
    assertThat(CubFormat.isCub(dir)).isTrue();
    CocoFormat.Loaded test = CubFormat.read(dir, Split.TEST, CubFormat.Selection.defaults(), true);
    assertThat(test.dataset().classes()).containsExactly("001.Black_footed_Albatross", "003.Sooty_Albatross",
        "007.Parakeet_Auklet");
    assertThat(ids(test)).containsExactly("001.Black_footed_Albatross/img_5.png", "001.Black_footed_Albatross/img_6.png",
        "003.Sooty_Albatross/img_12.png");
    assertThat(test.dataset().samples()).extracting(Sample::label).containsExactly(0, 0, 1);
    // x = 15, w = 30 → [15, 45) clipped to [15, 20); y = 2, h = 6 → [2, 8)
    assertThat(test.dataset().get(0).objects().get(0).box()).isEqualTo(new Box(15, 2, 20, 8));
    // [round(2.4), round(2.4 + 5.2)) = [2, 8); [round(1.5), round(1.5 + 3.0)) = [2, 5) (Math.round: half up)
    assertThat(test.dataset().get(1).objects().get(0).box()).isEqualTo(new Box(2, 2, 8, 5));
    assertThat(test.problems()).isEmpty();
  }

  @Test
  void validationIsCarvedFromTrainingStratifiedSeededAndDisjoint() {
    CubFormat.Selection two = new CubFormat.Selection(Set.of(), 2, 7);
    List<String> val = ids(CubFormat.read(dir, Split.VAL, two, true));
    List<String> train = ids(CubFormat.read(dir, Split.TRAIN, two, true));
    // class 1 has 4 training images → 2 to val; class 3 has 2 → 1 (one stays to train on); class 7 has 1 → 0
    assertThat(val.stream().filter(s -> s.startsWith("001")).count()).isEqualTo(2);
    assertThat(val.stream().filter(s -> s.startsWith("003")).count()).isEqualTo(1);
    assertThat(val.stream().filter(s -> s.startsWith("007")).count()).isZero();
    assertThat(train).hasSize(7 - 3).contains("007.Parakeet_Auklet/img_20.png");
    Set<String> all = new HashSet<>(val);
    all.addAll(train);
    assertThat(all).hasSize(7); // disjoint and together the official training split
    // the same seed draws the same images; the draw depends on the seed
    assertThat(ids(CubFormat.read(dir, Split.VAL, two, true))).isEqualTo(val);
    List<List<String>> draws = new ArrayList<>();
    for (long seed = 0; seed < 8; seed++) {
      draws.add(ids(CubFormat.read(dir, Split.VAL, new CubFormat.Selection(Set.of(), 2, seed), true)));
    }
    assertThat(new HashSet<>(draws)).hasSizeGreaterThan(1);
  }

  @Test
  void aSubsetOfClassesIsNumberedInClassesTxtOrder() {
    CocoFormat.Loaded l = CubFormat.read(dir, Split.TRAIN, new CubFormat.Selection(Set.of(7, 3), 0, 0), true);
    assertThat(l.dataset().classes()).containsExactly("003.Sooty_Albatross", "007.Parakeet_Auklet");
    assertThat(l.dataset().samples()).extracting(Sample::label).containsExactly(0, 0, 1);
    assertThat(DatasetFolders.read(dir).dataset().size()).isEqualTo(3); // auto-detected: the test split
  }

  @Test
  void mistakesAreClearErrorsOrProblems() throws Exception {
    assertThatThrownBy(() -> CubFormat.read(dir, Split.TEST, new CubFormat.Selection(Set.of(4), 0, 0), true))
        .isInstanceOf(CamkitException.class).hasMessageContaining("class id 4 is not in");
    assertThatThrownBy(() -> new CubFormat.Selection(Set.of(), -1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option --cub-val-per-class = -1 is out of range (allowed: >= 0)");
    Files.delete(dir.resolve("images/001.Black_footed_Albatross/img_6.png"));
    CocoFormat.Loaded lenient = CubFormat.read(dir, Split.TEST, CubFormat.Selection.defaults(), false);
    assertThat(lenient.dataset().size()).isEqualTo(2);
    assertThat(lenient.skipped()).hasSize(1).allMatch(s -> s.contains("img_6.png"));
    Files.delete(dir.resolve("image_class_labels.txt"));
    assertThatThrownBy(() -> CubFormat.read(dir, Split.TEST, CubFormat.Selection.defaults(), false))
        .isInstanceOf(CamkitException.class).hasMessageContaining("image_class_labels.txt is missing");
  }
}
