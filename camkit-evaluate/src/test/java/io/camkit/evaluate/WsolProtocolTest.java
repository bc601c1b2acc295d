package io.camkit.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.Mask;
import io.camkit.core.RgbImage;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** MaxBoxAccV2, PxAP and PIoU with camkit's default conventions, computed by hand. */
class WsolProtocolTest {
  static final int W = 12;

  /** The object: the box [1, 6) × [1, 4) (15 px), with its exact mask. */
  static Sample sample() {
    Box gt = new Box(1, 1, 6, 4);
    boolean[] bits = new boolean[W * W];
    for (int y = gt.y0(); y < gt.y1(); y++) {
      for (int x = gt.x0(); x < gt.x1(); x++) {
        bits[y * W + x] = true;
      }
    }
    return new Sample("two", new RgbImage(W, W, new byte[3 * W * W]),
        List.of(new ObjectAnnotation(0, gt, Optional.of(new Mask(W, W, bits)))));
  }

  /**
   * A small blob of 0.6 on [1, 4) × [1, 4) (9 px, inside the object) and a larger distractor of 1.0
   * on [6, 11) × [6, 11) (25 px), 0 elsewhere.
   */
  static HeatMap twoComponents() {
    float[] v = new float[W * W];
    for (int y = 0; y < W; y++) {
      for (int x = 0; x < W; x++) {
        if (x >= 1 && x < 4 && y >= 1 && y < 4) {
          v[y * W + x] = 0.6f;
        } else if (x >= 6 && x < 11 && y >= 6 && y < 11) {
          v[y * W + x] = 1f;
        }
      }
    }
    return new HeatMap(W, W, v);
  }

  @Test
  void maxBoxAccV2CountsTheSmallerComponentThatTheLargestComponentRuleMisses() {
    ImageOutcome o = new Scorer(0.2).score(sample(), 0, 0.9, twoComponents(), twoComponents());
    // τ ∈ (0, 0.6]: components {small blob (1,1,4,4), distractor (6,6,11,11)}; the small one has
    // IoU 9/15 = 0.6 with the object, the largest (the distractor) 0. τ = 0: the whole image, IoU
    // 15/144. τ > 0.6: the distractor only.
    assertThat(o.anyComponentIouPerTau()[1]).isCloseTo(0.6, within(1e-12));
    assertThat(o.anyComponentIouPerTau()[60]).isCloseTo(0.6, within(1e-12));
    assertThat(o.anyComponentIouPerTau()[61]).isZero();
    assertThat(o.anyComponentIouPerTau()[0]).isCloseTo(15 / 144.0, within(1e-12));
    assertThat(o.largestIouPerTau()[30]).isZero();

    LocalizationMetrics m = new LocalizationAccumulator(0.2).add(o, W, W).snapshot();
    // Any component: IoU 0.6 reaches δ = 0.3 and 0.5 (first at τ = 0.01), never 0.7.
    assertThat(m.maxBoxAccV2().iou30()).isEqualTo(1.0);
    assertThat(m.maxBoxAccV2().iou50()).isEqualTo(1.0);
    assertThat(m.maxBoxAccV2().iou70()).isZero();
    assertThat(m.maxBoxAccV2().tauStar50()).isCloseTo(0.01, within(1e-12));
    assertThat(m.maxBoxAccV2().mean()).isCloseTo(2 / 3.0, within(1e-12));
    // Largest component: never.
    assertThat(m.maxBoxAccLargest().mean()).isZero();
    assertThat(m.maxBoxAccLargest().iou50()).isEqualTo(m.maxBoxAcc()).isZero();
    assertThat(m.gtKnownLocalization()).isZero();
  }

  @Test
  void pxapOfTheTwoComponentMapByHand() {
    // P = 15 mask pixels. Scores ≥ 1.0 (bin [1, 2)) and ≥ e for e ∈ (0.6, 0.99]: TP 0, FP 25.
    // e ∈ [0.01, 0.6]: TP 9, FP 25 → precision 9/34, recall 9/15.
    // e = 0: TP 15, FP 129 → precision 15/144, recall 1.
    double pxap = 9 / 34.0 * (9 / 15.0) + 15 / 144.0 * (1 - 9 / 15.0);
    ImageOutcome o = new Scorer(0.2).score(sample(), 0, 0.9, twoComponents(), twoComponents());
    assertThat(o.pixelCurve()).isPresent();
    LocalizationMetrics m = new LocalizationAccumulator(0.2).add(o, W, W).snapshot();
    assertThat(m.maskedImages()).isEqualTo(1);
    assertThat(m.pxap()).isCloseTo(pxap, within(1e-12));
    // PIoU: 9 / (15 + 25) = 0.225 at every e ∈ [0.01, 0.6]; the smallest is 0.01.
    assertThat(m.piou()).isCloseTo(0.225, within(1e-12));
    assertThat(m.piouThreshold()).isCloseTo(0.01, within(1e-12));
  }

  @Test
  void reportsAddTheNewFiguresAndKeepTheOldRows(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    ImageOutcome o = new Scorer(0.2).score(sample(), 0, 0.9, twoComponents(), twoComponents());
    LocalizationAccumulator acc = new LocalizationAccumulator(0.2).add(o, W, W);
    LocalizationMetrics m = acc.snapshot();
    String md = Reports.markdownTable(m);
    assertThat(md).contains("| MaxBoxAccV2 (any component, mean over IoU 0.3 / 0.5 / 0.7) | 66.7 % |")
        .contains("| MaxBoxAcc at IoU 0.3 / 0.5 / 0.7, largest component | 0.0 % / 0.0 % / 0.0 % (τ* = 0.00 / 0.00 / 0.00) |")
        .contains("| PxAP (pixel average precision; images with masks: 1) | 20.0 % |") // 0.20049
        .contains("| PIoU (best pixel IoU, at threshold 0.01) | 22.5 % |");
    // The rows of a run without the new figures are exactly the old ones.
    LocalizationMetrics old = new LocalizationMetrics(m.images(), m.tau(), m.top1Accuracy(), m.top1Localization(),
        m.gtKnownLocalization(), m.maxBoxAcc(), m.tauStar(), m.meanIou(), m.centredBaseline());
    String oldMd = Reports.markdownTable(old);
    assertThat(oldMd).doesNotContain("MaxBoxAccV2 (any").doesNotContain("PxAP")
        .startsWith(md.substring(0, md.indexOf("| baseline: centred")));
    assertThat(oldMd.substring(oldMd.indexOf("| baseline: whole"))).isEqualTo(
        "| baseline: whole-image box, GT-known loc / MaxBoxAccV2 | – / – |\n");
    java.nio.file.Path f = dir.resolve("metrics.json");
    Reports.writeJson(new Evaluation.Result("cam", "features", m, acc.curve(), List.of(o),
        new io.camkit.evaluate.faithfulness.FaithfulnessAccumulator("cam", 0).snapshot(), Double.NaN, Double.NaN),
        List.of("a", "b"), java.util.Map.of(), f);
    var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.toFile()).path("metrics");
    assertThat(root.path("maxBoxAccV2").path("mean").asDouble()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(root.path("maxBoxAccV2").path("tauStar30").asDouble()).isCloseTo(0.01, within(1e-12));
    assertThat(root.path("pxap").asDouble()).isCloseTo(9 / 34.0 * 0.6 + 15 / 144.0 * 0.4, within(1e-12));
    assertThat(root.path("maxBoxAcc").asDouble()).isZero();
  }

  @Test
  void pxapOfFourPixelsByHandAndPooling() {
    HeatMap s = new HeatMap(4, 1, new float[] {0.9f, 0.6f, 0.6f, 0.2f});
    Mask t = new Mask(4, 1, new boolean[] {true, false, true, false});
    PxapCurve c = PxapCurve.of(s, t);
    // P = 2. e ∈ (0.6, 0.9]: TP 1, FP 0 (p 1, r 1/2); e ∈ (0.2, 0.6]: TP 2, FP 1 (p 2/3, r 1);
    // e ≤ 0.2: TP 2, FP 2 (p 1/2, r 1). PxAP = 1 · 1/2 + 2/3 · 1/2 + 1/2 · 0 = 5/6.
    assertThat(c.pxap()).isCloseTo(5 / 6.0, within(1e-12));
    // IoU 1/2, 2/3, 1/2: PIoU 2/3, first reached (from below) at e = 0.21 (0.2f < 0.21).
    assertThat(c.piou()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(c.piouThreshold()).isCloseTo(0.21, within(1e-12));
    assertThat(c.precision()[0]).isNaN(); // ≥ 2.0: nothing passes
    assertThat(c.truePositives()[PxapCurve.BINS - 1]).isEqualTo(2);

    // Pooling a second image whose only mask pixel scores 0.1 and whose background scores 0.95:
    // P = 3; e ∈ (0.9, 0.95]: TP 0, FP 1 (p 0, r 0); (0.6, 0.9]: TP 1, FP 1 (p 1/2, r 1/3);
    // (0.2, 0.6]: TP 2, FP 2 (p 1/2, r 2/3); (0.1, 0.2]: TP 2, FP 3 (p 2/5, r 2/3);
    // ≤ 0.1: TP 3, FP 3 (p 1/2, r 1). PxAP = 1/2 · 1/3 + 1/2 · 1/3 + 1/2 · 1/3 = 1/2.
    PxapCurve d = PxapCurve.of(new HeatMap(2, 1, new float[] {0.1f, 0.95f}), new Mask(2, 1, new boolean[] {true, false}));
    PxapCurve pooled = c.plus(d);
    assertThat(pooled.pxap()).isCloseTo(0.5, within(1e-12));
    assertThat(new PxapAccumulator().add(s, t).merge(new PxapAccumulator().add(d)).snapshot()).isEqualTo(pooled);
    assertThat(pooled.images()).isEqualTo(2);
  }

  @Test
  void ignoredPixelsCountNeitherWay() {
    HeatMap s = new HeatMap(3, 1, new float[] {0.9f, 0.95f, 0.2f});
    Mask t = new Mask(3, 1, new boolean[] {true, false, false});
    // Ignoring the 0.95 background pixel leaves a perfect ranking: PxAP 1, PIoU 1 at e = 0.21.
    PxapCurve c = PxapCurve.of(s, t, new Mask(3, 1, new boolean[] {false, true, false}));
    assertThat(c.pxap()).isCloseTo(1.0, within(1e-12));
    assertThat(c.piou()).isEqualTo(1.0);
    assertThat(PxapCurve.of(s, t).pxap()).isCloseTo(0.5 * 1 + 0, within(1e-12)); // p 1/2 at r 1, then 1/3
  }

  @Test
  void binsFollowTheDoubleEdgesAndAScoreOfOneHasItsOwnBin() {
    assertThat(PxapCurve.BIN_EDGES).hasSize(103);
    assertThat(PxapCurve.bin(0f)).isZero();
    assertThat(PxapCurve.bin(0.35f)).isEqualTo(34); // 0.35f < 0.35000000000000003
    assertThat(PxapCurve.bin(0.36f)).isEqualTo(36); // 0.36f = 0.36000001430511475
    assertThat(PxapCurve.bin(0.999f)).isEqualTo(99);
    assertThat(PxapCurve.bin(1f)).isEqualTo(100);
    assertThat(PxapCurve.bin(Float.NaN)).isEqualTo(-1);
    assertThat(PxapCurve.bin(-0.5f)).isEqualTo(-1);
  }
}
