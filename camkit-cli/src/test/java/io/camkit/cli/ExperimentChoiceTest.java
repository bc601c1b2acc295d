package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.CamkitException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExperimentChoiceTest {
  private static final Map<String, String> HEADS = Map.of("fc", "FC", "fc-dropout", "FC + dropout", "gap", "GAP");

  @Test
  void keysBecomeTheExperimentsNamesInTheOrderGiven() {
    assertThat(ExperimentCommand.chosen("--heads", List.of("gap", " FC-Dropout"), HEADS))
        .containsExactly("GAP", "FC + dropout");
  }

  @Test
  void anUnknownKeyIsOneLineWithTheKeysAllowed() {
    assertThatThrownBy(() -> ExperimentCommand.chosen("--heads", List.of("fc", "cnn"), HEADS))
        .isInstanceOf(CamkitException.class)
        .hasMessage("--heads: unknown value 'cnn'; choose from fc, fc-dropout, gap (comma-separated)");
  }
}
