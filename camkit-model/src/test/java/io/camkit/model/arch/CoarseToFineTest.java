package io.camkit.model.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LayerSpec.CoarseToFine}: nearest ×2 upsampling and the concatenation, by hand. */
class CoarseToFineTest {

  @Test
  void upsamplingRepeatsEachCellOver2By2AndAnOddEdgeOnceMore() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray c = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
      float[] even = LayerSpec.CoarseToFine.upsample2(c, 4, 4).toFloatArray();
      assertThat(even).containsExactly(
          1, 1, 2, 2,
          1, 1, 2, 2,
          3, 3, 4, 4,
          3, 3, 4, 4);
      NDArray odd = LayerSpec.CoarseToFine.upsample2(c, 5, 4);
      assertThat(odd.getShape()).isEqualTo(new Shape(1, 1, 5, 4));
      assertThat(odd.get("0, 0, 4, :").toFloatArray()).containsExactly(3, 3, 4, 4); // the last row again
    }
  }

  @Test
  void theBlockConcatenatesTheUpsampledCoarseBranchBeforeTheInput() {
    // Coarse branch = a 2×2 max pool only: y = concat(up₂(maxpool₂(x)), x).
    LayerSpec.CoarseToFine f = new LayerSpec.CoarseToFine(List.of(new LayerSpec.MaxPool(2)));
    try (NDManager m = NDManager.newBaseManager()) {
      Block b = f.block();
      Shape in = new Shape(1, 1, 3, 4);
      b.initialize(m, DataType.FLOAT32, in);
      NDArray x = m.create(new float[] {
          1, 5, 2, 0,
          3, 4, 9, 8,
          7, 6, 1, 2}, in);
      NDArray y = b.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
      assertThat(y.getShape()).isEqualTo(new Shape(1, 2, 3, 4));
      assertThat(b.getOutputShapes(new Shape[] {in})[0]).isEqualTo(new Shape(1, 2, 3, 4));
      // max pool of the top 2×4: [5, 9]; its ×2 copy fills rows 0–1 and, repeated, the odd row 2.
      assertThat(y.get("0, 0").toFloatArray()).containsExactly(
          5, 5, 9, 9,
          5, 5, 9, 9,
          5, 5, 9, 9);
      assertThat(y.get("0, 1").toFloatArray()).containsExactly(x.toFloatArray());
      assertThat(f.channels(1)).isEqualTo(2);
    }
  }

  @Test
  void aCoarseBranchMustStartWithA2By2Pool() {
    assertThatThrownBy(() -> new LayerSpec.CoarseToFine(List.of(LayerSpec.Conv.same(3, 1, 4))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2×2 max pool");
  }
}
