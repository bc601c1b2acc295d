package io.camkit.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.Box;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ShapesGeneratorTest {
  /**
   * Golden values of image 0 of the default benchmark's train split and image 7 of its test
   * split. They change only if the generator changes: then run {@link #main} and paste its output,
   * and say so in the commit (every model trained on the old data is then stale).
   */
  static final String TRAIN0_SHA256 = "b4edf6b843c34160035efd13278083c4e8217e6083f409feae41a7fd7add28ab";
  static final Box TRAIN0_BOX = new Box(33, 33, 58, 58);
  static final int TRAIN0_CLASS = 4;
  static final String TEST7_SHA256 = "50358cfa08f792abfc2cc2489de1eaf28faf7965d913dafd9e9cddff289db24c";

  static String sha256(Sample s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.image().bytes()));
  }

  /** Regenerates the golden values above. */
  public static void main(String[] args) throws Exception {
    ShapesGenerator g = new ShapesGenerator(ShapesOptions.defaults());
    Sample s = g.sample(Split.TRAIN, 0);
    System.out.println("TRAIN0_SHA256 = \"" + sha256(s) + "\"");
    System.out.println("TRAIN0_BOX = " + s.objects().get(0).box());
    System.out.println("TRAIN0_CLASS = " + s.label());
    System.out.println("TEST7_SHA256 = \"" + sha256(g.sample(Split.TEST, 7)) + "\"");
  }

  @Test
  void seededImagesAreByteIdenticalToTheGoldenOnes() throws Exception {
    ShapesGenerator g = new ShapesGenerator(ShapesOptions.defaults());
    Sample s = g.sample(Split.TRAIN, 0);
    assertThat(sha256(s)).isEqualTo(TRAIN0_SHA256);
    assertThat(s.objects().get(0).box()).isEqualTo(TRAIN0_BOX);
    assertThat(s.label()).isEqualTo(TRAIN0_CLASS);
    assertThat(sha256(g.sample(Split.TEST, 7))).isEqualTo(TEST7_SHA256);
  }

  @Test
  void boxIsTheTightBoxOfTheMaskAndInsideTheImage() {
    ShapesGenerator g = new ShapesGenerator(ShapesOptions.defaults());
    for (int i = 0; i < 50; i++) {
      Sample s = g.sample(Split.VAL, i);
      ObjectAnnotation o = s.objects().get(0);
      assertThat(o.mask()).isPresent();
      assertThat(o.mask().get().boundingBox()).contains(o.box());
      assertThat(o.box().x0()).isGreaterThanOrEqualTo(0);
      assertThat(o.box().x1()).isLessThanOrEqualTo(96);
      // Objects are 12-40 px across; a box can be cut by the border but keeps >= 60% of the area.
      assertThat(Math.max(o.box().width(), o.box().height())).isBetween(6, 41);
    }
  }

  @Test
  void splitsDifferAndSameIndexIsReproducible() throws Exception {
    ShapesGenerator g = new ShapesGenerator(ShapesOptions.defaults());
    assertThat(sha256(g.sample(Split.TRAIN, 3))).isEqualTo(sha256(g.sample(Split.TRAIN, 3)));
    assertThat(sha256(g.sample(Split.TRAIN, 3))).isNotEqualTo(sha256(g.sample(Split.TEST, 3)));
    ShapesGenerator other = new ShapesGenerator(ShapesOptions.defaults().withSeed(43));
    assertThat(sha256(other.sample(Split.TRAIN, 3))).isNotEqualTo(sha256(g.sample(Split.TRAIN, 3)));
  }

  @Test
  void multiObjectVariantPlacesDistinctClassesWithoutOverlap() {
    ShapesGenerator g = new ShapesGenerator(ShapesOptions.defaults().withObjects(2, 3));
    for (int i = 0; i < 30; i++) {
      Sample s = g.sample(Split.TRAIN, i);
      assertThat(s.objects()).hasSizeBetween(2, 3);
      assertThat(s.labels()).hasSize(s.objects().size());
      for (int a = 0; a < s.objects().size(); a++) {
        for (int b = a + 1; b < s.objects().size(); b++) {
          assertThat(s.objects().get(a).box().intersectionArea(s.objects().get(b).box())).isZero();
        }
      }
    }
  }

  @Test
  void impossibleOptionsNameTheOptionAndRange() {
    assertThatThrownBy(() -> ShapesOptions.defaults().withObjects(1, 9))
        .hasMessageContaining("--max-objects")
        .hasMessageContaining("1..6");
  }
}
