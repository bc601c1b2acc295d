package io.camkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeakMemoryTest {
  /** On Linux the high-water mark is read, and it covers a 64 MiB array just touched. */
  @Test
  void readsTheHighWaterMarkAboveWhatWasJustTouched() {
    byte[] touched = new byte[64 << 20];
    for (int i = 0; i < touched.length; i += 4096) {
      touched[i] = 1;
    }
    if (!System.getProperty("os.name").startsWith("Linux")) {
      assertThat(PeakMemory.residentBytes()).isEmpty();
      assertThat(PeakMemory.describe()).startsWith("n/a");
      return;
    }
    assertThat(PeakMemory.residentBytes().getAsLong()).isGreaterThan(64L << 20);
    assertThat(PeakMemory.describe()).matches("\\d+ MiB");
    assertThat(touched[4096]).isEqualTo((byte) 1);
  }

  /** After a reset the mark falls back below a peak that was freed (Linux), or reset says it cannot. */
  @Test
  void aResetForgetsAFreedPeak() throws Exception {
    if (!PeakMemory.reset()) {
      assertThat(System.getProperty("os.name")).doesNotStartWith("Linux");
      return;
    }
    // 256 MiB touched outside the Java heap (a direct buffer: one mmap), then freed at once
    long before = PeakMemory.residentBytes().getAsLong();
    java.nio.ByteBuffer big = java.nio.ByteBuffer.allocateDirect(256 << 20);
    for (int i = 0; i < big.capacity(); i += 4096) {
      big.put(i, (byte) 1);
    }
    assertThat(PeakMemory.residentBytes().getAsLong()).isGreaterThan(before + (200L << 20));
    java.lang.reflect.Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
    f.setAccessible(true);
    ((sun.misc.Unsafe) f.get(null)).invokeCleaner(big);
    assertThat(PeakMemory.reset()).isTrue();
    assertThat(PeakMemory.residentBytes().getAsLong()).isLessThan(before + (100L << 20));
  }
}
