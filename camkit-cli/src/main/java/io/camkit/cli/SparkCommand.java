package io.camkit.cli;

import io.camkit.core.CamkitException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code camkit spark localize|evaluate}: the same maps and scores as {@code camkit localize} and
 * {@code camkit evaluate}, computed by an Apache Spark job ({@code io.camkit.spark.SparkJob}) in
 * local mode or on a cluster. Spark is not part of the plain CLI: the {@code camkit} launcher adds it
 * when it was built ({@code -Pspark}), and {@code spark-submit} brings its own.
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
    description = "Map or score a folder of any size with Apache Spark (local[*], spark://…, yarn): one Parquet row"
        + " per file (a file that does not decode is a row with its error), the summary written once by the driver.",
    subcommands = {SparkCommand.Localize.class, SparkCommand.Evaluate.class})
final class SparkCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The options and the run shared by both jobs. */
  abstract static class Job implements Callable<Integer> {
    @Mixin MapMixin map;

    @Option(names = "--master", description = "Spark master: local[*], local[N], spark://HOST:PORT, yarn (default:"
        + " spark-submit's, else local[*])")
    String master;

    @Option(names = "--data", required = true, description = "image folder, read recursively (evaluate: an annotated"
        + " folder in any layout camkit reads), or a text file with one image path per line")
    String data;

    @Option(names = "--out", required = true, description = "output folder: rows.parquet, summary.json, summary.md")
    String out;

    @Option(names = "--method", split = ",", description = "methods (comma-separated; default: cam); each gets its"
        + " box (and evaluate: its scores) in every row")
    List<String> methods = List.of("cam");

    @Option(names = "--partitions", description = "partitions of the file list (default: Spark's parallelism)")
    int partitions;

    @Option(names = "--json", description = "also write the rows as JSON lines (rows.json)")
    boolean json;

    @Option(names = "--glob", description = "only files whose name matches, e.g. *.jpg (default: every file)")
    String glob;

    @Option(names = "--max-bytes", description = "a larger file is a row with an error (default: ${DEFAULT-VALUE})")
    long maxBytes = 256L << 20;

    @Option(names = "--no-relu", description = "min-max the raw map, without the ReLU")
    boolean noRelu;

    @Option(names = "--overlays", description = "write each explained image's map over it with its box, per method"
        + " (OUT/overlays/NAME-HASH-METHOD.png; written by the tasks)")
    boolean overlays;

    abstract String mode();

    @Override
    public Integer call() throws Exception {
      if (map.tta != null) {
        throw new CamkitException("--tta is not available in camkit spark yet");
      }
      try {
        Class.forName("org.apache.spark.sql.SparkSession");
      } catch (ClassNotFoundException e) {
        throw new CamkitException("Apache Spark is not on the class path: build it with mvn -q -B package -DskipTests"
            + " -Pspark and run ./camkit spark …, or submit camkit-spark's application jar with spark-submit"
            + " (docs/SPARK.md)");
      }
      if (!Object.class.getModule().isOpen("java.lang", SparkCommand.class.getModule())) {
        throw new CamkitException("Spark needs its --add-opens JVM options (io.camkit.spark.SparkSessions.JAVA_OPTIONS):"
            + " run camkit spark through the camkit launcher or spark-submit (docs/SPARK.md)");
      }
      String m = master != null ? master : System.getProperty("spark.master") != null ? null : "local[*]";
      SparkRun.Result r = SparkRun.run(m, mode(), map.model.toString(), map.card == null ? null : map.card.toString(),
          methods, map.layer, map.tau, !noRelu, data, out, partitions, json, overlays, maxBytes, glob);
      System.out.println(r.report());
      System.out.println("written: " + String.join(", ", r.files()));
      return 0;
    }
  }

  @Command(name = "localize", mixinStandardHelpOptions = true,
      description = "Classes and boxes of every image of a folder or list, as a Spark job: one Parquet row per file.")
  static final class Localize extends Job {
    @Override
    String mode() {
      return "localize";
    }
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "camkit evaluate as a Spark job: every image of an annotated folder mapped and scored per"
          + " partition, the metrics (top-1, GT-known loc, MaxBoxAcc, MaxBoxAccV2, PxAP) summed by the driver"
          + " with the accumulators of camkit evaluate, equal to its figures to the last digit.")
  static final class Evaluate extends Job {
    @Override
    String mode() {
      return "evaluate";
    }
  }
}
