package io.camkit.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricsTest {
  /** A 10×10 image whose object is the box [2,6)×[2,6). */
  private static Sample sample() {
    return new Sample("s", new RgbImage(10, 10, new byte[300]),
        List.of(new ObjectAnnotation(1, new Box(2, 2, 6, 6), Optional.empty())));
  }

  /** A map that is 1 on [2,6)×[2,6), 0.305 on a ring one pixel wider, 0 elsewhere. */
  private static HeatMap map() {
    float[] v = new float[100];
    for (int y = 1; y < 7; y++) {
      for (int x = 1; x < 7; x++) {
        v[y * 10 + x] = (x >= 2 && x < 6 && y >= 2 && y < 6) ? 1f : 0.305f;
      }
    }
    return new HeatMap(10, 10, v);
  }

  @Test
  void maxBoxAccFindsTheThresholdThatCutsTheHalo() {
    Scorer scorer = new Scorer(0.2);
    ImageOutcome o = scorer.score(sample(), 1, 0.9, map(), map());
    // τ = 0.2 keeps the halo: box [1,7)² = 36 px vs 16 px GT -> IoU 16/36 = 0.444 < 0.5: a miss.
    assertThat(o.gtKnownIou()).isCloseTo(16.0 / 36, within(1e-9));
    assertThat(o.gtKnownLocalized()).isFalse();
    // The halo normalises to 0.305 (up to ε): τ ≥ 0.31 keeps only the core (exact box); τ ≤ 0.30
    // keeps the halo; τ = 0 keeps everything (the whole image, IoU 0.16).
    boolean[] hits = o.hitsPerTau();
    assertThat(hits[0]).isFalse();
    assertThat(hits[30]).isFalse();
    assertThat(hits[31]).isTrue();
    assertThat(hits[100]).isTrue();

    LocalizationAccumulator acc = new LocalizationAccumulator(0.2).add(o, 10, 10);
    LocalizationMetrics m = acc.snapshot();
    assertThat(m.gtKnownLocalization()).isZero();
    assertThat(m.maxBoxAcc()).isEqualTo(1.0);
    assertThat(m.tauStar()).isCloseTo(0.31, within(1e-9));
    assertThat(m.top1Accuracy()).isEqualTo(1.0);
    assertThat(m.top1Localization()).isZero();
  }

  @Test
  void wrongClassCountsForGtKnownButNotTop1() {
    HeatMap exact = new HeatMap(10, 10, new float[100]);
    float[] v = new float[100];
    for (int y = 2; y < 6; y++) {
      for (int x = 2; x < 6; x++) {
        v[y * 10 + x] = 1f;
      }
    }
    HeatMap good = new HeatMap(10, 10, v);
    ImageOutcome o = new Scorer(0.2).score(sample(), 0, 0.6, exact, good);
    assertThat(o.correct()).isFalse();
    assertThat(o.gtKnownLocalized()).isTrue();
    assertThat(o.top1Localized()).isFalse();
  }

  @Test
  void accumulatorsMergeToTheSameSnapshot() {
    Scorer scorer = new Scorer(0.2);
    ImageOutcome a = scorer.score(sample(), 1, 0.9, map(), map());
    ImageOutcome b = scorer.score(sample(), 0, 0.5, map(), map());
    LocalizationAccumulator whole = new LocalizationAccumulator(0.2).add(a, 10, 10).add(b, 10, 10);
    LocalizationAccumulator merged = new LocalizationAccumulator(0.2).add(a, 10, 10)
        .merge(new LocalizationAccumulator(0.2).add(b, 10, 10));
    assertThat(merged.snapshot()).isEqualTo(whole.snapshot());
    assertThat(whole.snapshot().top1Accuracy()).isEqualTo(0.5);
  }
}
