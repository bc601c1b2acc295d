package io.camkit.evaluate;

/**
 * Counts of (true class, predicted class) pairs, and the classification scores derived from them.
 * Mergeable. Macro averages weigh every class equally; a class never predicted has precision 0
 * and a class never present has recall 0 (scikit-learn's {@code zero_division=0}).
 */
public final class ConfusionMatrix {
  private final long[][] counts;

  public ConfusionMatrix(int classes) {
    counts = new long[classes][classes];
  }

  public ConfusionMatrix add(int truth, int predicted) {
    counts[truth][predicted]++;
    return this;
  }

  public ConfusionMatrix merge(ConfusionMatrix o) {
    for (int t = 0; t < counts.length; t++) {
      for (int p = 0; p < counts.length; p++) {
        counts[t][p] += o.counts[t][p];
      }
    }
    return this;
  }

  private long total() {
    long n = 0;
    for (long[] row : counts) {
      for (long v : row) {
        n += v;
      }
    }
    return n;
  }

  public double accuracy() {
    long ok = 0;
    for (int c = 0; c < counts.length; c++) {
      ok += counts[c][c];
    }
    return ok / (double) total();
  }

  public double precision(int c) {
    long predicted = 0;
    for (long[] row : counts) {
      predicted += row[c];
    }
    return predicted == 0 ? 0 : counts[c][c] / (double) predicted;
  }

  public double recall(int c) {
    long present = 0;
    for (long v : counts[c]) {
      present += v;
    }
    return present == 0 ? 0 : counts[c][c] / (double) present;
  }

  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  public double macroPrecision() {
    double s = 0;
    for (int c = 0; c < counts.length; c++) {
      s += precision(c);
    }
    return s / counts.length;
  }

  public double macroRecall() {
    double s = 0;
    for (int c = 0; c < counts.length; c++) {
      s += recall(c);
    }
    return s / counts.length;
  }

  /** Mean of the per-class F1 scores (not the F1 of the macro precision and recall). */
  public double macroF1() {
    double s = 0;
    for (int c = 0; c < counts.length; c++) {
      s += f1(c);
    }
    return s / counts.length;
  }
}
