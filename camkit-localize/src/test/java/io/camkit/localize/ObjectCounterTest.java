package io.camkit.localize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Counting on a small hand-built "mosaic" of probabilities whose objects are known: classes a, b
 * and background (index 2) on a 12×8 grid.
 */
class ObjectCounterTest {
  private static final int W = 12;
  private static final int H = 8;

  /** Background everywhere (p = 0.9, the rest 0.05 each), then objects painted as blobs. */
  private static float[] grid() {
    float[] p = new float[3 * W * H];
    for (int i = 0; i < W * H; i++) {
      p[i] = 0.05f;
      p[W * H + i] = 0.05f;
      p[2 * W * H + i] = 0.9f;
    }
    return p;
  }

  /** Location (x, y): class {@code c} with probability {@code v}, background {@code 1 − v − 0.02}. */
  private static void put(float[] p, int x, int y, int c, float v) {
    int i = y * W + x;
    p[i] = c == 0 ? v : 0.01f;
    p[W * H + i] = c == 1 ? v : 0.01f;
    p[2 * W * H + i] = 1 - p[i] - p[W * H + i]; // the three sum to 1
  }

  @Test
  void countsEachObjectOnceAsItsMostProbableClass() {
    float[] p = grid();
    // a: a blob at (2, 2) with a shoulder at (3, 2); b: a peak at (8, 2); a: a peak at (9, 6).
    put(p, 2, 2, 0, 0.95f);
    put(p, 3, 2, 0, 0.7f);
    put(p, 8, 2, 1, 0.9f);
    put(p, 9, 6, 0, 0.8f);
    // one object that looks like both classes: b 0.5, a 0.4 at (5, 6) and a 0.55 beside it at (6, 6):
    // objectness 0.9 and 0.56, one object of class b (per class, a would have its own peak at (6, 6)).
    put(p, 5, 6, 1, 0.5f);
    p[6 * W + 5] = 0.4f;
    p[2 * W * H + 6 * W + 5] = 0.1f;
    put(p, 6, 6, 0, 0.55f);
    // a weak bump below τ: no object.
    put(p, 0, 7, 1, 0.3f);

    List<ObjectCounter.Detection> found = new ObjectCounter(0.5, 2).detect(3, W, H, p, 2);
    assertThat(found).extracting(ObjectCounter.Detection::x, ObjectCounter.Detection::y,
            ObjectCounter.Detection::classIndex)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(2, 2, 0), org.assertj.core.groups.Tuple.tuple(8, 2, 1),
            org.assertj.core.groups.Tuple.tuple(5, 6, 1), org.assertj.core.groups.Tuple.tuple(9, 6, 0));
    assertThat(ObjectCounter.counts(found, 3)).containsExactly(2, 2, 0);
    assertThat(found.get(0).objectness()).isEqualTo(1 - p[2 * W * H + 2 * W + 2]);
    assertThat(found.get(2).probability()).isEqualTo(0.5f);

    // class a's own plane has a peak at (6, 6) as well (0.55 > its neighbour's 0.4): counted per class, the
    // ambiguous object would be counted twice (a and b); on the objectness (6, 6) is a shoulder.
    assertThat(new PeakCounter(0.5, 0).peaks(new HeatMap(W, H, java.util.Arrays.copyOf(p, W * H))))
        .extracting(PeakCounter.Peak::x).containsExactly(2, 9, 6);
    // d = 0: the same four objects
    assertThat(new ObjectCounter(0.5, 0).detect(3, W, H, p, 2)).hasSize(4);
    // d = 5 cells: (9, 6) is 4 from (5, 6) and goes; (5, 6) is 5 from (2, 2) and from (8, 2), not closer: stays
    assertThat(new ObjectCounter(0.5, 5).detect(3, W, H, p, 2)).hasSize(3);
    // a higher τ keeps only the confident ones
    assertThat(new ObjectCounter(0.85, 2).detect(3, W, H, p, 2)).hasSize(3);
  }

  @Test
  void scoreGivesPredictedTrueErrorAndLocatedPerClass() {
    // truth: 3 a's and 2 b's, boxes of 10 px; the grid's peaks at cell centres 4 + 8·x (stride 8)
    List<CountScore.Truth> truth = List.of(
        new CountScore.Truth(new Box(15, 15, 25, 25), 0), new CountScore.Truth(new Box(70, 50, 80, 60), 0),
        new CountScore.Truth(new Box(0, 0, 10, 10), 0), new CountScore.Truth(new Box(64, 15, 74, 25), 1),
        new CountScore.Truth(new Box(40, 50, 50, 60), 1));
    List<CountScore.Point> points = List.of(
        new CountScore.Point(20, 20, 0), new CountScore.Point(68, 20, 1), new CountScore.Point(44, 52, 1),
        new CountScore.Point(76, 52, 0), new CountScore.Point(21, 21, 0), // a second point in the same a box
        new CountScore.Point(100, 100, 1)); // nowhere
    CountScore.Line[] lines = CountScore.score(points, truth, 3);
    assertThat(lines[0]).isEqualTo(new CountScore.Line(3, 3, 2));
    assertThat(lines[0].error()).isZero();
    assertThat(lines[1]).isEqualTo(new CountScore.Line(3, 2, 2));
    assertThat(lines[1].error()).isEqualTo(0.5);
    assertThat(lines[1].precision()).isEqualTo(2 / 3.0);
    assertThat(lines[2].error()).isNaN();
    // a point of the wrong class inside a box is not located
    assertThat(CountScore.score(List.of(new CountScore.Point(20, 20, 1)), truth, 3)[1].located()).isZero();
  }

  @Test
  void bucketedSuppressionEqualsTheGreedyScanOverAllKeptPeaks() {
    SplittableRandom rng = new SplittableRandom(5);
    for (int trial = 0; trial < 20; trial++) {
      int w = 30 + rng.nextInt(40);
      int h = 20 + rng.nextInt(40);
      float[] v = new float[w * h];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) rng.nextDouble();
      }
      double d = rng.nextDouble() * 6;
      HeatMap map = new HeatMap(w, h, v);
      List<PeakCounter.Peak> all = new PeakCounter(0.3, 0).peaks(map);
      List<PeakCounter.Peak> greedy = new ArrayList<>();
      for (PeakCounter.Peak p : all) {
        if (greedy.stream().noneMatch(k -> Math.hypot(p.x() - k.x(), p.y() - k.y()) < d)) {
          greedy.add(p);
        }
      }
      assertThat(new PeakCounter(0.3, d).peaks(map)).as("d %.3f", d).isEqualTo(greedy);
    }
  }

  @Test
  void classOffsetsShiftOnlyTheClassDecisionAndTheFitMatchesKnownCounts() {
    // 10 peaks over classes a, b (background 2): 8 lean to a (p_a 0.5, p_b 0.20 … 0.34) but only 5 are a's,
    // 2 lean to b.
    List<float[]> peaks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      peaks.add(new float[] {0.5f, 0.2f + 0.02f * i, 0.3f - 0.02f * i});
    }
    peaks.add(new float[] {0.2f, 0.7f, 0.1f});
    peaks.add(new float[] {0.1f, 0.8f, 0.1f});
    assertThat(ObjectCounter.decide(peaks.get(0), 2, new double[3])).isZero();
    // log(0.2) + log(0.5/0.2) = log(0.5): a tie, decided for the lower index; a little more and it is b
    assertThat(ObjectCounter.decide(peaks.get(0), 2, new double[] {0, Math.log(0.5 / 0.2) - 1e-6, 0})).isZero();
    assertThat(ObjectCounter.decide(peaks.get(0), 2, new double[] {0, Math.log(0.5 / 0.2) + 1e-6, 0})).isEqualTo(1);
    double[] o = ObjectCounter.fitOffsets(peaks, new int[] {5, 5, 0}, 2);
    int[] n = new int[3];
    for (float[] p : peaks) {
      n[ObjectCounter.decide(p, 2, o)]++;
    }
    assertThat(n).containsExactly(5, 5, 0);
    assertThat(o[2]).isZero();
    // on the grid: the same peaks, other classes
    float[] p = grid();
    put(p, 2, 2, 0, 0.5f);
    p[W * H + 2 * W + 2] = 0.4f;
    p[2 * W * H + 2 * W + 2] = 0.1f;
    List<ObjectCounter.Detection> plain = new ObjectCounter(0.5, 2).detect(3, W, H, p, 2);
    List<ObjectCounter.Detection> shifted = new ObjectCounter(0.5, 2).detect(3, W, H, p, 2, new double[] {0, 0.5, 0});
    assertThat(plain).singleElement().extracting(ObjectCounter.Detection::classIndex).isEqualTo(0);
    assertThat(shifted).singleElement().extracting(ObjectCounter.Detection::classIndex).isEqualTo(1);
    assertThat(shifted.get(0).x()).isEqualTo(plain.get(0).x());
    assertThat(shifted.get(0).probability()).isEqualTo(0.4f);
  }

  @Test
  void badGridsAreRejected() {
    assertThatThrownBy(() -> new ObjectCounter(0.5, 1).detect(3, W, H, new float[10], 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ObjectCounter(0.5, 1).detect(3, W, H, grid(), 3))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
