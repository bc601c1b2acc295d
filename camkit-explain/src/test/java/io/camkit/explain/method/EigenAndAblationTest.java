package io.camkit.explain.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.explain.target.TargetSelector;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Eigen-CAM, EigenGrad-CAM and Ablation-CAM by hand (the reference agreement is in ReferenceAgreementTest). */
class EigenAndAblationTest {
  static final float[][] W = CamFamilyTest.W;
  static final float[] X = CamFamilyTest.X;
  LinearGapModel model;
  NDManager scope;

  @BeforeEach
  void setUp() {
    model = new LinearGapModel(W, 2, true);
    scope = NDManager.newBaseManager("PyTorch");
  }

  @AfterEach
  void tearDown() {
    scope.close();
    model.close();
  }

  /** The 2×2 input of CamFamilyTest, shifted by {@code shift}: A = x, K = 3. */
  NDArray input(float shift) {
    float[] v = X.clone();
    for (int i = 0; i < v.length; i++) {
      v[i] = v[i] / 4f + shift;
    }
    return scope.create(v, new Shape(1, 3, 2, 2));
  }

  @Test
  void aRankOneFeatureMapProjectsToItsSpatialPatternWithTheSignOfTheChannelSum() {
    // X_k(p) = a_k b(p) + c_k: centring removes c, R = b̃ aᵀ, so p = ±|a| (b − mean b)
    float[] b = {0, 1, 3, 0, 2, 5};
    float[] c = {3, -1, 0.25f};
    for (float[] a : List.of(new float[] {1, 2, -0.5f}, new float[] {-1, -2, 0.5f})) {
      float[] x = new float[3 * 6];
      for (int k = 0; k < 3; k++) {
        for (int p = 0; p < 6; p++) {
          x[k * 6 + p] = a[k] * b[p] + c[k];
        }
      }
      double norm = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
      double sumA = a[0] + a[1] + a[2]; // Σ_k X_k = (Σa) b + Σc: the map follows b where Σa > 0
      float[] expected = new float[6];
      for (int p = 0; p < 6; p++) {
        expected[p] = (float) (Math.signum(sumA) * norm * (b[p] - 11.0 / 6));
      }
      assertThat(PrincipalProjection.of(x, 3, 6)).containsExactly(expected, within(1e-5f));
    }
  }

  @Test
  void aRankThreeMapMatchesNumpysSvdWithCamkitsSign() {
    // numpy 2.4: R = X.T − mean; U, S, VT = np.linalg.svd(R); p = R @ VT[0], sign flipped to correlate
    // positively with X.sum(0); S = [3.593, 2.602, 1.577]
    float[] x = {1, 2, 3, 4, 0, 1, 0, 1, 0, 1, 2, 2, 2, 0, 0, 2, 1, 3};
    float[] numpy = {-0.5900857f, 0.6547757f, 1.8705987f, 1.5735674f, -1.7913893f, -1.7174667f};
    assertThat(PrincipalProjection.of(x, 3, 6)).containsExactly(numpy, within(1e-5f));
    // more channels than positions (the [P, P] Gram path; the case above takes the [K, K] one):
    // the same 18 numbers read as K = 6 channels over 3 positions; numpy S = [3.658, 1.814, 0]
    assertThat(PrincipalProjection.of(x, 6, 3)).containsExactly(new float[] {2.954985f, -1.8514434f, -1.1035415f},
        within(1e-5f));
    assertThat(PrincipalProjection.of(new float[12], 3, 4)).containsOnly(0f); // constant features: no component
  }

  @Test
  void eigenCamIsTheSameForEveryClassAndEigenGradCamWeighsByTheGradient() {
    NDArray x = input(0);
    List<ClassMap> maps = new EigenCam().explain(model, scope, x, "input", TargetSelector.topK(2));
    assertThat(maps.get(0).raw().values()).containsExactly(maps.get(1).raw().values());
    assertThat(maps.get(0).raw().values())
        .containsExactly(PrincipalProjection.of(x.toFloatArray(), 3, 4), within(1e-6f));
    // G = W[c]/4 per channel (GAP over 4 positions): G ⊙ A scales channel k by W[c,k]/4
    float[] weighted = x.toFloatArray();
    for (int k = 0; k < 3; k++) {
      for (int p = 0; p < 4; p++) {
        weighted[k * 4 + p] *= W[1][k] / 4f;
      }
    }
    ClassMap g = new EigenGradCam().explain(model, scope, x, "input", TargetSelector.classIndex(1)).get(0);
    assertThat(g.raw().values()).containsExactly(PrincipalProjection.of(weighted, 3, 4), within(1e-6f));
  }

  @Test
  void ablationCamWeighsEachChannelByTheRelativeDropOfTheScore() {
    // ReLU-like input (min 0): ablating k zeroes it, s_k = s − W[c,k]·mean(A_k), w_k = W[c,k]·mean(A_k) / s.
    // class 0: means 0.625, 0.125, 0.25; s = 0.625 − 0.25 + 0.125 + 0.5 (bias) = 1
    float[] w = {0.625f, -0.25f, 0.125f};
    checkAblation(input(0), 0, w);
    // min < 0: the ablated channel becomes min − 10⁷ everywhere, s_k = s − W_k (mean(A_k) − (min − 10⁷))
    float shift = -0.5f;
    double[] means = {0.625 + shift, 0.125 + shift, 0.25 + shift};
    double s = 0.5;
    for (int k = 0; k < 3; k++) {
      s += W[0][k] * means[k];
    }
    double value = shift - 1e7; // the input's min is 0 + shift
    float[] w2 = new float[3];
    for (int k = 0; k < 3; k++) {
      w2[k] = (float) (W[0][k] * (means[k] - value) / s);
    }
    checkAblation(input(shift), 0, w2);
  }

  @Test
  void scoreCamUpsamplesWithAlignedCornersLikePytorchGradCam() {
    // 3 → 5 with aligned corners: outputs read inputs 0, 0.5, 1, 1.5, 2
    assertThat(ScoreCam.alignedWeights(5, 3)).containsExactly(
        1, 0, 0,
        0.5f, 0.5f, 0,
        0, 1, 0,
        0, 0.5f, 0.5f,
        0, 0, 1);
    assertThat(ScoreCam.alignedWeights(2, 1)).containsExactly(1, 1);
  }

  private void checkAblation(NDArray x, int cls, float[] weights) {
    float[] a = x.toFloatArray();
    float[] expected = new float[4];
    for (int k = 0; k < 3; k++) {
      for (int p = 0; p < 4; p++) {
        expected[p] += weights[k] * a[k * 4 + p];
      }
    }
    AblationCam m = new AblationCam().ablationBatch(2); // 2 ablated copies per run: 2 runs for 3 channels
    ClassMap map = m.explain(model, scope, x, "input", TargetSelector.classIndex(cls)).get(0);
    float scale = 0;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    assertThat(map.raw().values()).containsExactly(expected, within(1e-5f * Math.max(1, scale)));
  }
}
