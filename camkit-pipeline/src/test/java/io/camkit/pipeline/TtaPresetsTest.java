package io.camkit.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.CamkitException;
import io.camkit.explain.augment.Augmentation;
import java.util.List;
import org.junit.jupiter.api.Test;

class TtaPresetsTest {
  private static final int[] SIZE = {224, 160};

  @Test
  void presetsAreSizedToTheInputWithTheIdentityOnceAndFirst() {
    assertThat(TtaPresets.parse("shift, flip", SIZE)).containsExactly(Augmentation.identity(),
        new Augmentation(0, 10, 0, false), new Augmentation(0, -10, 0, false), new Augmentation(0, 0, 14, false),
        new Augmentation(0, 0, -14, false), new Augmentation(0, 0, 0, true));
  }

  @Test
  void theCanonicalNameListsEachPresetOnceInTheirOrder() {
    assertThat(TtaPresets.canonical("rotate, FLIP,flip")).isEqualTo("flip,rotate");
    assertThat(TtaPresets.canonical("shift")).isEqualTo("shift");
    assertThat(TtaPresets.isCanonical("flip,rotate")).isTrue();
    assertThat(TtaPresets.isCanonical("rotate,flip")).isFalse();
    assertThat(TtaPresets.isCanonical("angle 5.0°, dx 3.0, dy 0.0, flipped")).isFalse();
    assertThatThrownBy(() -> TtaPresets.canonical("flip,mirror")).isInstanceOf(CamkitException.class)
        .hasMessageContaining("'mirror'").hasMessageContaining("flip, shift, rotate");
  }

  @Test
  void aParsedSetIsDescribedByItsCanonicalNameWhateverTheOrderItWasGivenIn() {
    for (String spec : List.of("flip", "shift", "rotate", "shift,flip", "rotate,flip", "rotate,shift",
        "rotate,shift,flip,shift")) {
      assertThat(TtaPresets.describe(TtaPresets.parse(spec, SIZE), SIZE)).isEqualTo(TtaPresets.canonical(spec));
    }
    // the same shifts read as "shift" only for the input size they were made for
    assertThat(TtaPresets.describe(TtaPresets.parse("shift", SIZE), new int[] {96, 96})).doesNotContain("shift")
        .contains("dx 10.0, dy 0.0").contains("dx 0.0, dy -14.0");
  }

  @Test
  void aSetBuiltInJavaIsDescribedAugmentationByAugmentation() {
    List<Augmentation> mine = List.of(Augmentation.identity(), new Augmentation(5, 3, 0, true));
    assertThat(TtaPresets.describe(mine, SIZE)).isEqualTo("angle 5.0°, dx 3.0, dy 0.0, flipped");
    assertThat(Calibration.key("cam", TtaPresets.describe(mine, SIZE)))
        .isEqualTo("tta-cam[angle 5.0°, dx 3.0, dy 0.0, flipped]");
    assertThat(Calibration.key("cam", null)).isEqualTo("cam");
  }
}
