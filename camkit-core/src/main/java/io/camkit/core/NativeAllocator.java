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
 *
 * <p>What glibc keeps free below a block still in use it never returns by itself: {@link
 * #startTrimmer} hands it back whenever the resident memory has grown by {@link #TRIM_GROWTH}.
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
   * Growth of the resident memory since the last trim that makes {@link #startTrimmer}'s thread trim
   * glibc's heap again: 512 MiB.
   */
  public static final long TRIM_GROWTH = 512L << 20;

  private static final System.Logger LOG = System.getLogger(NativeAllocator.class.getName());
  private static final javax.management.ObjectName DCMD = dcmdName();
  private static Thread trimmer;

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

  /**
   * Hands glibc's free heap back to the kernel now ({@code malloc_trim(0)}, through the JVM's {@code
   * System.trim_native_heap} diagnostic command of recent JDKs, e.g. 17.0.15, on glibc).
   *
   * <p>glibc returns free memory to the kernel by itself only from the top of its heap, and the
   * pages of a free block below a block still in use stay resident. PyTorch's tensors of many sizes
   * leave such blocks behind: {@code camkit evaluate --method scorecam} over MobileNet photos grew to
   * 2.9 GB resident by the 48th photo while glibc counted 0.25 GB in use (docs/BENCHMARKS.md,
   * "glibc's free heap").
   *
   * @return the JVM's one-line account ("Trim native heap: RSS+Swap: 2.2G->0.8G (-1.4G)"), or empty
   *     where the JVM or the C library cannot trim
   */
  public static java.util.Optional<String> trim() {
    if (DCMD == null) {
      return java.util.Optional.empty();
    }
    try {
      Object r = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(DCMD,
          "systemTrimNativeHeap", new Object[] {null}, new String[] {String[].class.getName()});
      String line = String.valueOf(r).strip();
      return line.startsWith("Trim native heap") && !line.contains("not supported") && !line.contains("Not available")
          ? java.util.Optional.of(line) : java.util.Optional.empty();
    } catch (javax.management.JMException | RuntimeException e) {
      return java.util.Optional.empty(); // no such command in this JDK
    }
  }

  /**
   * Starts, once per JVM, a daemon thread ({@code camkit-native-trim}) that reads the process's
   * resident memory every second and calls {@link #trim} when it has grown by more than {@link
   * #TRIM_GROWTH} since the last trim (or since the lowest level seen after it). Trimming costs the
   * work that follows it the page faults of its next allocations: trimming every 5 s made Score-CAM on
   * ResNet-18 25 % slower, so the thread trims on growth, not on a clock. The {@code camkit} CLI,
   * its server and Spark tasks start it; a program that embeds camkit calls it once. Does nothing
   * off Linux, on JDKs whose trim command is missing or answers otherwise, or with {@code
   * -Dcamkit.trim=false}.
   *
   * @return whether the thread runs
   */
  public static synchronized boolean startTrimmer() {
    if (trimmer != null) {
      return true;
    }
    long resident = residentBytes();
    if (!Boolean.parseBoolean(System.getProperty("camkit.trim", "true")) || resident < 0 || trim().isEmpty()) {
      return false;
    }
    TrimPolicy policy = new TrimPolicy(TRIM_GROWTH, resident);
    trimmer = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
        if (policy.observe(residentBytes())) {
          trim().ifPresent(line -> LOG.log(System.Logger.Level.DEBUG, line));
          policy.trimmed(residentBytes());
        }
      }
    }, "camkit-native-trim");
    trimmer.setDaemon(true);
    trimmer.start();
    return true;
  }

  /**
   * When to trim: when the resident size exceeds the lowest size seen since the last trim by more
   * than {@code growth}.
   */
  static final class TrimPolicy {
    private final long growth;
    private long base;

    TrimPolicy(long growth, long resident) {
      this.growth = growth;
      this.base = resident;
    }

    /** One reading of the resident size (negative: unknown); true when it is time to trim. */
    boolean observe(long resident) {
      if (resident < 0) {
        return false;
      }
      base = Math.min(base, resident);
      return resident - base > growth;
    }

    /** The resident size just after a trim: the new base. */
    void trimmed(long resident) {
      if (resident >= 0) {
        base = resident;
      }
    }
  }

  /** The process's resident bytes ({@code VmRSS} of {@code /proc/self/status}, in kB), or -1 where there is none. */
  static long residentBytes() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024L;
        }
      }
      return -1;
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  private static javax.management.ObjectName dcmdName() {
    try {
      return new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
    } catch (javax.management.MalformedObjectNameException e) {
      return null;
    }
  }
}
