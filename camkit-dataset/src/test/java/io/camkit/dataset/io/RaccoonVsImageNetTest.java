package io.camkit.dataset.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.CamkitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RaccoonVsImageNet}'s seeded train/val/test split on a stand-in for {@code ../shared/data}
 * (the builder copies files without decoding them): counts per split, disjoint splits, and a test
 * split that does not depend on the validation share.
 */
class RaccoonVsImageNetTest {
  @TempDir Path tmp;
  Path raccoon;
  Path imagenet;

  @BeforeEach
  void sources() throws IOException {
    raccoon = tmp.resolve("raccoon");
    Files.createDirectories(raccoon.resolve("images"));
    Files.createDirectories(raccoon.resolve("annotations"));
    for (int i = 0; i < 20; i++) {
      Files.writeString(raccoon.resolve("images/raccoon-" + i + ".jpg"), "r" + i);
      Files.writeString(raccoon.resolve("annotations/raccoon-" + i + ".xml"), "<annotation/>");
    }
    imagenet = tmp.resolve("imagenet");
    Files.createDirectories(imagenet.resolve("images"));
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      Files.writeString(imagenet.resolve("images/v" + i + ".JPEG"), "o" + i);
      list.append("images/v").append(i).append(".JPEG, ").append(i % 2).append('\n');
    }
    Files.writeString(imagenet.resolve("dataset.txt"), list);
    Files.writeString(imagenet.resolve("synset_words.txt"), "n01440764 tench\nn01443537 goldfish\n");
  }

  @Test
  void valIsTakenAfterTestSoTheTestSplitStaysTheSame() throws IOException {
    Map<String, Object> m = RaccoonVsImageNet.build(raccoon, imagenet, tmp.resolve("a"), 20, 10, 0.3, 0.2, 7);
    // raccoons: round(20·0.3) = 6 test, round(20·0.2) = 4 val, 10 train; others: 3, 2, 5
    assertThat(m.get("test")).isEqualTo(Map.of("raccoon", 6, "other", 3));
    assertThat(m.get("val")).isEqualTo(Map.of("raccoon", 4, "other", 2));
    assertThat(m.get("train")).isEqualTo(Map.of("raccoon", 10, "other", 5));
    Path a = tmp.resolve("a");
    assertThat(names(a.resolve("val/raccoon"))).hasSize(8); // 4 images and their 4 VOC files
    assertThat(names(a.resolve("val/other"))).hasSize(2);
    Set<String> all = new TreeSet<>();
    for (String split : List.of("train", "val", "test")) {
      for (String n : names(a.resolve(split).resolve("raccoon"))) {
        assertThat(all.add(n)).as("in two splits: " + n).isTrue();
      }
    }
    assertThat(all).hasSize(40);
    assertThat(names(a.resolve("test-raccoon/raccoon"))).isEqualTo(names(a.resolve("test/raccoon")));
    assertThat(names(a.resolve("val-raccoon/raccoon"))).isEqualTo(names(a.resolve("val/raccoon")));
    assertThat(names(a.resolve("val-raccoon/other"))).isEmpty();

    RaccoonVsImageNet.build(raccoon, imagenet, tmp.resolve("b"), 20, 10, 0.3, 0.0, 7);
    Path b = tmp.resolve("b");
    assertThat(names(b.resolve("test/raccoon"))).isEqualTo(names(a.resolve("test/raccoon")));
    assertThat(names(b.resolve("test/other"))).isEqualTo(names(a.resolve("test/other")));
    assertThat(Files.exists(b.resolve("val"))).isFalse();
  }

  @Test
  void sharesThatLeaveNoTrainingImageAreRefusedNamingTheOptions() throws IOException {
    assertThatThrownBy(() -> RaccoonVsImageNet.build(raccoon, imagenet, tmp.resolve("c"), 4, 4, 0.5, 0.45, 7))
        .isInstanceOf(CamkitException.class).hasMessageContaining("--val-fraction 0.45")
        .hasMessageContaining("no training image");
    assertThatThrownBy(() -> RaccoonVsImageNet.build(raccoon, imagenet, tmp.resolve("d"), 4, 4, 0.5, -0.1, 7))
        .isInstanceOf(CamkitException.class).hasMessageContaining("--val-fraction");
    assertThat(Files.exists(tmp.resolve("c"))).isFalse();
    assertThat(names(tmp)).containsExactlyInAnyOrder("raccoon", "imagenet"); // no half-built folder left
  }

  private static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }
}
