package io.camkit.explain.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.camkit.core.CamkitException;
import io.camkit.core.HeatMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Multi-layer fusion by hand, on maps whose resize is exact. */
class LayerFusionTest {
  /** A 2×2 map of a 2×2 input: no resize; ψ(m) = (relu(m) − min) / (max − min). */
  static ClassMap map(float... v) {
    return new ClassMap("gradcam", "l", 3, 1f, 0.5f, new HeatMap(2, 2, v), 2, 2);
  }

  @Test
  void meanAndMaxOfTheNormalisedMaps() {
    // ψ([−1, 0, 1, 3]) = [0, 0, 1/3, 1];  ψ([2, 4, 0, 2]) = [0.5, 1, 0, 0.5]
    List<List<ClassMap>> perLayer = List.of(List.of(map(-1, 0, 1, 3)), List.of(map(2, 4, 0, 2)));
    ClassMap mean = LayerFusion.MEAN.fuse(perLayer, "a,b").get(0);
    assertThat(mean.raw().values()).containsExactly(new float[] {0.25f, 0.5f, 1 / 6f, 0.75f}, within(1e-6f));
    assertThat(mean.layer()).isEqualTo("a,b");
    assertThat(mean.classIndex()).isEqualTo(3);
    ClassMap max = LayerFusion.MAX.fuse(perLayer, "a,b").get(0);
    assertThat(max.raw().values()).containsExactly(new float[] {0.5f, 1f, 1 / 3f, 1f}, within(1e-6f));
  }

  /** A 1×1 map resized to 2×2 is constant; ψ of a positive constant map is 0 (max − min = 0). */
  @Test
  void coarseLayersAreResizedToTheInput() {
    ClassMap coarse = new ClassMap("gradcam", "l", 3, 1f, 0.5f, new HeatMap(1, 1, new float[] {2}), 2, 2);
    ClassMap fused = LayerFusion.MEAN.fuse(List.of(List.of(coarse), List.of(map(0, 1, 2, 4))), "a,b").get(0);
    assertThat(fused.raw().width()).isEqualTo(2);
    assertThat(fused.raw().values()).containsExactly(new float[] {0f, 0.125f, 0.25f, 0.5f}, within(1e-6f));
  }

  @Test
  void unknownFusionIsAClearError() {
    assertThat(LayerFusion.parse(" Max ")).isEqualTo(LayerFusion.MAX);
    assertThatThrownBy(() -> LayerFusion.parse("median")).isInstanceOf(CamkitException.class)
        .hasMessage("unknown layer fusion 'median'; choose mean or max");
  }
}
