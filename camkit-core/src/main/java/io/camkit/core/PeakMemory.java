package io.camkit.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/** The process's peak memory, for benchmarks: the kernel's high-water mark of resident memory. */
public final class PeakMemory {
  private PeakMemory() {}

  /** Peak resident set size in bytes ({@code VmHWM} of {@code /proc/self/status}); empty off Linux. */
  public static OptionalLong residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")) * 1024);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: no VmHWM
    }
    return OptionalLong.empty();
  }

  /**
   * Resets the high-water mark to the current resident set size (Linux ≥ 4.0: {@code 5} written
   * to {@code /proc/self/clear_refs}), so that {@link #residentBytes()} then reports the peak of
   * what runs after this call. Returns false where that is not possible.
   */
  public static boolean reset() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** {@link #residentBytes()} as "1234 MiB", or "n/a (no /proc/self/status)". */
  public static String describe() {
    OptionalLong b = residentBytes();
    return b.isPresent() ? String.format(Locale.ROOT, "%.0f MiB", b.getAsLong() / 1048576.0) : "n/a (no /proc/self/status)";
  }
}
