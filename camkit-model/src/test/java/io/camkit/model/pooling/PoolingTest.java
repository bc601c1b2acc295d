package io.camkit.model.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolingTest {
  /** One 3×3 map per channel; channel 0 holds 1..9 in raster order, channel 1 holds its negation. */
  private static NDArray oneToNine(NDManager m) {
    float[] v = new float[18];
    for (int i = 0; i < 9; i++) {
      v[i] = i + 1;
      v[9 + i] = -(i + 1);
    }
    return m.create(v, new Shape(1, 2, 3, 3));
  }

  @Test
  void forwardValuesByHand() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray z = oneToNine(m);
      assertThat(new GlobalAveragePooling().apply(z).toFloatArray()).containsExactly(5f, -5f);
      assertThat(new GlobalMaxPooling().apply(z).toFloatArray()).containsExactly(9f, -1f);
      // WELDON k+=2, k-=1: (9 + 8) / 2 + 1 = 9.5 ; (-1 + -2) / 2 + (-9) = -10.5
      assertThat(new WeldonPooling(2, 1).apply(z).toFloatArray()).containsExactly(9.5f, -10.5f);
      // α = 0.5 on the low term: 8.5 + 0.5 · 1 = 9
      assertThat(new WeldonPooling(RegionCount.of(2), RegionCount.of(1), 0.5).apply(z).toFloatArray()[0]).isEqualTo(9f);
      // k as a fraction: round(0.34 · 9) = 3 highest -> (9 + 8 + 7) / 3 = 8, no low term.
      assertThat(new WeldonPooling(RegionCount.fraction(0.34), RegionCount.of(0), 1).apply(z).toFloatArray()[0])
          .isEqualTo(8f);
    }
  }

  @Test
  void logSumExpByHandAndItsTwoLimits() {
    try (NDManager m = NDManager.newBaseManager()) {
      // z = (0, ln 3), β = 1: log((1 + 3) / 2) = ln 2.
      NDArray two = m.create(new float[] {0f, (float) Math.log(3)}, new Shape(1, 1, 1, 2));
      assertThat(new LogSumExpPooling(1).apply(two).getFloat(0, 0)).isCloseTo((float) Math.log(2), within(1e-6f));
      NDArray z = oneToNine(m);
      // β → 0 tends to the mean, β → ∞ to the max (and stays finite: the stable form).
      assertThat(new LogSumExpPooling(1e-4).apply(z).toFloatArray()).containsExactly(new float[] {5f, -5f}, within(1e-2f));
      assertThat(new LogSumExpPooling(1e4).apply(z).toFloatArray()).containsExactly(new float[] {9f, -1f}, within(1e-3f));
      assertThat(new LogSumExpPooling(1e6).apply(z.mul(1e3)).toFloatArray()[0]).isCloseTo(9000f, within(0.1f));
    }
  }

  @Test
  void wildcatAveragesTheMapsOfEachClassFirst() {
    try (NDManager m = NDManager.newBaseManager()) {
      // C = 1, M = 2 maps of 1×2: (0, 4) and (2, 0) -> class map (1, 2); k+=1, k-=1, α=0.5 -> 2 + 0.5.
      NDArray z = m.create(new float[] {0, 4, 2, 0}, new Shape(1, 2, 1, 2));
      WildcatPooling w = new WildcatPooling(2, RegionCount.of(1), RegionCount.of(1), 0.5);
      assertThat(w.classMaps(z).toFloatArray()).containsExactly(1f, 2f);
      assertThat(w.apply(z).toFloatArray()).containsExactly(2.5f);
    }
  }

  @Test
  void weldonGradientIsNonZeroExactlyAtTheSelectedRegions() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray z = oneToNine(m).get("0:1, 0:1"); // [1, 1, 3, 3] holding 1..9
      z.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(new WeldonPooling(2, 3).apply(z).sum());
      }
      float[] g = z.getGradient().toFloatArray();
      // Regions 9 and 8 get 1/2, regions 1, 2, 3 get 1/3, the others 0.
      assertThat(g).containsExactly(new float[] {1f / 3, 1f / 3, 1f / 3, 0, 0, 0, 0, 0.5f, 0.5f}, within(1e-6f));
    }
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    List<SpatialPooling> schemes = List.of(new GlobalAveragePooling(), new GlobalMaxPooling(),
        new LogSumExpPooling(0.7), new WeldonPooling(3, 2),
        new WildcatPooling(2, RegionCount.of(2), RegionCount.of(2), 0.7));
    for (SpatialPooling p : schemes) {
      try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
        m.getEngine().setRandomSeed(5);
        // float64 so that central differences with h = 1e-4 are accurate; distinct values keep
        // the top-k selection fixed under the perturbation.
        NDArray z = m.randomUniform(-2, 2, new Shape(2, 4, 3, 4)).toType(DataType.FLOAT64, false);
        NDArray r = m.randomUniform(-1, 1, p.apply(z).getShape()).toType(DataType.FLOAT64, false);
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          gc.backward(p.apply(z).mul(r).sum());
        }
        double[] analytic = z.getGradient().toDoubleArray();
        double[] base = z.toDoubleArray();
        double h = 1e-4;
        for (int i = 0; i < base.length; i += 5) {
          double[] plus = base.clone();
          double[] minus = base.clone();
          plus[i] += h;
          minus[i] -= h;
          double fp = p.apply(m.create(plus, z.getShape())).mul(r).sum().getDouble();
          double fm = p.apply(m.create(minus, z.getShape())).mul(r).sum().getDouble();
          assertThat(analytic[i]).as(p.name() + " region " + i).isCloseTo((fp - fm) / (2 * h), within(1e-6));
        }
      }
    }
  }

  @Test
  void impossibleSettingsNameTheOptionAndTheRange() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray z = oneToNine(m);
      assertThatThrownBy(() -> new WeldonPooling(10, 1).apply(z)).hasMessageContaining("--k-max").hasMessageContaining("0..9");
      assertThatThrownBy(() -> new LogSumExpPooling(0)).hasMessageContaining("--beta");
      assertThatThrownBy(() -> new WildcatPooling(0, RegionCount.of(1), RegionCount.of(1), 1))
          .hasMessageContaining("--maps-per-class");
    }
  }
}
