package io.camkit.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.CamkitException;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoFormatTest {
  @TempDir Path tmp;

  @Test
  void writeThenReadGivesTheSameImagesBoxesAndMasks() throws Exception {
    Dataset d = new ShapesGenerator(ShapesOptions.defaults().withSizes(0, 0, 12).withObjects(1, 2)).generate(Split.TEST);
    CocoFormat.write(d, tmp);
    CocoFormat.Loaded back = CocoFormat.read(tmp);
    assertThat(back.skipped()).isEmpty();
    assertThat(back.dataset().classes()).isEqualTo(d.classes());
    for (int i = 0; i < d.size(); i++) {
      Sample a = d.get(i);
      Sample b = back.dataset().get(i);
      assertThat(b.id()).isEqualTo(a.id());
      assertThat(b.image().bytes()).isEqualTo(a.image().bytes());
      assertThat(b.objects()).isEqualTo(a.objects());
    }
  }

  @Test
  void corruptImageIsSkippedByNameNotFatal() throws Exception {
    Dataset d = new ShapesGenerator(ShapesOptions.defaults().withSizes(0, 0, 3)).generate(Split.TEST);
    CocoFormat.write(d, tmp);
    Path victim = tmp.resolve("images").resolve(d.get(1).id() + ".png");
    byte[] bytes = Files.readAllBytes(victim);
    Files.write(victim, java.util.Arrays.copyOf(bytes, 40)); // truncated
    CocoFormat.Loaded back = CocoFormat.read(tmp);
    assertThat(back.dataset().size()).isEqualTo(2);
    assertThat(back.skipped()).singleElement().asString().contains(d.get(1).id());
  }

  @Test
  void folderWithoutAnnotationsIsAClearError() {
    assertThatThrownBy(() -> CocoFormat.read(tmp))
        .isInstanceOf(CamkitException.class)
        .hasMessageContaining("annotations.json");
  }
}
