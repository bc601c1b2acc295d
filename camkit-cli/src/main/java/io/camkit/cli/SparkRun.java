package io.camkit.cli;

import io.camkit.evaluate.Reports;
import io.camkit.spark.SparkJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Spark side of {@link SparkCommand}, in its own class so that the plain CLI loads no Spark type
 * until the command has checked that Spark is there.
 */
final class SparkRun {
  private SparkRun() {}

  /** What the command prints. */
  record Result(String report, List<String> files) {}

  static Result run(String master, String mode, String model, String card, List<String> methods, String layer,
      Double tau, boolean relu, String data, String out, int partitions, boolean json, boolean overlays, long maxBytes,
      String glob)
      throws java.io.IOException {
    var settings = new SparkJob.Settings(SparkJob.Mode.valueOf(mode.toUpperCase(Locale.ROOT)), model, card, methods,
        layer, tau, relu, data, out, partitions, json, overlays, maxBytes, glob);
    SparkJob.Summary s = SparkJob.runInNewSession(master, settings);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%d files: %d explained, %d errors, %d partly decoded; %d partitions, %.1f s", s.files(),
        s.files() - s.errors(), s.errors(), s.partial(), s.partitions(), s.seconds()));
    for (SparkJob.MethodSummary m : s.methods()) {
      sb.append("\n\n").append(m.method()).append(" (layer ").append(m.layer()).append(", τ = ")
          .append(Reports.fmt(m.tau())).append(": ").append(m.tauSource()).append(")");
      if (m.metrics() != null) {
        sb.append('\n').append(Reports.markdownTable(m.metrics()));
      }
    }
    List<String> files = new ArrayList<>(List.of(out + "/rows.parquet", out + "/summary.json", out + "/summary.md"));
    if (json) {
      files.add(1, out + "/rows.json");
    }
    if (overlays) {
      files.add(1, out + "/overlays/");
    }
    return new Result(sb.toString(), files);
  }
}
