package io.camkit.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.CamkitException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NpyTest {
  /** Bytes exactly as {@code np.save} writes them (header padded to 64 bytes, ends with \n). */
  static byte[] npy(String descr, String shape, byte[] payload) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int total = 10 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(header.length() & 0xFF);
    out.write(header.length() >> 8);
    out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  @Test
  void readsFloat32InCOrder() {
    ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : new float[] {1.5f, -2f, 3f, 0.25f, 5f, 6f}) {
      b.putFloat(v);
    }
    Npy n = Npy.parse(npy("<f4", "(2, 3)", b.array()), "x.npy");
    assertThat(n.shape()).containsExactly(2, 3);
    assertThat(n.data()).containsExactly(1.5f, -2f, 3f, 0.25f, 5f, 6f);
  }

  @Test
  void readsUint8AndScalarShapes() {
    Npy n = Npy.parse(npy("|u1", "(3,)", new byte[] {0, (byte) 200, (byte) 255}), "u.npy");
    assertThat(n.shape()).containsExactly(3);
    assertThat(n.data()).containsExactly(0f, 200f, 255f);
  }

  @Test
  void truncatedAndForeignFilesAreClearErrors() {
    byte[] good = npy("<f4", "(4,)", new byte[16]);
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
    assertThatThrownBy(() -> Npy.parse(cut, "cut.npy")).isInstanceOf(CamkitException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> Npy.parse("hello world, not numpy".getBytes(StandardCharsets.UTF_8), "t.npy"))
        .isInstanceOf(CamkitException.class).hasMessageContaining("not a .npy");
    assertThatThrownBy(() -> Npy.parse(npy("<c8", "(1,)", new byte[8]), "c.npy"))
        .isInstanceOf(CamkitException.class).hasMessageContaining("unsupported dtype <c8");
  }
}
