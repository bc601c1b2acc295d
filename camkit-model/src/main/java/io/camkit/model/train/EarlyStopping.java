package io.camkit.model.train;

import io.camkit.core.Options;

/**
 * When a run on a validation split stops before its last epoch (Prechelt, "Early Stopping — But
 * When?", 1998): after {@code patience} epochs in a row whose validation error is not at least
 * {@code minDelta} below the best so far, or at the end of the first epoch that ends past the time
 * {@code budgetSeconds}; the run then restores the weights of its best epoch (lowest validation
 * error, the earliest on ties), so that a run stopped by its patience returns the model that the
 * validation split chose, never the last one.
 *
 * @param patience epochs without improvement tolerated, ≥ 1
 * @param minDelta the least decrease of the validation error that counts as an improvement, in
 *     [0, 1)
 * @param budgetSeconds wall-time budget of the run in seconds, {@code 0} for none; checked after
 *     each epoch, so a run may overshoot it by one epoch
 */
public record EarlyStopping(int patience, double minDelta, double budgetSeconds) {
  public EarlyStopping {
    Options.check(patience >= 1, "patience", patience, ">= 1");
    Options.check(minDelta >= 0 && minDelta < 1, "min-delta", minDelta, "[0, 1)");
    Options.check(budgetSeconds >= 0 && Double.isFinite(budgetSeconds), "budget", budgetSeconds, ">= 0 seconds");
  }

  /** Why a run ended. */
  public enum Reason {
    /** {@code patience} epochs without improvement. */
    PATIENCE,
    /** the time budget was spent. */
    BUDGET,
    /** the maximum number of epochs was reached. */
    MAX_EPOCHS;

    /** Lower-case words for reports. */
    public String words() {
      return switch (this) {
        case PATIENCE -> "patience";
        case BUDGET -> "time budget";
        case MAX_EPOCHS -> "max epochs";
      };
    }
  }

  /**
   * The state of a run after an epoch: whether {@code error} improved on the best so far and
   * whether to stop.
   */
  public static final class Tracker {
    private final EarlyStopping rule;
    private final long startNanos;
    private double best = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int sinceBest;

    public Tracker(EarlyStopping rule, long startNanos) {
      this.rule = rule;
      this.startNanos = startNanos;
    }

    /**
     * Records the validation error of {@code epoch} (1-based).
     *
     * @return true when it is the new best (the caller keeps these weights)
     */
    public boolean record(int epoch, double error) {
      if (Double.isNaN(error)) {
        throw new IllegalArgumentException("early stopping needs a validation error; epoch " + epoch + " has none");
      }
      if (bestEpoch == 0 || error < best - rule.minDelta()) {
        best = error;
        bestEpoch = epoch;
        sinceBest = 0;
        return true;
      }
      sinceBest++;
      return false;
    }

    /** Why to stop now (after {@code epoch} of {@code maxEpochs}), or null to go on. */
    public Reason stopReason(int epoch, int maxEpochs, long nowNanos) {
      if (sinceBest >= rule.patience()) {
        return Reason.PATIENCE;
      }
      if (rule.budgetSeconds() > 0 && (nowNanos - startNanos) / 1e9 >= rule.budgetSeconds()) {
        return Reason.BUDGET;
      }
      return epoch >= maxEpochs ? Reason.MAX_EPOCHS : null;
    }

    public double bestError() {
      return best;
    }

    /** The best epoch, 1-based (0 before the first). */
    public int bestEpoch() {
      return bestEpoch;
    }
  }
}
