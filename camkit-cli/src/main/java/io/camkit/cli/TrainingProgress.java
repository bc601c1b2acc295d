package io.camkit.cli;

import io.camkit.evaluate.Reports;
import io.camkit.model.train.EpochStats;
import io.camkit.model.train.TrainingListener;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training progress for every command: a bar whose message carries the running loss and accuracy
 * and the last validation accuracy; without a terminal, one log line per epoch as well. Close it
 * (try-with-resources) so the bar ends even when training fails.
 */
final class TrainingProgress implements TrainingListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingProgress.class);

  private final String task;
  private Progress bar;
  private String lastVal = "";

  TrainingProgress(String task) {
    this.task = task;
  }

  @Override
  public void onStart(long totalSteps, long doneSteps) {
    bar = new Progress(task, totalSteps, doneSteps, "steps");
  }

  @Override
  public void onStep(long step, int epoch, double loss, double accuracy) {
    bar.step(step, String.format(Locale.ROOT, "epoch %d loss %.3f acc %.3f%s", epoch, loss, accuracy, lastVal));
  }

  @Override
  public void onEpoch(EpochStats s) {
    if (Double.isFinite(s.valAccuracy())) {
      lastVal = String.format(Locale.ROOT, " | val acc %.3f (epoch %d)", s.valAccuracy(), s.epoch());
    }
    if (!bar.terminal()) {
      LOG.info(String.format(Locale.ROOT, "%s epoch %d: train loss %.3f acc %.3f | %s | %.0f img/s",
          task, s.epoch(), s.trainLoss(), s.trainAccuracy(), validation(s), s.imagesPerSecond()));
    }
  }

  /** {@code val loss 0.123 acc 0.456}, or {@code val – (no validation split)} when there was none (NaN). */
  static String validation(EpochStats s) {
    if (Double.isNaN(s.valLoss()) && Double.isNaN(s.valAccuracy())) {
      return "val " + Reports.NOT_COMPUTED + " (no validation split)";
    }
    return "val loss " + Reports.decimal(s.valLoss(), 3) + " acc " + Reports.decimal(s.valAccuracy(), 3);
  }

  @Override
  public void onFinish() {
    close();
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
