package io.camkit.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.model.train.TrainOptions;
import io.camkit.model.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WsolExperimentTest {
  @TempDir Path tmp;

  @Test
  void everyMethodTrainsAndIsScoredAtTheValidationTauAndAcolAlsoByItsFusedMap() throws Exception {
    var q = WsolExperiment.Settings.quick();
    var s = new WsolExperiment.Settings(q.data().withSizes(64, 24, 24), new TrainOptions(1, 32, 1e-3f, 0f, 1, true, 2,
        7L), q.wsol(), true);
    List<WsolExperiment.Row> rows = WsolExperiment.run(s, tmp, name -> TrainingListener.NONE);
    assertThat(rows.stream().map(WsolExperiment.Row::method))
        .containsExactly("cam", "has", "acol", "acol (fused map)", "adl", "cutmix");
    for (WsolExperiment.Row r : rows) {
      // τ* comes from validation, so the test split's own best τ bounds it, as it bounds τ = 0.2.
      assertThat(r.gtKnownAtTauStar()).as(r.method()).isLessThanOrEqualTo(r.testMaxBoxAcc());
      assertThat(r.gtKnownAt02()).as(r.method()).isLessThanOrEqualTo(r.testMaxBoxAcc());
      assertThat(r.pxap()).as(r.method()).isBetween(0.0, 1.0); // every shapes object has a mask
      assertThat(r.maskMIoU()).as(r.method()).isBetween(0.0, 1.0);
      assertThat(r.gtKnownRefined()).as(r.method()).isBetween(0.0, 1.0);
      assertThat(r.refinement()).as(r.method()).matches("none|0\\.\\d+,0\\.\\d+");
    }
    // The fused row is the same ACoL network: its classification is branch A's, its training the same run.
    assertThat(rows.get(3).top1()).isEqualTo(rows.get(2).top1());
    assertThat(rows.get(3).trainSeconds()).isEqualTo(rows.get(2).trainSeconds());
    assertThat(tmp.resolve("wsol.md")).content().contains("| acol (fused map) |");
    // The grid: every method but plain CAM had 2 or 3 candidates, and the row names the one chosen
    // on validation (whose validation MaxBoxAcc the row reports).
    assertThat(rows.stream().map(WsolExperiment.Row::candidates)).containsExactly(1, 2, 2, 2, 3, 2);
    assertThat(rows.get(1).hyper()).matches("s = (8|16) px, p = 0\\.50");
    assertThat(rows.get(2).hyper()).isEqualTo(rows.get(3).hyper()).matches("δ = 0\\.(70|50)");
    assertThat(rows.get(0).hyper()).isEmpty();
    for (WsolExperiment.Row r : rows) {
      assertThat(r.valMaxBoxAcc()).as(r.method()).isBetween(0.0, 1.0);
    }
    assertThat(tmp.resolve("wsol.png")).isNotEmptyFile();
  }

  @Test
  void theMultiObjectVariantTrainsMultiLabelScoresPerClassAndLeavesAcolOut() throws Exception {
    var q = WsolExperiment.Settings.quickMultiObject();
    assertThat(q.multiObject()).isTrue();
    assertThat(q.data().imageSize()).isEqualTo(64);
    assertThat(q.data().maxObjects()).isEqualTo(3);
    var s = new WsolExperiment.Settings(q.data().withSizes(48, 16, 16), new TrainOptions(1, 32, 1e-3f, 0f, 1, true, 2,
        7L), q.wsol());
    List<WsolExperiment.Row> rows = WsolExperiment.run(s, tmp, name -> TrainingListener.NONE);
    assertThat(rows.stream().map(WsolExperiment.Row::method)).containsExactly("cam", "has", "adl", "cutmix");
    for (WsolExperiment.Row r : rows) {
      assertThat(r.top1()).as(r.method() + " mAP").isBetween(0.0, 1.0);
      assertThat(r.gtKnownAtTauStar()).as(r.method()).isLessThanOrEqualTo(r.testMaxBoxAcc());
      assertThat(r.maxBoxAccV2()).as(r.method()).isNaN();
      assertThat(r.gtKnownRefined()).as(r.method()).isNaN();
    }
    assertThat(tmp.resolve("wsol.md")).content().contains("| method | hyper-parameters (of candidates) | val MaxBoxAcc | mAP |")
        .contains("multi-label training").contains("| – | – |"); // MaxBoxAccV2 and PxAP not computed
  }

  @Test
  void theGridChangesOneHyperParameterOfTheMethodAtATime() {
    var q = WsolExperiment.Settings.quick(); // HaS patches of 8 px at 48 px
    assertThat(q.candidates("has")).hasSize(1);
    var g = q.withGrid(true);
    assertThat(g.candidates("cam")).extracting(w -> w.method()).containsExactly("cam");
    assertThat(g.candidates("has")).extracting(w -> w.hasPatch()).containsExactly(8, 16);
    assertThat(g.candidates("adl")).extracting(w -> w.adlGamma() + "/" + w.adlDropRate())
        .containsExactly("0.9/0.75", "0.8/0.75", "0.9/0.5");
    assertThat(g.candidates("acol")).extracting(w -> w.acolDelta()).containsExactly(0.7, 0.5);
    assertThat(g.candidates("cutmix")).extracting(w -> w.cutMixProb()).containsExactly(1.0, 0.5);
    assertThat(g.candidates("adl")).allMatch(w -> w.is("adl"));
    assertThat(WsolExperiment.hyper(g.candidates("adl").get(2))).isEqualTo("γ = 0.90, rate 0.50");
  }

  @Test
  void gtKnownAtTauIsReadFromTheCurveAtItsGridIndex() {
    double[] curve = new double[101];
    curve[20] = 0.25;
    curve[44] = 0.75;
    assertThat(WsolExperiment.atTau(curve, 0.2)).isEqualTo(0.25);
    assertThat(WsolExperiment.atTau(curve, 0.44)).isEqualTo(0.75); // 0.44 · 100 = 44.000000000000004
  }
}
