package io.camkit.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.model.train.EarlyStopping;
import io.camkit.model.train.TrainOptions;
import io.camkit.model.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegularizerExperimentTest {
  @TempDir Path tmp;

  @Test
  void threeHeadsOnOneTrunkWithTheirParameterCounts() throws Exception {
    var d = RegularizerExperiment.Settings.defaults();
    ShapesOptions tiny = d.data().withSizes(96, 32, 32);
    var s = new RegularizerExperiment.Settings(tiny, new TrainOptions(2, 32, 1e-3f, 0f, 1, false, 0, 7L),
        new EarlyStopping(1, 0, 0));
    List<RegularizerExperiment.Row> rows = RegularizerExperiment.run(s, tmp, name -> TrainingListener.NONE);
    assertThat(rows).extracting(RegularizerExperiment.Row::head).containsExactly("FC", "FC + dropout", "GAP");
    long trunkAndGap = rows.get(2).parameters();
    // The FC head adds flatten (12·12·128 = 18 432) → 256 → 6, and dropout adds no parameter; GAP
    // adds only the linear layer 128 → 6 (774) to the trunk.
    long fcHead = 18_432L * 256 + 256 + 256 * 6 + 6;
    assertThat(rows.get(0).parameters() - (trunkAndGap - 774)).isEqualTo(fcHead);
    assertThat(rows.get(1).parameters()).isEqualTo(rows.get(0).parameters());
    for (RegularizerExperiment.Row r : rows) {
      assertThat(r.trainError()).isBetween(0.0, 1.0);
      assertThat(r.testError()).isBetween(0.0, 1.0);
      assertThat(r.valError()).isBetween(0.0, 1.0);
      // At most 2 epochs; the kept epoch is one of those trained.
      assertThat(r.epochs()).isBetween(1, 2);
      assertThat(r.bestEpoch()).isBetween(1, r.epochs());
      assertThat(r.stoppedBy()).isIn("patience", "max epochs");
    }
    assertThat(tmp.resolve("regularizer.md")).content().contains("| GAP |");
    assertThat(tmp.resolve("regularizer.png")).isNotEmptyFile();
  }
}
