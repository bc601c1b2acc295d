package io.camkit.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.CamkitException;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.dataset.io.ImageFolderFormat;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRefTest {
  @TempDir Path root;

  /** A w×h PNG whose pixel (x, y) is (x, y, x + y) mod 256: any reordering or crop shows. */
  Path ramp(String rel, int w, int h) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x % 256) << 16 | (y % 256) << 8 | (x + y) % 256);
      }
    }
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    ImageIO.write(img, "png", p.toFile());
    return p;
  }

  private static CocoFormat.Loaded read(Path root) {
    return ImageFolderFormat.read(root);
  }

  @Test
  void aPhotoReadFromAFolderIsDecodedAgainWhenItsPixelsWereDroppedWithTheSamePixels() throws Exception {
    ramp("a/one.png", 37, 23);
    ramp("b/two.png", 5, 300);
    Sample s = read(root).dataset().samples().stream().filter(x -> x.id().contains("one")).findFirst().orElseThrow();
    ImageRef.FromFile ref = (ImageRef.FromFile) s.pixels();
    byte[] first = s.image().bytes().clone();
    assertThat(first[(7 * 37 + 11) * 3]).isEqualTo((byte) 11); // red of (11, 7) is x
    assertThat(first[(7 * 37 + 11) * 3 + 1]).isEqualTo((byte) 7); // green is y
    ref.forget(); // as the JVM does when it needs the memory
    assertThat(ref.held()).isFalse();
    assertThat(s.width()).isEqualTo(37); // known without the pixels
    assertThat(s.height()).isEqualTo(23);
    assertThat(ref.held()).isFalse();
    assertThat(s.image().bytes()).isEqualTo(first);
    assertThat(ref.held()).isTrue(); // kept (softly) again
  }

  @Test
  void aFileChangedOrRemovedAfterItWasReadIsAClearErrorNamingIt() throws Exception {
    Path one = ramp("a/one.png", 8, 6);
    ramp("b/two.png", 4, 4);
    Sample s = read(root).dataset().samples().stream().filter(x -> x.id().contains("one")).findFirst().orElseThrow();
    ((ImageRef.FromFile) s.pixels()).forget();
    ramp("a/one.png", 9, 6);
    assertThatThrownBy(s::image).isInstanceOf(CamkitException.class).hasMessageContaining(one.toString())
        .hasMessageContaining("was 8x6 when the data was read and is 9x6 now");
    Files.delete(one);
    assertThatThrownBy(s::image).isInstanceOf(CamkitException.class).hasMessageContaining(one.toString())
        .hasMessageContaining("was readable when the data was read and is not now (image not found)");
  }

  @Test
  void joinedDataKeepsItsImagesOnFileAndGeneratedImagesStayInMemory() throws Exception {
    ramp("a/one.png", 8, 6);
    ramp("b/two.png", 4, 4);
    Dataset d = read(root).dataset();
    Dataset both = Dataset.concat(java.util.List.of(d, new Dataset("again", d.classes(), d.samples())));
    assertThat(both.samples()).allMatch(x -> x.pixels() instanceof ImageRef.FromFile);
    Sample made = new Sample("m", new io.camkit.core.RgbImage(2, 1, new byte[6]), d.get(0).objects());
    assertThat(made.pixels()).isInstanceOf(ImageRef.InMemory.class);
    assertThat(made.image()).isSameAs(made.image());
  }
}
