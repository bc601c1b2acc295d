package io.camkit.explain.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import io.camkit.core.CamkitException;
import io.camkit.core.RgbImage;
import io.camkit.explain.target.ClassTarget;
import io.camkit.explain.target.TargetSelector;
import io.camkit.model.CamModel;
import io.camkit.model.layers.BiasTap;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.model.layers.LayerInfo;
import io.camkit.model.layers.LayeredModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** FullGrad by hand, and the bias taps of camkit's own network checked by the full-gradient identity. */
class FullGradTest {

  /**
   * A 2×2 input, one layer {@code y_k = x_k + b_k} (a biased identity, tapped), then {@code s_c =
   * Σ_k v_ck · mean(ReLU(y_k))}. For class 0, {@code ∂s/∂y_k = ∂s/∂x_k = v_k/4 · [y_k > 0]}.
   */
  static final class BiasedIdentity implements LayeredModel {
    static final float[][] X = {{1, 2, -3, 0.5f}, {0.5f, -1, 1, 2}, {1, 1, 1, 1}};
    static final float[] B = {1, -0.75f, 0};
    static final float[] V = {2, -4, 1};

    @Override
    public List<String> classes() {
      return List.of("a", "b");
    }

    @Override
    public List<LayerInfo> layers() {
      return List.of(new LayerInfo("y", "x + b", new long[] {3, 2, 2}));
    }

    @Override
    public int[] inputSize() {
      return new int[] {2, 2};
    }

    @Override
    public NDArray input(NDManager scope, List<RgbImage> images) {
      throw new UnsupportedOperationException();
    }

    @Override
    public NDArray scaled(NDManager scope, float[] chw01, int n) {
      throw new UnsupportedOperationException();
    }

    @Override
    public NDArray logits(NDManager scope, NDArray x) {
      return head(scope, features(scope, x, "y"), "y");
    }

    @Override
    public NDArray features(NDManager scope, NDArray x, String layer) {
      return inputDifferentiableFeatures(scope, x, layer, BiasTap.NONE).stopGradient();
    }

    @Override
    public NDArray inputDifferentiableFeatures(NDManager scope, NDArray x, String layer, BiasTap biases) {
      NDArray b = scope.create(B);
      return biases.tap("y", x.add(b.reshape(1, 3, 1, 1)), b);
    }

    @Override
    public boolean supportsInputGradients() {
      return true;
    }

    @Override
    public boolean seesBiases() {
      return true;
    }

    @Override
    public NDArray head(NDManager scope, NDArray a, String layer) {
      NDArray pooled = a.getNDArrayInternal().relu().reshape(a.getShape().get(0), 3, 4).mean(new int[] {2});
      NDArray v = scope.create(new float[] {V[0], V[1], V[2], -V[0], -V[1], -V[2]}, new Shape(2, 3));
      return pooled.matMul(v.transpose());
    }

    @Override
    public boolean supportsGradients() {
      return true;
    }

    @Override
    public Optional<NDArray> classifierWeights(String layer) {
      return Optional.empty();
    }

    @Override
    public String description() {
      return "a biased identity";
    }

    @Override
    public void close() {}
  }

  /**
   * Input term per channel, {@code |x · v/4 · [y > 0]|} normalised: [0.5, 1, 0, 0.25], [0, 0, 0.5,
   * 1] and a constant channel that normalises to 0; sum [0.5, 1, 0.5, 1.25]. Bias terms {@code
   * |b · v/4 · [y > 0]|} normalised: [1, 1, 0, 1], [0, 0, 1, 1], and zeros for b = 0; sum [1, 1, 1,
   * 2]. Raw map [1.5, 2, 1.5, 3.25]; normalised [0, 0.5/1.75, 0, 1].
   */
  @Test
  void inputAndBiasTermsByHand() {
    try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
      float[] x = new float[12];
      for (int c = 0; c < 3; c++) {
        System.arraycopy(BiasedIdentity.X[c], 0, x, c * 4, 4);
      }
      NDArray in = scope.create(x, new Shape(1, 3, 2, 2));
      List<ClassMap> maps = new FullGrad().explain(new BiasedIdentity(), scope, in, "y", TargetSelector.of(new ClassTarget(0)));
      assertThat(maps).hasSize(1);
      assertThat(maps.get(0).raw().values()).containsExactly(new float[] {1.5f, 2f, 1.5f, 3.25f}, within(1e-5f));
      assertThat(maps.get(0).normalized().values())
          .containsExactly(new float[] {0f, 0.5f / 1.75f, 0f, 1f}, within(1e-5f));
    }
  }

  @Test
  void refusesAModelWithoutInputGradients() {
    LinearGapModel forwardOnly = new LinearGapModel(new float[][] {{1, 0, 0}}, 4, false);
    assertThatThrownBy(() -> new FullGrad().check(forwardOnly, "input"))
        .isInstanceOf(CamkitException.class)
        .hasMessageContaining("fullgrad needs the gradient of the score with respect to the input");
    forwardOnly.close();
  }

  /**
   * camkit's network is piecewise linear (convolution, inference batch norm, ReLU, max pooling,
   * GAP, linear), so its score is exactly its full-gradient decomposition (Srinivas and Fleuret,
   * Eq. 2): {@code s = Σ x ⊙ ∂s/∂x + Σ_l Σ b_l · ∂s/∂y_l + s(A = 0)}, the last term being the
   * head's own bias. This holds only if the taps see every biased layer with its true bias, so
   * batch norms get random statistics first; their taps' biases must also equal {@code β − μ·γ /
   * √(σ² + ε)}.
   */
  @Test
  void camnetTapsEveryBiasedLayerSoTheFullGradientSumsToTheScore() {
    try (CamModel model = CamModelLayersTest.model(); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      CamModelLayers l = new CamModelLayers(model);
      SplittableRandom rng = new SplittableRandom(5);
      List<float[]> bnBiases = new ArrayList<>();
      int[] counts = new int[2];
      visit(model.net().features(), b -> {
        if (b instanceof BatchNorm bn) {
          int k = (int) bn.getParameters().get("gamma").getArray().size();
          float[] gamma = random(rng, k, 0.5, 1.5);
          float[] beta = random(rng, k, -1, 1);
          float[] mean = random(rng, k, -1, 1);
          float[] var = random(rng, k, 0.5, 2);
          bn.getParameters().get("gamma").getArray().set(gamma);
          bn.getParameters().get("beta").getArray().set(beta);
          bn.getParameters().get("runningMean").getArray().set(mean);
          bn.getParameters().get("runningVar").getArray().set(var);
          float[] eff = new float[k];
          for (int i = 0; i < k; i++) {
            eff[i] = (float) (beta[i] - mean[i] * gamma[i] / Math.sqrt(var[i] + 1e-5));
          }
          bnBiases.add(eff);
          counts[1]++;
        } else if (b instanceof Convolution) {
          counts[0]++;
        }
      });
      assertThat(counts[0]).isPositive();
      assertThat(counts[1]).isPositive();
      Engine.getEngine("PyTorch").setRandomSeed(3);
      NDArray x = scope.randomNormal(new Shape(1, 3, 32, 32));
      String layer = l.defaultLayer();
      NDArray leaf = x.duplicate();
      leaf.setRequiresGradient(true);
      List<NDArray[]> taps = new ArrayList<>();
      List<String> names = new ArrayList<>();
      NDArray s;
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray a = l.inputDifferentiableFeatures(scope, leaf, layer, (name, out, bias) -> {
          NDArray z = out.zerosLike();
          z.setRequiresGradient(true);
          taps.add(new NDArray[] {z, bias});
          names.add(name);
          return out.add(z);
        });
        s = new ClassTarget(1).score(l.head(scope, a, layer));
        gc.backward(s.sum());
      }
      assertThat(taps).hasSize(counts[0] + counts[1]);
      double total = leaf.getGradient().mul(x).sum().getFloat();
      int bn = 0;
      for (int i = 0; i < taps.size(); i++) {
        NDArray g = taps.get(i)[0].getGradient();
        NDArray bias = taps.get(i)[1];
        total += g.mul(bias.reshape(1, bias.size(), 1, 1)).sum().getFloat();
        if (isBatchNorm(model, names.get(i))) {
          assertThat(bias.toFloatArray()).as(names.get(i)).containsExactly(bnBiases.get(bn++), within(1e-5f));
        }
      }
      assertThat(bn).isEqualTo(counts[1]);
      NDArray zeros = scope.zeros(new Shape(1, l.layers().get(l.layers().size() - 1).shape()[0],
          l.layers().get(l.layers().size() - 1).shape()[1], l.layers().get(l.layers().size() - 1).shape()[2]));
      total += new ClassTarget(1).score(l.head(scope, zeros, layer)).getFloat();
      assertThat(total).isCloseTo(s.getFloat(), within(1e-3 * Math.max(1, Math.abs(s.getFloat()))));
      NDArray plain = l.features(scope, x, layer);
      assertThat(l.inputDifferentiableFeatures(scope, x, layer, BiasTap.NONE).toFloatArray())
          .containsExactly(plain.toFloatArray(), within(1e-6f));
    }
  }

  @Test
  void camnetMapIsAtTheInputResolutionAndFinite() {
    try (CamModel model = CamModelLayersTest.model(); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      CamModelLayers l = new CamModelLayers(model);
      NDArray x = scope.randomUniform(0, 1, new Shape(2, 3, 32, 32));
      List<ClassMap> maps = new FullGrad().explain(l, scope, x, l.defaultLayer(), TargetSelector.predicted());
      assertThat(maps).hasSize(2);
      for (ClassMap m : maps) {
        assertThat(m.resolution()).isEqualTo("32×32");
        assertThat(m.raw().isFinite()).isTrue();
        assertThat(m.raw().max()).isPositive();
      }
    }
  }

  private static boolean isBatchNorm(CamModel model, String name) {
    Block b = model.net().features();
    for (String part : name.substring("features.".length()).split("\\.")) {
      b = b.getChildren().values().get(Integer.parseInt(part));
    }
    return b instanceof BatchNorm;
  }

  private static void visit(Block b, java.util.function.Consumer<Block> f) {
    if (b instanceof SequentialBlock) {
      b.getChildren().values().forEach(c -> visit(c, f));
    } else {
      f.accept(b);
    }
  }

  private static float[] random(SplittableRandom rng, int n, double lo, double hi) {
    float[] r = new float[n];
    for (int i = 0; i < n; i++) {
      r[i] = (float) rng.nextDouble(lo, hi);
    }
    return r;
  }
}
