package io.camkit.cli;

import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a long job: a live bar with rate and ETA on a terminal, plain log lines (at most one
 * every 10 seconds, plus the end) when output is a file or a pipe.
 */
final class Progress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  private final String task;
  private final long total;
  private final ProgressBar bar;
  private final long start = System.nanoTime();
  private long lastLog = System.nanoTime();
  private long done;
  private String extra = "";

  Progress(String task, long total, long alreadyDone, String unit) {
    this.task = task;
    this.total = total;
    this.done = alreadyDone;
    boolean terminal = System.console() != null && System.getenv("CI") == null;
    this.bar =
        terminal
            ? new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .startsFrom(alreadyDone, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setUpdateIntervalMillis(250)
                .build()
            : null;
  }

  /** Whether a live bar is drawn (a terminal); otherwise progress goes to the log. */
  boolean terminal() {
    return bar != null;
  }

  void step(long newDone, String message) {
    done = newDone;
    extra = message;
    if (bar != null) {
      bar.stepTo(newDone);
      bar.setExtraMessage(" " + message);
    } else if (System.nanoTime() - lastLog > 10_000_000_000L) {
      lastLog = System.nanoTime();
      log();
    }
  }

  private void log() {
    double secs = (System.nanoTime() - start) / 1e9;
    double rate = secs > 0 ? done / secs : 0;
    double eta = rate > 0 ? (total - done) / rate : Double.NaN;
    LOG.info(
        String.format(
            Locale.ROOT, "%s %d/%d (%.0f%%) %.1f/s ETA %.0fs %s", task, done, total, 100.0 * done / total, rate, eta, extra));
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    } else {
      log();
    }
  }
}
