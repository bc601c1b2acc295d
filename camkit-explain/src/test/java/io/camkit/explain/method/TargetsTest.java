package io.camkit.explain.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.CamkitException;
import io.camkit.core.Mask;
import io.camkit.explain.target.OutputTarget;
import io.camkit.explain.target.SegmentationTarget;
import io.camkit.explain.target.TargetSelector;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.HeadOptions;
import io.camkit.model.layers.CamModelLayers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Targets beyond one class: a region of a class's maps, and a raw output. */
class TargetsTest {

  static Mask topLeftQuarter(int side) {
    boolean[] bits = new boolean[side * side];
    for (int y = 0; y < side / 2; y++) {
      for (int x = 0; x < side / 2; x++) {
        bits[y * side + x] = true;
      }
    }
    return new Mask(side, side, bits);
  }

  @Test
  void aSegmentationTargetSumsItsClassOverTheRegionResampledToTheMaps() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      // [1, 2, 2, 2]: class 1 holds 5 6 / 7 8; the 4×4 region's top-left quarter is the maps' cell (0, 0)
      NDArray maps = m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(1, 2, 2, 2));
      assertThat(new SegmentationTarget(1, topLeftQuarter(4)).scoreMaps(maps).toFloatArray()).containsExactly(5f);
      assertThat(new SegmentationTarget(0, new Mask(2, 2, new boolean[] {false, true, true, true})).scoreMaps(maps)
          .toFloatArray()).containsExactly(9f);
      assertThatThrownBy(() -> new SegmentationTarget(2, topLeftQuarter(4)).scoreMaps(maps))
          .isInstanceOf(CamkitException.class).hasMessageContaining("out of range");
      assertThatThrownBy(() -> new SegmentationTarget(0, Mask.empty(4, 4)))
          .hasMessageContaining("the target region is empty");
      assertThat(new OutputTarget(1).score(m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2))).toFloatArray())
          .containsExactly(2f, 4f);
      assertThat(new OutputTarget(1).classOf(0)).isEqualTo(-1);
    }
  }

  /**
   * A class-map head is a 1×1 convolution, {@code M_c = Σ_k W_ck A_k + b_c}, so for the target
   * {@code Σ_{p ∈ R} M_c(p)} the gradient at the last layer is {@code W_ck · [p ∈ R]}: Grad-CAM's
   * weights are {@code W_ck · |R| / hw} and its map is {@code |R|/hw · (M_c − b_c)}, with {@code b_c}
   * the maps of all-zero activations.
   */
  @Test
  void gradCamOfARegionOnAClassMapHeadIsTheScaledClassMap() {
    Engine.getEngine("PyTorch").setRandomSeed(4);
    HeadOptions lse = new HeadOptions("lse", 1, 0, 0, 5, 1);
    try (CamModel model = CamModel.create(new CamNetOptions(32, 3, 4, 8, 0.5f, 0.25f, lse), List.of("a", "b", "c"));
        NDManager scope = NDManager.newBaseManager("PyTorch")) {
      CamModelLayers l = new CamModelLayers(model);
      String layer = l.defaultLayer();
      NDArray x = scope.randomUniform(0, 1, new Shape(1, 3, 32, 32));
      NDArray a = l.features(scope, x, layer);
      NDArray maps = l.headMaps(scope, a, layer).orElseThrow(); // [1, 3, 8, 8]
      NDArray bias = l.headMaps(scope, a.zerosLike(), layer).orElseThrow();
      float[] expected = maps.sub(bias).get(":, 2").mul(16f / 64f).toFloatArray();
      List<ClassMap> got = new GradCam().explain(l, scope, x, layer,
          TargetSelector.of(new SegmentationTarget(2, topLeftQuarter(8))));
      assertThat(got.get(0).classIndex()).isEqualTo(2);
      assertThat(got.get(0).raw().values()).containsExactly(expected, within(1e-4f));
      // Score-CAM and Ablation-CAM score the region too; the GAP head has no maps and says so
      assertThat(new ScoreCam().explain(l, scope, x, layer, TargetSelector.of(new SegmentationTarget(2,
          topLeftQuarter(8)))).get(0).raw().isFinite()).isTrue();
    }
    try (CamModel gap = CamModelLayersTest.model(); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      CamModelLayers l = new CamModelLayers(gap);
      NDArray x = scope.randomUniform(0, 1, new Shape(1, 3, 32, 32));
      assertThatThrownBy(() -> new GradCam().explain(l, scope, x, l.defaultLayer(),
          TargetSelector.of(new SegmentationTarget(0, topLeftQuarter(8)))))
          .isInstanceOf(CamkitException.class).hasMessageContaining("a segmentation target needs the model's class maps");
    }
  }
}
