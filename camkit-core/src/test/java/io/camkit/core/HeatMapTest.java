package io.camkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class HeatMapTest {
  @Test
  void bilinearUpsamplingMatchesPyTorchAlignCornersFalse() {
    // F.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), size=(4, 4), mode="bilinear",
    // align_corners=False) gives, row by row (hand-computed from the half-pixel rule):
    float[] expected = {
      0.00f, 0.25f, 0.75f, 1.00f,
      0.50f, 0.75f, 1.25f, 1.50f,
      1.50f, 1.75f, 2.25f, 2.50f,
      2.00f, 2.25f, 2.75f, 3.00f
    };
    HeatMap up = new HeatMap(2, 2, new float[] {0, 1, 2, 3}).resize(4, 4);
    assertThat(up.values()).containsExactly(expected, within(1e-6f));
  }

  @Test
  void normalisationIsMinMaxWithEpsilon() {
    HeatMap n = new HeatMap(3, 1, new float[] {-1, 0, 3}).normalized();
    assertThat(n.values()).containsExactly(new float[] {0f, 0.25f, 1f}, within(1e-6f));
  }

  @Test
  void constantAndNonFiniteMapsNormaliseToZeros() {
    assertThat(new HeatMap(2, 1, new float[] {5, 5}).normalized().values()).containsExactly(0f, 0f);
    HeatMap nan = new HeatMap(2, 1, new float[] {Float.NaN, 1});
    assertThat(nan.isFinite()).isFalse();
    assertThat(nan.normalized().values()).containsExactly(0f, 0f);
  }

  @Property
  void upsamplingKeepsValuesWithinTheSourceRange(@ForAll @Size(16) float[] raw) {
    for (int i = 0; i < raw.length; i++) {
      if (!Float.isFinite(raw[i])) {
        raw[i] = 0;
      }
      raw[i] = Math.max(-1e6f, Math.min(1e6f, raw[i]));
    }
    HeatMap m = new HeatMap(4, 4, raw);
    HeatMap up = m.resize(13, 9);
    assertThat(up.max()).isLessThanOrEqualTo(m.max());
    assertThat(up.min()).isGreaterThanOrEqualTo(m.min());
  }

  @Property
  void normalisedMapsLieInUnitInterval(@ForAll @Size(9) float[] raw) {
    HeatMap n = new HeatMap(3, 3, raw).normalized();
    for (float v : n.values()) {
      assertThat(v).isBetween(0f, 1f);
    }
  }
}
