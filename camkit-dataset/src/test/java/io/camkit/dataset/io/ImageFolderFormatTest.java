package io.camkit.dataset.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.core.DataProblem;
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
  void aFolderWithoutClassFoldersIsAClearErrorAndAMalformedXmlOnlyWhenStrict() throws Exception {
    assertThatThrownBy(() -> ImageFolderFormat.read(root)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("0 class folder(s)");
    image("a/x.png", 4, 4);
    image("a/z.png", 4, 4);
    image("b/y.png", 4, 4);
    Files.writeString(root.resolve("a/x.xml"), "<annotation><object><name>a</name></object>");
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    CocoFormat.Loaded l;
    try {
      System.setErr(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
      l = ImageFolderFormat.read(root);
    } finally {
      System.setErr(err);
    }
    assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8)).isEmpty(); // no [Fatal Error] line
    assertThat(l.dataset().samples()).extracting(Sample::id).containsExactly("a/z.png", "b/y.png");
    assertThat(l.problems()).singleElement().satisfies(p -> {
      assertThat(p.file()).isEqualTo(root.resolve("a/x.xml").toString());
      assertThat(p.kind()).isEqualTo(DataProblem.Kind.BAD_ANNOTATION_FILE);
      assertThat(p.reason()).contains("x.png left out");
      assertThat(p.skipped()).isTrue();
    });
    assertThatThrownBy(() -> ImageFolderFormat.read(root, true)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("x.xml").hasMessageContaining("strict");
    Files.writeString(root.resolve("a/x.xml"), "<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><annotation/>");
    assertThat(ImageFolderFormat.read(root).problems()).singleElement()
        .satisfies(p -> assertThat(p.reason()).contains("DOCTYPE"));
    assertThatThrownBy(() -> ImageFolderFormat.read(root, true)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("DOCTYPE");
  }

  @Test
  void badBoxesAreDroppedOnePerFileAndCompanionsPassedOverSilently() throws Exception {
    image("cat/inverted.png", 40, 30);
    image("cat/mixed.png", 40, 30);
    image("cat/outside.png", 40, 30);
    image("cat/typo.png", 40, 30);
    image("dog/d.png", 40, 30);
    Files.writeString(root.resolve("cat/inverted.xml"), "<annotation>" + voc("cat", 30, 5, 10, 20) + "</annotation>");
    Files.writeString(root.resolve("cat/mixed.xml"), "<annotation>" + voc("cat", 2, 2, 10, 10)
        + voc("cat", 1, 1, 5, 5).replace("<xmin>1<", "<xmin>NaN<") + "</annotation>");
    Files.writeString(root.resolve("cat/outside.xml"), "<annotation>" + voc("cat", 100, 100, 120, 120) + "</annotation>");
    Files.writeString(root.resolve("cat/typo.xml"), "<annotation>" + voc("cta", 2, 2, 10, 10) + "</annotation>");
    Files.writeString(root.resolve("cat/notes.txt"), "taken in 2019");
    Files.writeString(root.resolve("dog/labels.csv"), "a,b\n");
    Files.writeString(root.resolve("dog/meta.json"), "{}");
    CocoFormat.Loaded l = ImageFolderFormat.read(root);
    assertThat(l.dataset().samples()).extracting(Sample::id)
        .containsExactly("cat/mixed.png", "cat/typo.png", "dog/d.png");
    assertThat(l.problems()).extracting(p -> root.relativize(Path.of(p.file())).toString(), DataProblem::kind,
        DataProblem::skipped).containsExactly(
            org.assertj.core.groups.Tuple.tuple("cat/inverted.xml", DataProblem.Kind.BAD_BOX, true),
            org.assertj.core.groups.Tuple.tuple("cat/mixed.xml", DataProblem.Kind.BAD_BOX, false),
            org.assertj.core.groups.Tuple.tuple("cat/outside.xml", DataProblem.Kind.BAD_BOX, true),
            org.assertj.core.groups.Tuple.tuple("cat/typo.xml", DataProblem.Kind.UNKNOWN_CLASS, false));
    assertThat(l.problems().get(0).reason()).isEqualTo("object cat has an inverted box 30,5,10,20 (xmin,ymin,xmax,ymax);"
        + " no usable box of cat, inverted.png left out");
    assertThat(l.problems().get(2).reason()).startsWith("object cat has a box 100,100,120,120 wholly outside the 40x30");
    // the NaN box is dropped, the good one kept: VOC (2, 2)–(10, 10) → [1, 10)
    assertThat(l.dataset().samples().get(0).objects()).extracting(o -> o.box()).containsExactly(new Box(1, 1, 10, 10));
    // the typo's image gets the whole frame
    assertThat(l.dataset().samples().get(1).objects().get(0).box()).isEqualTo(new Box(0, 0, 40, 30));
    assertThat(l.summary()).isEqualTo("3 images, 2 skipped: 2 bad box; 2 used with a problem: 1 bad box, 1 unknown class");
  }
}
