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

  /**
   * The launcher adds {@code -XX:TrimNativeHeapInterval=5000} exactly for the JDKs that have it (17.0.9+,
   * 21.0.1+, 22+), read from the release file beside the {@code java} on the PATH; others start without it.
   */
  @Test
  void theLauncherTrimsTheCHeapOnlyOnJdksThatCan(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    String script = Files.readString(Path.of("..", "camkit"));
    int from = script.indexOf("gc=\"-XX:GCTimeRatio=4\"");
    int to = script.indexOf("gc=\"$gc $trim\"");
    assertThat(from).isNotNegative();
    assertThat(to).isGreaterThan(from);
    String block = script.substring(from, script.indexOf('\n', to));
    assertThat(script.indexOf("exec java $gc")).isGreaterThan(to);
    Map<String, Boolean> expected = new LinkedHashMap<>();
    expected.put("17.0.8", false);
    expected.put("17.0.9", true);
    expected.put("17.0.15", true);
    expected.put("11.0.25", false);
    expected.put("19.0.2", false);
    expected.put("21", false);
    expected.put("21.0.1", true);
    expected.put("22", true);
    expected.put("25.0.1", true);
    expected.put(null, false); // no release file
    int n = 0;
    for (Map.Entry<String, Boolean> e : expected.entrySet()) {
      Path jdk = tmp.resolve("jdk" + n++);
      Files.createDirectories(jdk.resolve("bin"));
      Path java = jdk.resolve("bin/java");
      Files.writeString(java, "#!/bin/sh\nexit 0\n");
      java.toFile().setExecutable(true);
      if (e.getKey() != null) {
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + e.getKey() + "\"\n");
      }
      ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + block + "\nprintf '%s' \"$gc\"");
      pb.environment().put("PATH", jdk.resolve("bin") + ":" + System.getenv("PATH"));
      pb.redirectErrorStream(true);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      assertThat(p.waitFor()).as(out).isZero();
      assertThat(out.contains(NativeAllocator.TRIM_OPTION)).as(e.getKey() + ": " + out).isEqualTo(e.getValue());
      assertThat(out).startsWith("-XX:GCTimeRatio=4");
    }
  }
}
