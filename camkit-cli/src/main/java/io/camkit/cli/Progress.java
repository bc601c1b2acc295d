package io.camkit.cli;

import io.camkit.core.InnerProgress;
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
 *
 * <p>While it is open it also shows the {@link InnerProgress} of the step in progress, with that
 * step's own rate and ETA (e.g. {@code score-cam masked passes 384/1024, 12 s left}), so that a
 * slow method moves the line within an image and not only between batches.
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
  private String inner = "";
  private long innerStart;
  private long innerDone = -1;

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
    InnerProgress.listen(this::inner);
  }

  /** One inner step done: shows how far the step in progress is, with its rate and ETA. */
  void inner(String what, long innerSteps, long innerTotal) {
    long now = System.nanoTime();
    if (innerDone < 0 || innerSteps < innerDone) {
      innerStart = now; // a new inner loop began
    }
    innerDone = innerSteps;
    double secs = (now - innerStart) / 1e9;
    String eta = innerSteps > 0 && secs > 0
        ? String.format(Locale.ROOT, ", %.0f s left", secs * (innerTotal - innerSteps) / innerSteps) : "";
    inner = String.format(Locale.ROOT, " [%s %d/%d%s]", what, innerSteps, innerTotal, eta);
    show();
  }

  private void show() {
    if (bar != null) {
      bar.setExtraMessage(" " + extra + inner);
    } else if (System.nanoTime() - lastLog > 10_000_000_000L) {
      lastLog = System.nanoTime();
      log();
    }
  }

  /** Whether a live bar is drawn (a terminal); otherwise progress goes to the log. */
  boolean terminal() {
    return bar != null;
  }

  void step(long newDone, String message) {
    done = newDone;
    extra = message;
    inner = "";
    innerDone = -1;
    if (bar != null) {
      bar.stepTo(newDone);
    }
    show();
  }

  private void log() {
    double secs = (System.nanoTime() - start) / 1e9;
    double rate = secs > 0 ? done / secs : 0;
    String eta = rate > 0 ? String.format(Locale.ROOT, "%.0fs", (total - done) / rate) : "–";
    LOG.info(
        String.format(
            Locale.ROOT, "%s %d/%d (%.0f%%) %.1f/s ETA %s %s%s", task, done, total, 100.0 * done / total, rate, eta, extra,
            inner));
  }

  @Override
  public void close() {
    InnerProgress.stopListening();
    inner = "";
    if (bar != null) {
      bar.close();
    } else {
      log();
    }
  }
}
