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
}
