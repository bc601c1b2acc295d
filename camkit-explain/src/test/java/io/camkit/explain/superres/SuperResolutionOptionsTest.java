package io.camkit.explain.superres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SuperResolutionOptionsTest {
  @Test
  void defaultsAreTheScaledDefaultsOfEightMapsAtScaleEight() {
    SuperResolutionOptions d = SuperResolutionOptions.defaults();
    SuperResolutionOptions f = SuperResolutionOptions.forProblem(8, 8, 8, 64, 64);
    assertThat(d.lambda()).isCloseTo(f.lambda(), within(1e-15));
    assertThat(d.mu()).isCloseTo(f.mu(), within(1e-15));
    assertThat(d.steps()).isEqualTo(f.steps());
    assertThat(d.stepSize()).isEqualTo(f.stepSize());
  }

  @Test
  void forProblemScalesWithRho() {
    // ρ = L h w / (H W): 4× the maps or a 2× coarser grid along both axes scale λ and μ alike.
    SuperResolutionOptions a = SuperResolutionOptions.forProblem(2, 7, 7, 224, 224);
    SuperResolutionOptions b = SuperResolutionOptions.forProblem(8, 7, 7, 224, 224);
    SuperResolutionOptions c = SuperResolutionOptions.forProblem(2, 14, 14, 224, 224);
    assertThat(b.lambda()).isCloseTo(4 * a.lambda(), within(1e-15));
    assertThat(c.mu()).isCloseTo(4 * a.mu(), within(1e-15));
  }

  @Test
  void stepDecaysAsOneOverSquareRoot() {
    SuperResolutionOptions o = SuperResolutionOptions.defaults().withStepSize(2);
    assertThat(o.stepAt(0, 0.5)).isEqualTo(4.0);
    assertThat(o.stepAt(3, 0.5)).isEqualTo(2.0);
    assertThat(o.stepAt(99, 0.5)).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void badOptionsNameTheOption() {
    assertThatThrownBy(() -> new SuperResolutionOptions(-1, 0, 10, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option --sr-lambda = -1.0 is out of range (allowed: a finite number >= 0)");
    assertThatThrownBy(() -> new SuperResolutionOptions(0, Double.NaN, 10, 1))
        .hasMessageContaining("sr-mu");
    assertThatThrownBy(() -> new SuperResolutionOptions(0, 0, 0, 1))
        .hasMessageContaining("sr-steps");
    assertThatThrownBy(() -> new SuperResolutionOptions(0, 0, 10, 0))
        .hasMessageContaining("sr-step-size");
    assertThatThrownBy(() -> SuperResolutionOptions.defaults().withStepSize(-0.5))
        .hasMessageContaining("sr-step-size");
    assertThatThrownBy(() -> SuperResolutionOptions.forProblem(0, 7, 7, 224, 224))
        .hasMessageContaining("augment-count");
  }
}
