package io.camkit.explain.superres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.camkit.core.HeatMap;
import io.camkit.explain.augment.Augmentation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AugmentedSuperResolutionTest {
  static final int W = 64;
  static final int H = 64;

  /** The sharp "true" map: a bright 14 × 10 rectangle on 0, away from the borders. */
  static float[] truth() {
    float[] t = new float[W * H];
    for (int y = 25; y < 35; y++) {
      for (int x = 22; x < 36; x++) {
        t[y * W + x] = 1;
      }
    }
    return t;
  }

  /** {@code g_l = D A_l(truth)}: what a CNN with area-averaging downsampling would see. */
  static List<float[]> observe(float[] truth, List<Augmentation> augs, int lw, int lh) {
    double[] t = new double[W * H];
    for (int i = 0; i < t.length; i++) {
      t[i] = truth[i];
    }
    AreaDownsampling d = new AreaDownsampling(W, H, lw, lh);
    List<float[]> g = new ArrayList<>();
    double[] warped = new double[W * H];
    double[] low = new double[lw * lh];
    for (Augmentation a : augs) {
      a.forward(W, H).apply(t, warped);
      d.apply(warped, low);
      float[] f = new float[low.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) low[i];
      }
      g.add(f);
    }
    return g;
  }

  static double mse(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s / a.length;
  }

  /** IoU of the regions at or above half of each map's maximum. */
  static double iou(float[] a, float[] b) {
    float ma = Float.NEGATIVE_INFINITY;
    float mb = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < a.length; i++) {
      ma = Math.max(ma, a[i]);
      mb = Math.max(mb, b[i]);
    }
    int inter = 0;
    int union = 0;
    for (int i = 0; i < a.length; i++) {
      boolean x = a[i] >= 0.5f * ma;
      boolean y = b[i] >= 0.5f * mb;
      inter += x && y ? 1 : 0;
      union += x || y ? 1 : 0;
    }
    return (double) inter / union;
  }

  static AugmentedSuperResolution.Result superResolve(
      List<Augmentation> augs, List<float[]> g, int lw, int lh) {
    SuperResolutionOptions o = SuperResolutionOptions.forProblem(augs.size(), lw, lh, W, H);
    return new AugmentedSuperResolution(o).solve(augs, g, lw, lh, W, H);
  }

  /**
   * The point of the method: eight known augmentations, shifted by up to one low-resolution pixel,
   * see the rectangle at different sub-pixel phases, and together recover it better than the
   * bilinear upsampling of the one unaugmented map, and better than super-resolution of that one
   * map alone.
   */
  @Test
  void eightAugmentationsRecoverASharperMapThanOne() {
    for (int lw : new int[] {8, 9}) { // 64 = 8 · 8 exactly, and 64 / 9 not a multiple
      float[] truth = truth();
      List<Augmentation> augs = Augmentation.randomSet(8, 10, 64.0 / lw, 3L);
      List<float[]> g = observe(truth, augs, lw, lw);
      float[] bilinear = new HeatMap(lw, lw, g.get(0)).resize(W, H).values();
      List<float[]> upsampled = g.stream().map(v -> new HeatMap(lw, lw, v).resize(W, H).values()).toList();
      // The solver's start: the test-time-augmentation average; the descent must improve on it.
      float[] average = Augmentation.averageInverted(augs, upsampled, W, H);
      float[] one = superResolve(augs.subList(0, 1), g.subList(0, 1), lw, lw).map();
      float[] eight = superResolve(augs, g, lw, lw).map();

      double mseBilinear = mse(bilinear, truth);
      double mseOne = mse(one, truth);
      double mseEight = mse(eight, truth);
      double mseAverage = mse(average, truth);
      double iouBilinear = iou(bilinear, truth);
      double iouOne = iou(one, truth);
      double iouEight = iou(eight, truth);
      double iouAverage = iou(average, truth);
      String report =
          String.format(
              java.util.Locale.ROOT,
              "64 -> %d: MSE bilinear %.4f, L=1 %.4f, average of 8 %.4f, L=8 %.4f;"
                  + " IoU bilinear %.3f, L=1 %.3f, average of 8 %.3f, L=8 %.3f",
              lw, mseBilinear, mseOne, mseAverage, mseEight, iouBilinear, iouOne, iouAverage,
              iouEight);
      System.out.println(report);
      assertThat(mseEight).as(report).isLessThan(0.6 * mseBilinear).isLessThan(0.6 * mseOne);
      assertThat(iouEight).as(report).isGreaterThan(iouBilinear + 0.1).isGreaterThan(iouOne + 0.1);
      assertThat(iouEight).as(report).isGreaterThan(0.85);
      assertThat(mseEight).as(report).isLessThan(0.8 * mseAverage);
      assertThat(iouEight).as(report).isGreaterThanOrEqualTo(iouAverage);
    }
  }

  @Test
  void objectiveDecreases() {
    List<Augmentation> augs = Augmentation.randomSet(8, 10, 8, 3L);
    List<float[]> g = observe(truth(), augs, 8, 8);
    AugmentedSuperResolution.Result r = superResolve(augs, g, 8, 8);
    double[] e = r.objective();
    assertThat(e).hasSize(101);
    assertThat(e[100]).isLessThan(0.5 * e[0]);
    double firstHalf = 0;
    double secondHalf = 0;
    for (int t = 1; t <= 50; t++) {
      firstHalf += e[t];
      secondHalf += e[t + 50];
    }
    assertThat(secondHalf).isLessThan(firstHalf);
    assertThat(e[r.bestStep()]).isEqualTo(java.util.Arrays.stream(e).min().getAsDouble());
  }

  @Test
  void gradientMatchesFiniteDifferencesOfTheEnergy() {
    // A random h has no tied neighbours, so E is differentiable there and the subgradient is
    // its gradient: ½ Σ ‖D A_l h − g_l‖² + λ TV + (μ/2) ‖h‖², every term switched on.
    int w = 13;
    int h = 10;
    int lw = 4;
    int lh = 3;
    List<Augmentation> augs = Augmentation.randomSet(3, 25, 2, 8L);
    java.util.Random rnd = new java.util.Random(2);
    List<float[]> g = new ArrayList<>();
    for (int l = 0; l < 3; l++) {
      float[] v = new float[lw * lh];
      for (int i = 0; i < v.length; i++) {
        v[i] = rnd.nextFloat();
      }
      g.add(v);
    }
    SuperResolutionOptions o = new SuperResolutionOptions(0.05, 0.3, 1, 1);
    AugmentedSuperResolution.Energy energy =
        new AugmentedSuperResolution.Energy(o, augs, g, lw, lh, w, h);
    double[] x = new double[w * h];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian();
    }
    double[] grad = new double[x.length];
    double e = energy.valueAndSubgradient(x, grad);
    float[] xf = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      xf[i] = (float) x[i];
    }
    // The energy with the separate operators D and A_l agrees with the composed one.
    assertThat(new AugmentedSuperResolution(o).energy(xf, augs, g, lw, lh, w, h))
        .isCloseTo(e, within(1e-5 * e));
    double eps = 1e-6;
    double[] scratch = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double keep = x[i];
      x[i] = keep + eps;
      double plus = energy.valueAndSubgradient(x, scratch);
      x[i] = keep - eps;
      double minus = energy.valueAndSubgradient(x, scratch);
      x[i] = keep;
      assertThat(grad[i]).as("pixel %d", i).isCloseTo((plus - minus) / (2 * eps), within(1e-4));
    }
  }

  @Test
  void reportedObjectiveIsTheEnergyOfTheReturnedMap() {
    // The solver works with the composed D A_l; energy() with the separate operators.
    List<Augmentation> augs = Augmentation.randomSet(4, 20, 5, 11L);
    List<float[]> g = observe(truth(), augs, 9, 7);
    SuperResolutionOptions o = SuperResolutionOptions.forProblem(4, 9, 7, W, H).withSteps(30);
    AugmentedSuperResolution sr = new AugmentedSuperResolution(o);
    AugmentedSuperResolution.Result r = sr.solve(augs, g, 9, 7, W, H);
    double e = sr.energy(r.map(), augs, g, 9, 7, W, H);
    assertThat(e).isCloseTo(r.objective()[r.bestStep()], within(1e-4 * e));
  }

  @Test
  void exactDataAndNoRegularisationFitTheObservations() {
    // λ = μ = 0: the descent drives ½ Σ ‖D A_l h − g_l‖² towards 0.
    List<Augmentation> augs = Augmentation.randomSet(3, 5, 4, 2L);
    List<float[]> g = observe(truth(), augs, 16, 16);
    SuperResolutionOptions o = new SuperResolutionOptions(0, 0, 200, 1);
    AugmentedSuperResolution.Result r = new AugmentedSuperResolution(o).solve(augs, g, 16, 16, W, H);
    assertThat(r.objective()[200]).isLessThan(0.05 * r.objective()[0]);
  }

  @Test
  void heatMapOverloadMatchesArrays() {
    List<Augmentation> augs = Augmentation.randomSet(3, 10, 4, 5L);
    List<float[]> g = observe(truth(), augs, 8, 8);
    List<HeatMap> maps = g.stream().map(v -> new HeatMap(8, 8, v)).toList();
    AugmentedSuperResolution sr = new AugmentedSuperResolution(SuperResolutionOptions.defaults());
    HeatMap m = sr.solve(augs, maps, W, H);
    assertThat(m.width()).isEqualTo(W);
    assertThat(m.isFinite()).isTrue();
    assertThat(m.values()).containsExactly(sr.solve(augs, g, 8, 8, W, H).map());
  }

  @Test
  void mismatchedInputsAreRejected() {
    AugmentedSuperResolution sr = new AugmentedSuperResolution(SuperResolutionOptions.defaults());
    List<Augmentation> two = Augmentation.randomSet(2, 5, 2, 1L);
    assertThatThrownBy(() -> sr.solve(two, List.of(new float[64]), 8, 8, W, H))
        .hasMessageContaining("2 augmentations for 1 maps");
    assertThatThrownBy(() -> sr.solve(two, List.of(new float[64], new float[63]), 8, 8, W, H))
        .hasMessageContaining("low-resolution map 1");
  }
}
