package io.camkit.cli;

import io.camkit.core.testing.SharedData;
import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.experiments.ShiftExperiment;
import io.camkit.model.train.TrainOptions;
import io.camkit.model.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shift experiment on real MNIST digits from ../shared, in a small configuration. */
@Tag("shared-data")
class ShiftExperimentTest {
  @TempDir Path tmp;

  @Test
  void flattenCollapsesOnShiftedDigitsWhileGapHoldsUp() throws Exception {
    Path mnist = SharedData.root().resolve("data/mnist");
    var settings = new ShiftExperiment.Settings(mnist, 3000, 500,
        new TrainOptions(4, 64, 1e-3f, 0f, 20, false, 0, 1L), 0.5f);
    List<ShiftExperiment.Row> rows = ShiftExperiment.run(settings, tmp, name -> TrainingListener.NONE);
    System.out.println("shift experiment (3000 digits, 4 epochs): " + rows);
    ShiftExperiment.Row flatCentred = rows.get(0);
    ShiftExperiment.Row flatShifted = rows.get(1);
    ShiftExperiment.Row gapCentred = rows.get(2);
    ShiftExperiment.Row gapShifted = rows.get(3);
    assertThat(flatCentred.parameters()).isEqualTo(388_298);
    assertThat(gapCentred.parameters()).isEqualTo(101_578);
    assertThat(flatCentred.accuracy()).isGreaterThan(0.6);
    assertThat(flatShifted.accuracy()).isLessThan(flatCentred.accuracy() - 0.3);
    assertThat(gapShifted.accuracy()).isGreaterThan(gapCentred.accuracy() - 0.15);
    for (String f : new String[] {"shift.md", "shift.json", "shift.png"}) {
      assertThat(tmp.resolve(f)).isNotEmptyFile();
    }
  }
}
