package io.camkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NativeAllocatorTest {
  /**
   * The launcher exports exactly {@link NativeAllocator#SETTINGS}, in order, each only when unset:
   * the one list and the script cannot drift apart.
   */
  @Test
  void theLauncherExportsTheSameSettingsAndKeepsTheUsersOwn() throws Exception {
    String script = Files.readString(Path.of("..", "camkit"));
    Matcher m = Pattern.compile("(?m)^export (MALLOC_\\w+)=\"\\$\\{(MALLOC_\\w+):-(\\d+)}\"$").matcher(script);
    Map<String, String> exported = new LinkedHashMap<>();
    while (m.find()) {
      assertThat(m.group(2)).as("the default is the variable's own").isEqualTo(m.group(1));
      exported.put(m.group(1), m.group(3));
    }
    assertThat(exported).containsExactlyEntriesOf(NativeAllocator.SETTINGS);
    // exported before either exec (the Spark branch and the plain one)
    assertThat(script.indexOf("export MALLOC_TOP_PAD_")).isLessThan(script.indexOf("exec java"));
  }

  @Test
  void describesCamkitsOwnSomeoneElsesAndTheDefaults() {
    assertThat(NativeAllocator.describe(NativeAllocator.SETTINGS)).isEqualTo("glibc malloc: camkit's settings"
        + " (MALLOC_ARENA_MAX=1, MALLOC_MMAP_THRESHOLD_=33554432, MALLOC_TRIM_THRESHOLD_=536870912,"
        + " MALLOC_TOP_PAD_=268435456)");
    assertThat(NativeAllocator.describe(Map.of("PATH", "/bin"))).startsWith("glibc malloc: defaults (none of"
        + " MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_, MALLOC_TOP_PAD_ set;");
    Map<String, String> other = new LinkedHashMap<>(NativeAllocator.SETTINGS);
    other.put("MALLOC_ARENA_MAX", "4");
    other.remove("MALLOC_TOP_PAD_");
    assertThat(NativeAllocator.describe(other)).startsWith("glibc malloc: MALLOC_ARENA_MAX=4,"
        + " MALLOC_MMAP_THRESHOLD_=33554432, MALLOC_TRIM_THRESHOLD_=536870912 (camkit's: MALLOC_ARENA_MAX=1,");
    assertThat(NativeAllocator.missing(other)).isEqualTo(List.of("MALLOC_TOP_PAD_"));
  }

  /** The trimmer trims when the resident size exceeds the lowest one seen since the last trim by more than the growth. */
  @Test
  void theTrimmerTrimsOnGrowthAboveTheLowestLevelSinceTheLastTrim() {
    NativeAllocator.TrimPolicy p = new NativeAllocator.TrimPolicy(100, 1000);
    assertThat(p.observe(1100)).isFalse(); // grown by exactly the allowance
    assertThat(p.observe(1101)).isTrue();
    p.trimmed(900);
    assertThat(p.observe(1000)).isFalse();
    assertThat(p.observe(700)).isFalse(); // a lower level becomes the base
    assertThat(p.observe(801)).isTrue();
    assertThat(p.observe(-1)).isFalse(); // unknown size: no trim
    p.trimmed(-1); // unknown after the trim: the base stays 700
    assertThat(p.observe(800)).isFalse();
    assertThat(p.observe(801)).isTrue();
  }

  /**
   * On Linux with a JDK that has the trim command (17.0.15 here), memory freed below a block still in use
   * stays resident until a trim hands it back: 160 MiB in 100 KiB blocks (glibc's heap, below its
   * mmap threshold), all freed but the last.
   */
  @Test
  void aTrimHandsBackMemoryFreedBelowABlockInUse() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(NativeAllocator.trim().isPresent(),
        "this JVM or C library cannot trim (off Linux, or a JDK without System.trim_native_heap)");
    java.lang.reflect.Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
    f.setAccessible(true);
    sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
    int n = 1600;
    long[] blocks = new long[n];
    for (int i = 0; i < n; i++) {
      blocks[i] = u.allocateMemory(100 << 10);
      u.setMemory(blocks[i], 100 << 10, (byte) 1); // touched: resident
    }
    for (int i = 0; i < n - 1; i++) {
      u.freeMemory(blocks[i]);
    }
    long before = NativeAllocator.residentBytes();
    assertThat(NativeAllocator.trim()).hasValueSatisfying(line -> assertThat(line).startsWith("Trim native heap"));
    long after = NativeAllocator.residentBytes();
    u.freeMemory(blocks[n - 1]);
    assertThat(before - after).as("resident bytes handed back").isGreaterThan(100L << 20);
  }

  /** The CLI starts one trimmer thread per JVM; a second call finds it running. */
  @Test
  void oneTrimmerPerJvm() {
    boolean started = NativeAllocator.startTrimmer();
    assertThat(NativeAllocator.startTrimmer()).isEqualTo(started);
    long threads = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("camkit-native-trim")).count();
    assertThat(threads).isEqualTo(started ? 1 : 0);
    assertThat(started).isEqualTo(NativeAllocator.trim().isPresent());
  }
}
