package io.camkit.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LossTest {
  @Test
  void binaryCrossEntropyByHandAndStableForLargeLogits() {
    try (NDManager m = NDManager.newBaseManager()) {
      // z = 0, y = 1: log 2 ; z = 2, y = 0: 2 + log(1 + e^-2) ; mean of the two.
      var z = m.create(new float[] {0f, 2f}, new Shape(1, 2));
      var y = m.create(new float[] {1f, 0f}, new Shape(1, 2));
      double expected = (Math.log(2) + 2 + Math.log(1 + Math.exp(-2))) / 2;
      assertThat(TrainingStep.binaryCrossEntropy(z, y).getFloat()).isCloseTo((float) expected, within(1e-6f));
      // A naive log(sigmoid(z)) would give -inf at z = -100 with y = 1; the stable form gives 100.
      var big = m.create(new float[] {-100f}, new Shape(1, 1));
      assertThat(TrainingStep.binaryCrossEntropy(big, m.create(new float[] {1f}, new Shape(1, 1))).getFloat())
          .isCloseTo(100f, within(1e-3f));
    }
  }

  @Test
  void crossEntropyByHand() {
    try (NDManager m = NDManager.newBaseManager()) {
      // logits (0, ln 3), label 1: -log(3 / 4)
      var z = m.create(new float[] {0f, (float) Math.log(3)}, new Shape(1, 2));
      var y = m.create(new long[] {1});
      assertThat(CamNetTrainer.crossEntropy(z, y).getFloat()).isCloseTo((float) -Math.log(0.75), within(1e-6f));
    }
  }
}
