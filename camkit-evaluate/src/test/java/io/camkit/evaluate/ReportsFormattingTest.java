package io.camkit.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.evaluate.faithfulness.FaithfulnessMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A figure that was not computed prints as – with the reason, never as NaN. */
class ReportsFormattingTest {
  @Test
  void nanPrintsAsADashAndNumbersAsBefore() {
    assertThat(Reports.pct(Double.NaN)).isEqualTo("–");
    assertThat(Reports.pct(0.1234)).isEqualTo("12.3 %");
    assertThat(Reports.fmt(Double.NaN)).isEqualTo("–");
    assertThat(Reports.fmt(0.125)).isEqualTo("0.13");
    assertThat(Reports.decimal(Double.NaN, 4)).isEqualTo("–");
    assertThat(Reports.decimal(0.03125, 4)).isEqualTo("0.0313");
  }

  @Test
  void aMethodTableWithoutFaithfulnessImagesShowsDashesAndSaysWhy() {
    LocalizationMetrics loc = new LocalizationMetrics(10, 0.2, 0.9, 0.5, 0.6, 0.7, 0.3, 0.55, 0.1);
    FaithfulnessMetrics none = new FaithfulnessMetrics("cam", 0, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN,
        15, 10, 8, 0.8);
    String table = MethodComparison.markdownTable(List.of(new Evaluation.Result("cam", "features", loc,
        new double[LocalizationMetrics.TAU_STEPS], List.of(), none, 1.0, 12.25)));
    assertThat(table).doesNotContain("NaN");
    assertThat(table).contains("| cam | features | 90.0 % | 100.0 % | 50.0 % | 60.0 % | 70.0 % (0.30) | – | – | – | – |"
        + " – | 80.0 % | 12.3 |");
    assertThat(table).contains("– not computed: the deletion/insertion curves and the confidence drop were run on no"
        + " image (faithfulnessImages = 0, or no image in the data).");
  }
}
