package io.camkit.dataset.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.dataset.Sample;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageListFormatTest {
  @TempDir Path dir;

  void image(String name, int w, int h) throws Exception {
    Files.createDirectories(dir.resolve("images"));
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("images/" + name).toFile());
  }

  @Test
  void readsLabelsAndRoundsBoxesToPixelEdges() throws Exception {
    image("a.png", 20, 10);
    image("b.png", 20, 10);
    Files.write(dir.resolve("images/c.png"), new byte[] {1, 2, 3}); // broken: skipped, not fatal
    Files.writeString(dir.resolve("synset_words.txt"), "n01 cat, kitty\nn02 dog\n");
    Files.writeString(dir.resolve("dataset.txt"), "images/a.png, 1\nimages/b.png, 0\nimages/c.png, 0\n");
    Files.writeString(dir.resolve("boxes.csv"), String.join("\n",
        "image,class_index,xmin,ymin,xmax,ymax,xmin_20,ymin_20,xmax_20,ymax_20",
        "images/a.png,1,0,0,0,0,2.4,1.5,9.6,30",      // rounds to [2, 12) × [2, 10) after clipping y
        "images/a.png,1,0,0,0,0,5.2,5.2,5.4,5.4",     // rounds to an empty box: dropped
        "images/a.png,0,0,0,0,0,1,1,3,3") + "\n");    // another class's box: not this image's label
    CocoFormat.Loaded l = ImageListFormat.read(dir, null);
    assertThat(l.dataset().classes()).containsExactly("cat", "dog");
    assertThat(l.skipped()).hasSize(1).allMatch(s -> s.contains("c.png"));
    List<Sample> s = l.dataset().samples();
    assertThat(s).extracting(Sample::label).containsExactly(1, 0);
    assertThat(s.get(0).objects()).hasSize(1);
    assertThat(s.get(0).objects().get(0).box()).isEqualTo(new Box(2, 2, 10, 10));
    // no box: the whole image
    assertThat(s.get(1).objects().get(0).box()).isEqualTo(new Box(0, 0, 20, 10));
  }

  @Test
  void badListsAreClearErrors() throws Exception {
    assertThatThrownBy(() -> ImageListFormat.read(dir, null)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("no dataset.txt");
    image("a.png", 4, 4);
    Files.writeString(dir.resolve("synset_words.txt"), "n01 cat\n");
    Files.writeString(dir.resolve("dataset.txt"), "images/a.png, 3\n");
    assertThatThrownBy(() -> ImageListFormat.read(dir, null)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("class index 3 is out of range for 1 classes");
  }
}
