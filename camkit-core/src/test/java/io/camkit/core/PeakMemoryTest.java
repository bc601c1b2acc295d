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
}
