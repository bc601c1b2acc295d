package io.camkit.evaluate;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.localize.ThresholdLocalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Sums multi-label images into {@link MultiLabelMetrics}: the class scores of every image (for
 * per-class AP) and, for each class present in an image, the box of that class's own map at τ and
 * at every τ of the MaxBoxAcc grid, scored against that class's boxes, and whether the map's
 * maximum lies in one of them (the pointing game, Zhang et al. 2016), and the fixed baseline boxes
 * on the same pairs ({@link BaselineBoxAccumulator}). Mergeable in image order
 * ({@link #merge}); not thread-safe on its own.
 */
public final class MultiLabelAccumulator {
  private final int classes;
  private final ThresholdLocalizer localizer;
  private final List<float[]> scores = new ArrayList<>();
  private final List<boolean[]> present = new ArrayList<>();
  private final long[] pairs;
  private final long[] hits;
  private final long[] points;
  private final long[] hitsPerTau = new long[LocalizationMetrics.TAU_STEPS];
  private final BaselineBoxAccumulator baselines = new BaselineBoxAccumulator();

  public MultiLabelAccumulator(int classes, double tau) {
    this.classes = classes;
    this.localizer = new ThresholdLocalizer(tau);
    this.pairs = new long[classes];
    this.hits = new long[classes];
    this.points = new long[classes];
  }

  /**
   * Adds one image.
   *
   * @param classScores the image's score of every class, length C (any monotone scale: logits)
   * @param map the map of a class, ReLU'd, at image resolution and normalised to [0, 1]; asked
   *     only for the classes present
   */
  public MultiLabelAccumulator add(Sample sample, float[] classScores, IntFunction<HeatMap> map) {
    if (classScores.length != classes) {
      throw new IllegalArgumentException(classScores.length + " scores for " + classes + " classes");
    }
    boolean[] p = new boolean[classes];
    for (int c : sample.labels()) {
      p[c] = true;
      HeatMap m = map.apply(c);
      List<Box> truth = sample.objectsOf(c).stream().map(ObjectAnnotation::box).toList();
      pairs[c]++;
      baselines.add(truth, sample.width(), sample.height());
      if (Scorer.bestIou(localizer.localizeNormalised(m).box(), truth) >= LocalizationMetrics.IOU_THRESHOLD) {
        hits[c]++;
      }
      boolean[] tauHits = Scorer.hitsPerTau(m, truth);
      for (int t = 0; t < hitsPerTau.length; t++) {
        if (tauHits[t]) {
          hitsPerTau[t]++;
        }
      }
      if (pointsInside(m, truth)) {
        points[c]++;
      }
    }
    scores.add(classScores.clone());
    present.add(p);
    return this;
  }

  /** Whether the first maximum of {@code map} (raster order) lies inside one of {@code truth}. */
  public static boolean pointsInside(HeatMap map, List<Box> truth) {
    int arg = map.argMax();
    int px = arg % map.width();
    int py = arg / map.width();
    return truth.stream().anyMatch(b -> px >= b.x0() && px < b.x1() && py >= b.y0() && py < b.y1());
  }

  /** Appends {@code other}'s images after this one's. */
  public MultiLabelAccumulator merge(MultiLabelAccumulator other) {
    if (other.classes != classes || other.localizer.tau() != localizer.tau()) {
      throw new IllegalArgumentException("cannot merge accumulators of different classes or τ");
    }
    scores.addAll(other.scores);
    present.addAll(other.present);
    for (int c = 0; c < classes; c++) {
      pairs[c] += other.pairs[c];
      hits[c] += other.hits[c];
      points[c] += other.points[c];
    }
    for (int t = 0; t < hitsPerTau.length; t++) {
      hitsPerTau[t] += other.hitsPerTau[t];
    }
    baselines.merge(other.baselines);
    return this;
  }

  private long totalPairs() {
    long n = 0;
    for (long v : pairs) {
      n += v;
    }
    return n;
  }

  /** GT-known localization of the pairs at each τ of the grid (the MaxBoxAcc curve). */
  public double[] curve() {
    double n = totalPairs();
    double[] c = new double[hitsPerTau.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = hitsPerTau[i] / n;
    }
    return c;
  }

  /** An immutable snapshot; rates are NaN when there is nothing to count. */
  public MultiLabelMetrics snapshot() {
    int n = scores.size();
    double[] ap = new double[classes];
    double apSum = 0;
    int apCount = 0;
    double[] gtKnown = new double[classes];
    double[] pointing = new double[classes];
    long hitSum = 0;
    long pointSum = 0;
    for (int c = 0; c < classes; c++) {
      double[] sc = new double[n];
      boolean[] pr = new boolean[n];
      for (int i = 0; i < n; i++) {
        sc[i] = scores.get(i)[c];
        pr[i] = present.get(i)[c];
      }
      ap[c] = AveragePrecision.of(sc, pr);
      if (!Double.isNaN(ap[c])) {
        apSum += ap[c];
        apCount++;
      }
      gtKnown[c] = pairs[c] == 0 ? Double.NaN : hits[c] / (double) pairs[c];
      pointing[c] = pairs[c] == 0 ? Double.NaN : points[c] / (double) pairs[c];
      hitSum += hits[c];
      pointSum += points[c];
    }
    int best = 0;
    for (int t = 1; t < hitsPerTau.length; t++) {
      if (hitsPerTau[t] > hitsPerTau[best]) {
        best = t;
      }
    }
    double total = totalPairs();
    return new MultiLabelMetrics(n, (long) total, localizer.tau(), apCount == 0 ? Double.NaN : apSum / apCount,
        hitSum / total, hitsPerTau[best] / total, LocalizationMetrics.tauAt(best), pointSum / total,
        baselines.gtKnown(BaselineBox.CENTRED_HALF_AREA), baselines.maxBoxAccV2(BaselineBox.CENTRED_HALF_AREA),
        baselines.gtKnown(BaselineBox.WHOLE_IMAGE), baselines.maxBoxAccV2(BaselineBox.WHOLE_IMAGE), ap, pairs,
        gtKnown, pointing);
  }
}
