package io.camkit.explain.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.CamkitException;
import io.camkit.explain.target.Target;
import io.camkit.explain.target.TargetSelector;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every method on a model whose maps can be computed by hand (A = x, y = W·GAP(A) + 0.5). */
class CamFamilyTest {
  // 2 classes over 3 channels
  static final float[][] W = {{1f, -2f, 0.5f}, {-1f, 1f, 3f}};
  // one 2×2 image, channels planar: c0 = [1 2; 3 4], c1 = [0 1; 0 1], c2 = [2 0; 0 2] (/ 4)
  static final float[] X = {1, 2, 3, 4, 0, 1, 0, 1, 2, 0, 0, 2};
  LinearGapModel model;
  NDManager scope;
  NDArray x;

  @BeforeEach
  void setUp() {
    model = new LinearGapModel(W, 2, true);
    scope = NDManager.newBaseManager("PyTorch");
    float[] v = X.clone();
    for (int i = 0; i < v.length; i++) {
      v[i] /= 4f;
    }
    x = scope.create(v, new Shape(1, 3, 2, 2));
  }

  @AfterEach
  void tearDown() {
    scope.close();
    model.close();
  }

  ClassMap one(CamMethod m, int cls) {
    List<ClassMap> maps = m.explain(model, scope, x, "input", TargetSelector.classIndex(cls));
    assertThat(maps).hasSize(1);
    return maps.get(0);
  }

  /** {@code Σ_k W[c,k] x_k(p)}, by hand. */
  static float[] camByHand(int c) {
    float[] m = new float[4];
    for (int p = 0; p < 4; p++) {
      for (int k = 0; k < 3; k++) {
        m[p] += W[c][k] * X[k * 4 + p] / 4f;
      }
    }
    return m;
  }

  @Test
  void camIsTheWeightedSumOfTheMaps() {
    // class 0: 1·c0 − 2·c1 + 0.5·c2 = [2, 0, 3, 3] / 4
    assertThat(camByHand(0)).containsExactly(0.5f, 0f, 0.75f, 0.75f);
    ClassMap m = one(new Cam(), 0);
    assertThat(m.raw().values()).containsExactly(camByHand(0), within(1e-6f));
    assertThat(m.method()).isEqualTo("cam");
    assertThat(m.layer()).isEqualTo("input");
    assertThat(m.classIndex()).isEqualTo(0);
    // score = W·GAP(x) + 0.5 = (2.5·1 − 0.5·2 + 1·0.5) / 4 + 0.5
    assertThat(m.score()).isCloseTo((2.5f - 1f + 0.5f) / 4f + 0.5f, within(1e-6f));
    assertThat(m.resolution()).isEqualTo("2×2");
  }

  @Test
  void forAGapHeadGradCamIsCamOverHwAndXGradAndHiResAgree() {
    for (int c = 0; c < 2; c++) {
      float[] cam = camByHand(c);
      float[] expected = new float[4];
      for (int p = 0; p < 4; p++) {
        expected[p] = cam[p] / 4f; // G = W / (h·w) everywhere
      }
      assertThat(one(new GradCam(), c).raw().values()).containsExactly(expected, within(1e-6f));
      assertThat(one(new HiResCam(), c).raw().values()).containsExactly(expected, within(1e-6f));
      assertThat(one(new XGradCam(), c).raw().values()).containsExactly(expected, within(1e-5f));
    }
  }

  @Test
  void layerCamKeepsOnlyPositiveGradients() {
    // class 0: ReLU(G) = [1, 0, 0.5] / 4 → (c0 + 0.5·c2) / 4
    float[] expected = new float[4];
    for (int p = 0; p < 4; p++) {
      expected[p] = (X[p] + 0.5f * X[8 + p]) / 4f / 4f;
    }
    assertThat(one(new LayerCam(), 0).raw().values()).containsExactly(expected, within(1e-6f));
  }

  @Test
  void gradCamPlusPlusClosedFormByHand() {
    // g = W[0]/4 per channel (constant), A sums: c0 = 10/4, c1 = 2/4, c2 = 4/4
    float[] sumA = {2.5f, 0.5f, 1f};
    float[] expected = new float[4];
    for (int k = 0; k < 3; k++) {
      double g = W[0][k] / 4.0;
      double alpha = g * g / (2 * g * g + sumA[k] * g * g * g + 1e-6);
      double wk = 4 * alpha * Math.max(g, 0); // Σ over the 4 positions
      for (int p = 0; p < 4; p++) {
        expected[p] += (float) (wk * X[k * 4 + p] / 4f);
      }
    }
    assertThat(one(new GradCamPlusPlus(), 0).raw().values()).containsExactly(expected, within(1e-6f));
  }

  @Test
  void smoothGradCamPlusPlusWithoutNoiseIsGradCamPlusPlusAndIsSeeded() {
    float[] plain = one(new GradCamPlusPlus(), 1).raw().values();
    assertThat(one(new SmoothGradCamPlusPlus(3, 0f, 1), 1).raw().values()).containsExactly(plain, within(1e-6f));
    float[] a = one(new SmoothGradCamPlusPlus(4, 0.3f, 7), 1).raw().values();
    float[] b = one(new SmoothGradCamPlusPlus(4, 0.3f, 7), 1).raw().values();
    assertThat(a).containsExactly(b);
    // for this linear model the gradient does not depend on x, so noise changes nothing either
    assertThat(a).containsExactly(plain, within(1e-5f));
  }

  /** {@code s_k = y_c(x ⊙ minmax(x_k))}, by hand: the score of the input masked by each channel. */
  static double[] maskedScoresByHand(int c) {
    double[] s = new double[3];
    for (int k = 0; k < 3; k++) {
      float lo = Float.MAX_VALUE;
      float hi = -Float.MAX_VALUE;
      for (int p = 0; p < 4; p++) {
        lo = Math.min(lo, X[k * 4 + p] / 4f);
        hi = Math.max(hi, X[k * 4 + p] / 4f);
      }
      double y = 0.5;
      for (int j = 0; j < 3; j++) {
        double mean = 0;
        for (int p = 0; p < 4; p++) {
          double mask = (X[k * 4 + p] / 4f - lo) / (hi - lo + 1e-8);
          mean += X[j * 4 + p] / 4f * mask / 4;
        }
        y += W[c][j] * mean;
      }
      s[k] = y;
    }
    return s;
  }

  /** {@code Σ_k softmax_k(s) x_k}. */
  static float[] softmaxWeighted(double[] s) {
    double z = Math.exp(s[0]) + Math.exp(s[1]) + Math.exp(s[2]);
    float[] expected = new float[4];
    for (int k = 0; k < 3; k++) {
      for (int p = 0; p < 4; p++) {
        expected[p] += (float) (Math.exp(s[k]) / z * X[k * 4 + p] / 4f);
      }
    }
    return expected;
  }

  @Test
  void scoreCamWeighsChannelsBySoftmaxOfMaskedScores() {
    float[] expected = softmaxWeighted(maskedScoresByHand(1));
    ClassMap m = one(new ScoreCam().maskBatch(2), 1); // 2 masked inputs per pass: 2 batches for 3 channels
    assertThat(m.raw().values()).containsExactly(expected, within(1e-6f));
  }

  /**
   * Several targets share one set of masked passes: the top-2 classes of a batch of two images cost
   * K passes per image (perturb is called once per pass), not 2K, and each target's map is the
   * hand-computed one of that class. SS-CAM, seeded per image, gives the maps of separate calls.
   */
  @Test
  void scoreCamTargetsShareTheMaskedPasses() {
    int[] passes = {0};
    ScoreCam counting = new ScoreCam() {
      @Override
      protected NDArray perturb(NDManager pass, NDArray masks, int sample) {
        passes[0]++;
        return masks;
      }
    }.maskBatch(1);
    NDArray two = x.concat(x.flip(3), 0); // [2, 3, 2, 2]: the image and its mirror
    List<ClassMap> maps = counting.explain(model, scope, two, "input", TargetSelector.topK(2));
    assertThat(passes[0]).isEqualTo(2 * 3); // two images × K = 3 channels, one mask per pass
    assertThat(maps).hasSize(4); // image-major: image 0's two targets, then image 1's
    for (int i = 0; i < 2; i++) {
      for (int t = 0; t < 2; t++) {
        ClassMap m = maps.get(2 * i + t);
        List<ClassMap> alone = new ScoreCam().explain(model, scope, two.get(i + ":" + (i + 1)), "input",
            TargetSelector.classIndex(m.classIndex()));
        assertThat(m.raw().values()).containsExactly(alone.get(0).raw().values(), within(1e-6f));
      }
    }
    assertThat(maps.get(0).classIndex()).isNotEqualTo(maps.get(1).classIndex());
    float[] byHand = softmaxWeighted(maskedScoresByHand(1));
    ClassMap class1 = maps.get(0).classIndex() == 1 ? maps.get(0) : maps.get(1);
    assertThat(class1.raw().values()).containsExactly(byHand, within(1e-6f));

    SsCam ss = new SsCam();
    List<ClassMap> shared = ss.explain(model, scope, x, "input", TargetSelector.topK(2));
    for (ClassMap m : shared) {
      ClassMap alone = ss.explain(model, scope, x, "input", TargetSelector.classIndex(m.classIndex())).get(0);
      assertThat(m.raw().values()).containsExactly(alone.raw().values(), within(1e-6f));
    }
  }

  /**
   * When a model's channels-last logits disagree with the plain layout (an engine fault seen on an
   * AMD EPYC VM), Score-CAM checks once, then runs that model's passes in NCHW: the maps are those of
   * {@code channelsLast(false)} exactly, and later calls do not check again.
   */
  @Test
  void scoreCamFallsBackToThePlainLayoutWhenChannelsLastDisagrees() {
    int[] checks = {0};
    ScoreCam faulty = new ScoreCam() {
      @Override
      boolean layoutsAgree(float[] channelsLast, float[] plain) {
        checks[0]++;
        return false;
      }
    }.maskBatch(2);
    float[] expected = new ScoreCam().maskBatch(2).channelsLast(false)
        .explain(model, scope, x, "input", TargetSelector.classIndex(1)).get(0).raw().values();
    float[] first = faulty.explain(model, scope, x, "input", TargetSelector.classIndex(1)).get(0).raw().values();
    float[] second = faulty.explain(model, scope, x, "input", TargetSelector.classIndex(0)).get(0).raw().values();
    assertThat(first).containsExactly(expected);
    assertThat(second).containsExactly(
        new ScoreCam().channelsLast(false).explain(model, scope, x, "input", TargetSelector.classIndex(0)).get(0)
            .raw().values());
    assertThat(checks[0]).isEqualTo(1);
    // a model whose layouts agree keeps channels-last, checked once too
    int[] agreed = {0};
    LinearGapModel other = new LinearGapModel(W, 2, true);
    ScoreCam fine = new ScoreCam() {
      @Override
      boolean layoutsAgree(float[] channelsLast, float[] plain) {
        agreed[0]++;
        return super.layoutsAgree(channelsLast, plain);
      }
    };
    fine.explain(other, scope, x, "input", TargetSelector.classIndex(1));
    fine.explain(other, scope, x, "input", TargetSelector.classIndex(1));
    assertThat(agreed[0]).isEqualTo(1);
    other.close();
  }

  /**
   * Score-CAM builds its masked inputs channels-last: the values are exactly those of {@code x ⊙ m}
   * (a 3 × 2 × 5 image and 4 masks, so that a wrong permutation of the axes would move them).
   */
  @Test
  void channelsLastMaskedInputsHoldThePlainProduct() {
    NDArray img = scope.arange(30f).reshape(1, 3, 2, 5);
    NDArray masks = scope.arange(40f).div(40f).reshape(4, 1, 2, 5);
    NDArray hwc = io.camkit.model.ChannelsLast.hwc(img);
    assertThat(hwc.getShape()).isEqualTo(new Shape(1, 2, 5, 3));
    assertThat(hwc.toFloatArray()).startsWith(0f, 10f, 20f, 1f, 11f, 21f); // pixel (0, 0), then (0, 1)
    NDArray cl = ScoreCam.maskedChannelsLast(scope, hwc, masks);
    assertThat(cl.getShape()).isEqualTo(new Shape(4, 3, 2, 5));
    assertThat(cl.toFloatArray()).containsExactly(img.mul(masks).toFloatArray());
  }

  /**
   * A channel that is 0 everywhere masks the input to 0 whatever its index: dead channels share one
   * pass, and the weights equal those of running every channel. Here channel 1 is made dead; the
   * masked scores are then s_0, s(0) = 0.5 (the bias alone) for channel 1, and s_2.
   */
  @Test
  void deadChannelsShareOnePassAndKeepTheirWeight() {
    assertThat(ScoreCam.channelsToRun(new boolean[] {false, true, false, true, true})).containsExactly(0, 1, 2);
    assertThat(ScoreCam.channelsToRun(new boolean[] {true, true})).containsExactly(0);
    float[] v = X.clone();
    for (int i = 0; i < v.length; i++) {
      v[i] = i >= 4 && i < 8 ? 0 : v[i] / 4f;
    }
    NDArray dead = scope.create(v, new Shape(1, 3, 2, 2));
    assertThat(ScoreCam.deadChannels(dead, 3)).containsExactly(false, true, false);
    List<ClassMap> maps = new ScoreCam().maskBatch(1).explain(model, scope, dead, "input", TargetSelector.classIndex(1));
    // by hand: masked scores of channels 0 and 2 as maskedScoresByHand computes them, with x_1 = 0
    double[] s = new double[3];
    for (int k = 0; k < 3; k++) {
      if (k == 1) {
        s[k] = 0.5;
        continue;
      }
      float lo = Float.MAX_VALUE;
      float hi = -Float.MAX_VALUE;
      for (int p = 0; p < 4; p++) {
        lo = Math.min(lo, v[k * 4 + p]);
        hi = Math.max(hi, v[k * 4 + p]);
      }
      double y = 0.5;
      for (int j = 0; j < 3; j++) {
        double mean = 0;
        for (int p = 0; p < 4; p++) {
          mean += v[j * 4 + p] * ((v[k * 4 + p] - lo) / (hi - lo + 1e-8)) / 4;
        }
        y += W[1][j] * mean;
      }
      s[k] = y;
    }
    double z = Math.exp(s[0]) + Math.exp(s[1]) + Math.exp(s[2]);
    float[] expected = new float[4];
    for (int k = 0; k < 3; k++) {
      for (int p = 0; p < 4; p++) {
        expected[p] += (float) (Math.exp(s[k]) / z * v[k * 4 + p]);
      }
    }
    assertThat(maps.get(0).raw().values()).containsExactly(expected, within(1e-6f));
  }

  /**
   * IS-CAM on a linear model: {@code s(c · x ⊙ M_k) = c · (s_k − 0.5) + 0.5}, so the mean over the
   * path is {@code mean(c) · (s_k − 0.5) + 0.5}, with {@code c = 1/4, 3/4, 6/4, 10/4} for n = 4
   * (mean 1.25 = (n + 1)(n + 2) / 6n); the constant cancels in the softmax.
   */
  @Test
  void isCamIntegratesTheMaskedScoresAlongGrowingMasks() {
    assertThat(IsCam.coefficient(0, 4)).isEqualTo(0.25f);
    assertThat(IsCam.coefficient(3, 4)).isEqualTo(2.5f);
    double[] s = maskedScoresByHand(1);
    for (int k = 0; k < 3; k++) {
      s[k] = 1.25 * (s[k] - 0.5);
    }
    ClassMap m = one(new IsCam(4).maskBatch(2), 1);
    assertThat(m.raw().values()).containsExactly(softmaxWeighted(s), within(1e-6f));
  }

  /** SS-CAM: without noise it is Score-CAM; with noise, seeded (same seed, same map) and different. */
  @Test
  void ssCamAveragesNoisyMasksAndIsSeeded() {
    float[] plain = one(new ScoreCam(), 0).raw().values();
    assertThat(one(new SsCam(3, 0f, 1), 0).raw().values()).containsExactly(plain, within(1e-6f));
    float[] a = one(new SsCam(5, 2f, 7), 0).raw().values();
    assertThat(one(new SsCam(5, 2f, 7), 0).raw().values()).containsExactly(a);
    assertThat(one(new SsCam(5, 2f, 8), 0).raw().values()).isNotEqualTo(a);
    assertThat(a).isNotEqualTo(plain);
    assertThatThrownBy(() -> new SsCam(0, 1f, 0)).hasMessageContaining("samples");
    assertThatThrownBy(() -> new IsCam(0)).hasMessageContaining("samples");
  }

  @Test
  void theInputIsLeftUnchangedAndMapsAreFinite() {
    float[] before = x.toFloatArray();
    for (CamMethod m : List.of(new Cam(), new GradCam(), new GradCamPlusPlus(), new ScoreCam(), new XGradCam(),
        new LayerCam(), new HiResCam(), new SmoothGradCamPlusPlus())) {
      ClassMap cm = one(m, 0);
      assertThat(cm.raw().isFinite()).as(m.name()).isTrue();
      for (float v : cm.upsampled().values()) {
        assertThat(v).as(m.name()).isBetween(0f, 1f);
      }
    }
    assertThat(x.toFloatArray()).containsExactly(before);
  }

  @Test
  void topTwoGivesTwoMapsPerImageBestFirst() {
    // scores: class 0 = 1.0, class 1 = (−2.5 + 0.5 + 3) / 4 + 0.5 = 0.75
    List<ClassMap> maps = new GradCam().explain(model, scope, x, "input", TargetSelector.topK(2));
    assertThat(maps).extracting(ClassMap::classIndex).containsExactly(0, 1);
    assertThat(maps.get(0).score()).isGreaterThan(maps.get(1).score());
  }

  @Test
  void aTargetFunctionIsDifferentiatedAsGiven() {
    // s = y0 + y1: the gradient is (W0 + W1) / 4 = [0, −1, 3.5] / 4
    Target sum = y -> y.sum(new int[] {1});
    ClassMap m = new GradCam().explain(model, scope, x, "input", TargetSelector.of(sum)).get(0);
    float[] expected = new float[4];
    for (int p = 0; p < 4; p++) {
      expected[p] = (-1f * X[4 + p] + 3.5f * X[8 + p]) / 4f / 4f;
    }
    assertThat(m.raw().values()).containsExactly(expected, within(1e-6f));
    assertThat(m.classIndex()).isEqualTo(-1);
    assertThatThrownBy(() -> new Cam().explain(model, scope, x, "input", TargetSelector.of(sum)))
        .isInstanceOf(CamkitException.class).hasMessageContaining("one class per image");
  }

  @Test
  void badRequestsAreClearErrors() {
    assertThatThrownBy(() -> new GradCam().explain(model, scope, x, "conv9", TargetSelector.predicted()))
        .isInstanceOf(CamkitException.class).hasMessage("no layer named 'conv9'; valid layers: input");
    assertThatThrownBy(() -> new GradCam().explain(model, scope, x, "input", TargetSelector.classIndex(2)))
        .isInstanceOf(CamkitException.class)
        .hasMessage("class index 2 is out of range: the model has 2 classes (0..1)");
    try (LinearGapModel forwardOnly = new LinearGapModel(W, 2, false)) {
      assertThatThrownBy(() -> new GradCam().explain(forwardOnly, scope, x, "input", TargetSelector.predicted()))
          .isInstanceOf(CamkitException.class)
          .hasMessageContaining("gradcam needs gradients").hasMessageContaining("use cam or scorecam");
      // gradient-free methods work there
      assertThat(new ScoreCam().explain(forwardOnly, scope, x, "input", TargetSelector.predicted())).hasSize(1);
    }
    assertThatThrownBy(() -> TargetSelector.topK(0)).hasMessageContaining("--top-k = 0");
    assertThatThrownBy(() -> new SmoothGradCamPlusPlus(0, 0.1f, 1)).hasMessageContaining("--samples = 0");
  }

  @Test
  void anAllZeroOrNanImageGivesZerosNotNan() {
    NDArray zeros = scope.zeros(new Shape(1, 3, 2, 2));
    for (CamMethod m : List.of(new Cam(), new GradCam(), new GradCamPlusPlus(), new ScoreCam(), new XGradCam())) {
      ClassMap cm = m.explain(model, scope, zeros, "input", TargetSelector.classIndex(0)).get(0);
      assertThat(cm.isDegenerate()).as(m.name()).isTrue();
      assertThat(cm.upsampled().values()).as(m.name()).containsOnly(0f);
    }
    NDArray nan = scope.create(new float[] {Float.NaN, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, new Shape(1, 3, 2, 2));
    ClassMap cm = new Cam().explain(model, scope, nan, "input", TargetSelector.classIndex(0)).get(0);
    assertThat(cm.isDegenerate()).isTrue();
    assertThat(cm.normalized().values()).containsOnly(0f);
  }
}
