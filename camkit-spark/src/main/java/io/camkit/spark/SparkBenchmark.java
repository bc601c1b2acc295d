package io.camkit.spark;

import io.camkit.core.CamkitException;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.io.DatasetFolders;
import io.camkit.evaluate.Evaluation;
import io.camkit.interop.Models;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Images/s of {@code camkit spark evaluate} in {@code local[1]} and {@code local[2]} next to the
 * plain evaluation ({@link DatasetFolders#read} + {@link Evaluation#run}, what {@code camkit
 * evaluate} runs before it writes its report), on the same images and model, in one JVM; with
 * Spark's fixed start-up cost, and a check that both Spark runs give the same rows and the plain
 * run's figures. Each run opens the model itself (the Spark job in its executor, {@link ModelHolder}
 * cleared between sessions); a warm-up run on 16 images first. Not a test: a measurement
 * (docs/BENCHMARKS.md).
 *
 * <pre>{@code
 * java <Spark's --add-opens> -cp … io.camkit.spark.SparkBenchmark MODEL CARD|- DATA OUT METHOD
 * }</pre>
 */
public final class SparkBenchmark {
  private SparkBenchmark() {}

  /** CPU time of this JVM (all threads, PyTorch's included): a figure other processes on the machine do not inflate. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: SparkBenchmark MODEL CARD|- DATA OUT METHOD");
      System.exit(2);
    }
    String model = args[0];
    String card = "-".equals(args[1]) ? null : args[1];
    String data = args[2];
    Path out = Path.of(args[3]);
    String method = args[4];
    Files.createDirectories(out);

    Calibration.TauChoice tauChoice = SparkJob.tauChoice(model, method, null);
    double tau = tauChoice.tau();
    // Warm-up (JIT, PyTorch's first passes) on 16 images, so that no run below pays for it.
    try (LayeredModel m = Models.open(Path.of(model), card == null ? null : Path.of(card))) {
      Dataset all = DatasetFolders.read(Path.of(data)).dataset();
      Evaluation.run(new Explainer(m, tauChoice.applyTo(MapRequest.of(method))), all.head(Math.min(16, all.size())));
    }
    int rounds = Integer.getInteger("camkit.bench.rounds", 2);
    System.out.println("| round | run | session start s | run s | images/s | images/s with start | CPU s | CPU ms/image |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (int round = 1; round <= rounds; round++) {
      long t0 = System.nanoTime();
      long c0 = cpuNanos();
      Dataset dataset = DatasetFolders.read(Path.of(data)).dataset();
      Evaluation.Result plain;
      try (LayeredModel m = Models.open(Path.of(model), card == null ? null : Path.of(card))) {
        plain = Evaluation.run(new Explainer(m, tauChoice.applyTo(MapRequest.of(method))), dataset);
      }
      double plainS = (System.nanoTime() - t0) / 1e9;
      double plainCpu = (cpuNanos() - c0) / 1e9;
      int n = dataset.size();
      System.out.printf(Locale.ROOT, "| %d | plain evaluate (read + Evaluation.run) | – | %.1f | %.2f | – | %.1f | %.0f |%n",
          round, plainS, n / plainS, plainCpu, 1000 * plainCpu / n);
      for (int cores = 1; cores <= 2; cores++) {
        long s0 = System.nanoTime();
        SparkSession session = SparkSessions.getOrCreate("local[" + cores + "]");
        double startS = (System.nanoTime() - s0) / 1e9;
        try {
          String o = out.resolve("local" + cores).toString();
          var settings = new SparkJob.Settings(SparkJob.Mode.EVALUATE, model, card, List.of(method), null, null,
              true, data, o, cores * 2, false, false, SparkJob.DEFAULT_MAX_BYTES, null);
          long j0 = System.nanoTime();
          long jc0 = cpuNanos();
          SparkJob.Summary s = SparkJob.run(session, settings);
          double jobS = (System.nanoTime() - j0) / 1e9;
          double jobCpu = (cpuNanos() - jc0) / 1e9;
          if (!s.methods().get(0).metrics().equals(plain.metrics())) {
            throw new CamkitException("local[" + cores + "] figures differ from the plain run's: "
                + s.methods().get(0).metrics() + " vs " + plain.metrics());
          }
          if (cores == 2) {
            var a = session.read().parquet(out.resolve("local1/rows.parquet").toString()).drop("ms");
            var b = session.read().parquet(out.resolve("local2/rows.parquet").toString()).drop("ms");
            if (a.exceptAll(b).count() != 0 || b.exceptAll(a).count() != 0) {
              throw new CamkitException("local[1] and local[2] rows differ");
            }
          }
          System.out.printf(Locale.ROOT,
              "| %d | spark evaluate local[%d], %d partitions | %.1f | %.1f | %.2f | %.2f | %.1f | %.0f |%n", round, cores,
              s.partitions(), startS, jobS, s.files() / jobS, s.files() / (jobS + startS), jobCpu,
              1000 * jobCpu / s.files());
        } finally {
          session.stop();
          ModelHolder.clear(); // the next session's executor loads its model again, as a new executor would
        }
      }
    }
    System.out.println("every Spark run: figures equal to the plain run's to the last digit; local[2] rows = local[1]"
        + " rows (ms aside)");
  }
}
