package io.camkit.core.testing;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/** Hostile image bytes for tests of the readers. */
public final class TestImages {
  private TestImages() {}

  /**
   * A PNG signature and an IHDR chunk (valid CRC) claiming {@code w × h} RGB pixels, no data: a
   * decompression-bomb header when w and h are large.
   */
  public static byte[] pngHeader(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(8 + 25);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    b.putInt(13).put(new byte[] {'I', 'H', 'D', 'R'}).putInt(w).putInt(h).put(new byte[] {8, 2, 0, 0, 0});
    CRC32 crc = new CRC32();
    crc.update(b.array(), 12, 17);
    b.putInt((int) crc.getValue());
    return b.array();
  }
}
