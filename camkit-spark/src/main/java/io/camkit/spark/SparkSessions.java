package io.camkit.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The settings camkit needs in a Spark session on Java 17, and a session built with them.
 *
 * <p>Spark 4.1 on Java 17 needs the {@code --add-opens} of {@code JavaModuleOptions} (spark-launcher)
 * in every JVM it runs in: {@code spark-submit} adds them to the driver and executors it starts; a
 * session made inside a running JVM (the {@code camkit} launcher, tests) needs them on that JVM's
 * command line ({@link #JAVA_OPTIONS}), and they are also passed to executors started later.
 */
public final class SparkSessions {
  /** Spark's Java 17 module options (spark-launcher 4.1.3 {@code JavaModuleOptions}). */
  public static final String JAVA_OPTIONS = String.join(" ",
      "-XX:+IgnoreUnrecognizedVMOptions", "--add-modules=jdk.incubator.vector",
      opens("java.base/java.lang"), opens("java.base/java.lang.invoke"), opens("java.base/java.lang.reflect"),
      opens("java.base/java.io"), opens("java.base/java.net"), opens("java.base/java.nio"),
      opens("java.base/java.util"), opens("java.base/java.util.concurrent"),
      opens("java.base/java.util.concurrent.atomic"), opens("java.base/jdk.internal.ref"),
      opens("java.base/sun.nio.ch"), opens("java.base/sun.nio.cs"), opens("java.base/sun.security.action"),
      opens("java.base/sun.util.calendar"), opens("java.security.jgss/sun.security.krb5"),
      "-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true");

  /** The prefix of an executor's environment variable in Spark's configuration. */
  static final String EXECUTOR_ENV = "spark.executorEnv.";

  private SparkSessions() {}

  /**
   * A session (or the running one) for {@code master}: {@code local[N]}, {@code spark://…}, {@code
   * yarn}, or null to take spark-submit's. Executors get the module options, offline DJL and the
   * PyTorch natives from the application jar, and glibc's allocator settings for PyTorch ({@link
   * io.camkit.core.NativeAllocator}); in local mode the driver binds to 127.0.0.1 and the
   * UI is off (a job here is a command, not a service). Options set with {@code spark-submit --conf}
   * are kept; executor Java options given there are appended after camkit's.
   */
  public static SparkSession getOrCreate(String master) {
    SparkSession.Builder b = SparkSession.builder().appName("camkit");
    if (master != null) {
      b.master(master);
    }
    // The user's executor options (spark-submit --conf) come last, so that they win.
    String user = System.getProperty("spark.executor.extraJavaOptions", "");
    b.config("spark.executor.extraJavaOptions",
        (JAVA_OPTIONS + " -Dai.djl.offline=true -Djava.awt.headless=true " + user).strip());
    // glibc's allocator settings for PyTorch's tensors (io.camkit.core.NativeAllocator); an executor
    // started by Spark does not run the camkit launcher that sets them. The user's --conf wins.
    io.camkit.core.NativeAllocator.SETTINGS.forEach((name, value) -> {
      if (System.getProperty(EXECUTOR_ENV + name) == null) {
        b.config(EXECUTOR_ENV + name, value);
      }
    });
    if (master != null && master.startsWith("local")) {
      b.config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false")
          .config("spark.ui.showConsoleProgress", "false");
    }
    return b.getOrCreate();
  }

  private static String opens(String pkg) {
    return "--add-opens=" + pkg + "=ALL-UNNAMED";
  }
}
