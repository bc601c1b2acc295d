package io.camkit.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
  @Test
  void patienceCountsEpochsWithoutAnImprovementOfAtLeastMinDelta() {
    var t = new EarlyStopping.Tracker(new EarlyStopping(2, 0.005, 0), 0);
    assertThat(t.record(1, 0.50)).isTrue();
    assertThat(t.stopReason(1, 100, 0)).isNull();
    assertThat(t.record(2, 0.40)).isTrue(); // 0.40 < 0.50 − 0.005
    assertThat(t.record(3, 0.41)).isFalse();
    assertThat(t.stopReason(3, 100, 0)).isNull();
    assertThat(t.record(4, 0.397)).isFalse(); // lower, but not by 0.005: no improvement
    assertThat(t.stopReason(4, 100, 0)).isEqualTo(EarlyStopping.Reason.PATIENCE);
    assertThat(t.bestEpoch()).isEqualTo(2);
    assertThat(t.bestError()).isEqualTo(0.40);
  }

  @Test
  void budgetAndMaxEpochsEndARunThatStillImproves() {
    var t = new EarlyStopping.Tracker(new EarlyStopping(5, 0, 10), 1_000_000_000L);
    t.record(1, 0.3);
    assertThat(t.stopReason(1, 100, 10_999_999_999L)).isNull(); // 9.999… s spent
    assertThat(t.stopReason(1, 100, 11_000_000_000L)).isEqualTo(EarlyStopping.Reason.BUDGET);
    var noBudget = new EarlyStopping.Tracker(new EarlyStopping(5, 0, 0), 0);
    noBudget.record(3, 0.2);
    assertThat(noBudget.stopReason(3, 3, Long.MAX_VALUE)).isEqualTo(EarlyStopping.Reason.MAX_EPOCHS);
  }

  @Test
  void badOptionsAreRefusedByName() {
    assertThatThrownBy(() -> new EarlyStopping(0, 0, 0)).hasMessageContaining("patience");
    assertThatThrownBy(() -> new EarlyStopping(3, -0.1, 0)).hasMessageContaining("min-delta");
    assertThatThrownBy(() -> new EarlyStopping(3, 0, -1)).hasMessageContaining("budget");
  }

  /**
   * Training learns x₀ > 0 ⇒ class 1 while the validation split says the opposite, so the
   * validation error can only grow: epoch 1 is the best, patience 2 stops the run after epoch 3,
   * and the block must end with epoch 1's weights, not epoch 3's.
   */
  @Test
  void theRunEndsWithTheWeightsOfItsBestValidationEpoch() {
    SplittableRandom rng = new SplittableRandom(5);
    List<float[]> xs = new ArrayList<>();
    long[] ys = new long[64];
    long[] flipped = new long[64];
    for (int i = 0; i < 64; i++) {
      float x0 = (float) (rng.nextDouble() * 2 - 1);
      xs.add(new float[] {x0, (float) rng.nextDouble()});
      ys[i] = x0 > 0 ? 1 : 0;
      flipped[i] = 1 - ys[i];
    }
    var train = new ArrayTrainer.Data(new Shape(2), xs, ys);
    var val = new ArrayTrainer.Data(new Shape(2), xs, flipped);
    Block block = Linear.builder().setUnits(2).build();
    Map<Integer, List<float[]>> weightsAfter = new HashMap<>();
    TrainingListener capture = new TrainingListener() {
      @Override
      public void onEpoch(EpochStats s) {
        weightsAfter.put(s.epoch(), weights(block));
      }
    };
    try (NDManager m = NDManager.newBaseManager()) {
      ArrayTrainer.Converged run = ArrayTrainer.fitUntilConverged(block, m, train, val,
          new TrainOptions(50, 8, 0.05f, 0f, 0, false, 0, 3L), new EarlyStopping(2, 0, 0), capture);
      assertThat(run.reason()).isEqualTo(EarlyStopping.Reason.PATIENCE);
      assertThat(run.history()).hasSize(3);
      assertThat(run.bestEpoch()).isEqualTo(1);
      assertThat(run.bestValError()).isEqualTo(1 - run.history().get(0).valAccuracy());
      List<float[]> now = weights(block);
      for (int p = 0; p < now.size(); p++) {
        assertThat(now.get(p)).containsExactly(weightsAfter.get(1).get(p));
      }
      // The test could tell: epoch 3's weights differ from epoch 1's.
      assertThat(weightsAfter.get(3).get(0)).isNotEqualTo(weightsAfter.get(1).get(0));
      assertThat(ArrayTrainer.accuracy(ArrayTrainer.predict(block, m, val), flipped))
          .isEqualTo(run.history().get(0).valAccuracy());
    }
  }

  @Test
  void aRunWithoutAValidationSplitCannotStopEarly() {
    var train = new ArrayTrainer.Data(new Shape(2), List.of(new float[2]), new long[1]);
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> ArrayTrainer.fitUntilConverged(Linear.builder().setUnits(2).build(), m, train,
          ArrayTrainer.Data.empty(new Shape(2)), new TrainOptions(2, 1, 0.01f, 0f, 0, false, 0, 1L),
          new EarlyStopping(1, 0, 0), TrainingListener.NONE)).hasMessageContaining("validation split");
    }
  }

  private static List<float[]> weights(Block block) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }
}
