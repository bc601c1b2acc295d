package io.camkit.dataset.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.dataset.Sample;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderFormatTest {
  @TempDir Path root;

  void image(String rel, int w, int h) throws Exception {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", p.toFile());
  }

  static String voc(String name, int xmin, int ymin, int xmax, int ymax) {
    return "<object><name>" + name + "</name><bndbox><xmin>" + xmin + "</xmin><ymin>" + ymin + "</ymin><xmax>" + xmax
        + "</xmax><ymax>" + ymax + "</ymax></bndbox></object>";
  }

  @Test
  void classesAreSortedSubfoldersAndVocBoxesAreHalfOpen() throws Exception {
    image("raccoon/r1.jpg", 30, 20); // a PNG named .jpg: read by content
    image("other/o1.png", 10, 10);
    Files.writeString(root.resolve("raccoon/r1.xml"), "<annotation>" + voc("raccoon", 1, 2, 10, 40)
        + voc("dog", 1, 1, 5, 5) + "</annotation>");
    Files.write(root.resolve("other/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    CocoFormat.Loaded l = ImageFolderFormat.read(root);
    assertThat(l.dataset().classes()).containsExactly("other", "raccoon");
    assertThat(l.skipped()).hasSize(1).allMatch(s -> s.contains("broken.png"));
    Sample r = l.dataset().samples().stream().filter(s -> s.id().contains("r1")).findFirst().orElseThrow();
    assertThat(r.label()).isEqualTo(1);
    // VOC 1-based inclusive (1, 2)–(10, 40) → [0, 10) × [1, 40) clipped to the 20-pixel height
    assertThat(r.objects()).extracting(o -> o.box()).containsExactly(new Box(0, 1, 10, 20));
    Sample o = l.dataset().samples().stream().filter(s -> s.id().contains("o1")).findFirst().orElseThrow();
    assertThat(o.objects().get(0).box()).isEqualTo(new Box(0, 0, 10, 10));
  }

  @Test
  void aFolderWithoutClassFoldersOrAMalformedXmlIsAClearError() throws Exception {
    assertThatThrownBy(() -> ImageFolderFormat.read(root)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("0 class folder(s)");
    image("a/x.png", 4, 4);
    image("b/y.png", 4, 4);
    Files.writeString(root.resolve("a/x.xml"), "<annotation><object><name>a</name></object>");
    assertThatThrownBy(() -> ImageFolderFormat.read(root)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("x.xml");
    Files.writeString(root.resolve("a/x.xml"), "<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><annotation/>");
    assertThatThrownBy(() -> ImageFolderFormat.read(root)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("DOCTYPE");
  }
}
