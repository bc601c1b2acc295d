package io.camkit.model.train;

/** Receives training progress; front ends turn it into a progress bar or log lines. */
public interface TrainingListener {
  /** Called before the first step, with the total number of steps and those already done. */
  default void onStart(long totalSteps, long doneSteps) {}

  /**
   * After each step: the running mean loss and accuracy of the current epoch.
   *
   * @param step global step, 1-based
   */
  default void onStep(long step, int epoch, double loss, double accuracy) {}

  /** After each epoch has been validated and checkpointed. */
  default void onEpoch(EpochStats stats) {}

  /** After the last epoch (not called when training fails). */
  default void onFinish() {}

  /** A listener that ignores everything. */
  TrainingListener NONE = new TrainingListener() {};
}
