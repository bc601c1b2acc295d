package io.camkit.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of glibc's {@code malloc} under which PyTorch's CPU tensors are reused instead of
 * being faulted in afresh on every forward pass: the {@code camkit} launcher exports them (unless
 * already set), {@link io.camkit.core.NativeAllocator#SETTINGS} is the one list of them, and Spark
 * executors get them as {@code spark.executorEnv.*}.
 *
 * <p>Why: every forward pass frees and allocates its activations again (a pass over 16 masked
 * 224-px inputs makes ResNet-18 tensors of 3 to 51 MB). With glibc's defaults, freed heap is handed
 * back to the kernel and blocks above a few MiB are mapped afresh, so the next pass faults every
 * page in again: Score-CAM on the reference ResNet-18 spent 11 of its 63 CPU seconds in the kernel
 * (1.5 million page faults in 33 s). One arena ({@code MALLOC_ARENA_MAX=1}: PyTorch's worker threads
 * free what another thread allocated), blocks up to 32 MiB from the heap ({@code
 * MALLOC_MMAP_THRESHOLD_}, glibc's ceiling for its dynamic threshold; larger ones are still mapped
 * per use), free heap kept up to 512 MiB ({@code MALLOC_TRIM_THRESHOLD_}) and the heap grown 256 MiB
 * at a time ({@code MALLOC_TOP_PAD_}) cut that to 0.1 million faults and 1.3 s, and Score-CAM from
 * 8.8–10.8 to 6.0–6.3 s per image on an idle 2-core VM one day; on a slower day of the same VM
 * ResNet-18 gained nothing and camnet 1.3–1.5× (docs/BENCHMARKS.md, "glibc's allocator").
 * They act only when set before the JVM starts: a Java program that embeds camkit sets them in its
 * own launcher.
 */
public final class NativeAllocator {
  /** Variable → value, in the order the launcher exports them. */
  public static final Map<String, String> SETTINGS;

  static {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("MALLOC_ARENA_MAX", "1");
    s.put("MALLOC_MMAP_THRESHOLD_", "33554432");
    s.put("MALLOC_TRIM_THRESHOLD_", "536870912");
    s.put("MALLOC_TOP_PAD_", "268435456");
    SETTINGS = Collections.unmodifiableMap(s);
  }

  /**
   * The JVM option that has the JVM hand glibc's free heap back to the kernel every 5 s ({@code
   * malloc_trim(0)}; JDK 17.0.9+, 21.0.1+, 22+). glibc returns free memory only from the top of its
   * heap by itself; what PyTorch frees below a block still in use stays resident. Without it, {@code
   * camkit evaluate --method scorecam} over MobileNet photos grew to 2.9 GB resident by the 48th photo
   * while glibc counted 0.25 GB in use (docs/BENCHMARKS.md, "glibc's free heap"). The launcher adds it
   * on JDKs that have it; Spark executors get it in their Java options (with {@code
   * -XX:+IgnoreUnrecognizedVMOptions}, so older JDKs start without it). A program that embeds camkit
   * adds it to its own JVM's options.
   */
  public static final String TRIM_OPTION = "-XX:TrimNativeHeapInterval=5000";

  private NativeAllocator() {}

  /** The variables of {@link #SETTINGS} that {@code env} lacks, in order. */
  public static List<String> missing(Map<String, String> env) {
    List<String> out = new ArrayList<>();
    for (String name : SETTINGS.keySet()) {
      if (!env.containsKey(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * One line for reports: the values {@code env} gives the allocator's variables, and whether they
   * are camkit's ("glibc malloc: camkit's settings (MALLOC_ARENA_MAX=1, …)"), someone else's, or
   * glibc's defaults.
   */
  public static String describe(Map<String, String> env) {
    List<String> set = new ArrayList<>();
    boolean ours = true;
    for (Map.Entry<String, String> e : SETTINGS.entrySet()) {
      String v = env.get(e.getKey());
      if (v != null) {
        set.add(e.getKey() + "=" + v);
      }
      ours &= e.getValue().equals(v);
    }
    if (ours) {
      return "glibc malloc: camkit's settings (" + String.join(", ", set) + ")";
    }
    if (set.isEmpty()) {
      return "glibc malloc: defaults (none of " + String.join(", ", SETTINGS.keySet())
          + " set; the camkit launcher sets them: Score-CAM up to 1.8x faster, docs/BENCHMARKS.md)";
    }
    return "glibc malloc: " + String.join(", ", set) + " (camkit's: " + join(SETTINGS) + ")";
  }

  private static String join(Map<String, String> m) {
    List<String> parts = new ArrayList<>();
    m.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(", ", parts);
  }
}
