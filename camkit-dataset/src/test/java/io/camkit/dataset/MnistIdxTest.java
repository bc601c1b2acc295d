package io.camkit.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.CamkitException;
import io.camkit.dataset.io.MnistIdx;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistIdxTest {
  @TempDir Path tmp;

  /** Two 2×3 images (pixels 0..5 and 10..15) with labels 7 and 3. */
  private static byte[] images(int magic) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(magic);
    d.writeInt(2);
    d.writeInt(2);
    d.writeInt(3);
    for (int i = 0; i < 6; i++) {
      d.writeByte(i);
    }
    for (int i = 0; i < 6; i++) {
      d.writeByte(10 + i);
    }
    return b.toByteArray();
  }

  private static byte[] labels(int... l) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(2049);
    d.writeInt(l.length);
    for (int v : l) {
      d.writeByte(v);
    }
    return b.toByteArray();
  }

  private Path gz(String name, byte[] bytes) throws Exception {
    Path p = tmp.resolve(name);
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
      o.write(bytes);
    }
    return p;
  }

  @Test
  void readsPlainAndGzippedFilesAlike() throws Exception {
    Path img = Files.write(tmp.resolve("i"), images(2051));
    Path lab = gz("l.gz", labels(7, 3));
    MnistIdx.Digits d = MnistIdx.read(img, lab);
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.rows()).isEqualTo(2);
    assertThat(d.cols()).isEqualTo(3);
    assertThat(d.pixels()[1]).containsExactly(10, 11, 12, 13, 14, 15);
    assertThat(d.labels()).containsExactly(7, 3);
    assertThat(MnistIdx.read(gz("i.gz", images(2051)), lab).pixels()[0]).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void wrongMagicTruncationAndCountMismatchAreNamedErrors() throws Exception {
    Path lab = Files.write(tmp.resolve("l"), labels(7, 3));
    Path swapped = Files.write(tmp.resolve("swapped"), labels(1, 2));
    assertThatThrownBy(() -> MnistIdx.read(swapped, lab))
        .isInstanceOf(CamkitException.class).hasMessageContaining("magic 2049, expected 2051");
    byte[] whole = images(2051);
    Path cut = Files.write(tmp.resolve("cut"), java.util.Arrays.copyOf(whole, whole.length - 3));
    assertThatThrownBy(() -> MnistIdx.read(cut, lab)).isInstanceOf(CamkitException.class).hasMessageContaining("truncated");
    Path three = Files.write(tmp.resolve("three"), labels(1, 2, 3));
    Path img = Files.write(tmp.resolve("i"), whole);
    assertThatThrownBy(() -> MnistIdx.read(img, three)).hasMessageContaining("3 labels for 2 images");
    assertThatThrownBy(() -> MnistIdx.read(tmp.resolve("none"), lab)).hasMessageContaining("not found");
  }
}
