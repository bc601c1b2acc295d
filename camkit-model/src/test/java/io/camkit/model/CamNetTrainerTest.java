package io.camkit.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.CamkitException;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Split;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.model.train.CamNetTrainer;
import io.camkit.model.train.EpochStats;
import io.camkit.model.train.TrainOptions;
import io.camkit.model.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CamNetTrainerTest {
  static final ShapesOptions TINY = new ShapesOptions(32, 8, 16, 1, 1, 1, 1, 0.02, 64, 16, 0, 5L);
  static final TrainOptions OPTS = new TrainOptions(3, 16, 2e-3f, 1e-4f, 2, true, 2, 11L);

  @TempDir Path tmp;

  static final Dataset TRAIN = new ShapesGenerator(TINY).generate(Split.TRAIN);
  static final Dataset VAL = new ShapesGenerator(TINY).generate(Split.VAL);

  private static float[] weights(CamModel m) {
    return m.net().classWeights().toFloatArray();
  }

  private static float[] train(Path ckpt, TrainOptions opts, Dataset tr, Dataset va) throws Exception {
    try (CamModel m = CamNetTrainer.newModel(CamNetOptions.defaults(32, 6), tr.classes(), opts.seed())) {
      new CamNetTrainer(opts, TrainingListener.NONE).fit(m, tr, va, Optional.of(ckpt));
      return weights(m);
    }
  }

  @Test
  void sameSeedGivesSameWeightsAndOtherOptionsCannotResume() throws Exception {
    Dataset tr = TRAIN;
    Dataset va = VAL;

    float[] a = train(tmp.resolve("a"), OPTS, tr, va);
    float[] b = train(tmp.resolve("b"), OPTS, tr, va);
    assertThat(b).containsExactly(a);

    // A checkpoint made with other options (here: fewer epochs, so another learning-rate
    // schedule) is refused rather than silently continued.
    train(tmp.resolve("c"), OPTS.withEpochs(1), tr, va);
    assertThatThrownBy(() -> train(tmp.resolve("c"), OPTS, tr, va))
        .isInstanceOf(CamkitException.class)
        .hasMessageContaining("other options");
  }

  @Test
  void resumingAfterAnInterruptionGivesTheSameWeights() throws Exception {
    Dataset tr = TRAIN;
    Dataset va = VAL;
    float[] whole = train(tmp.resolve("whole"), OPTS, tr, va);

    // Stop after epoch 1 by failing in the listener, as a killed process would.
    Path ckpt = tmp.resolve("resumed");
    try (CamModel m = CamNetTrainer.newModel(CamNetOptions.defaults(32, 6), tr.classes(), OPTS.seed())) {
      TrainingListener stopAfterOne =
          new TrainingListener() {
            @Override
            public void onEpoch(EpochStats s) {
              throw new IllegalStateException("interrupted");
            }
          };
      assertThatThrownBy(() -> new CamNetTrainer(OPTS, stopAfterOne).fit(m, tr, va, Optional.of(ckpt)))
          .hasMessage("interrupted");
    }
    assertThat(Files.exists(ckpt.resolve("checkpoint.json"))).isTrue();
    float[] resumed;
    List<EpochStats> history;
    try (CamModel m = CamNetTrainer.newModel(CamNetOptions.defaults(32, 6), tr.classes(), 999L)) {
      history = new CamNetTrainer(OPTS, TrainingListener.NONE).fit(m, tr, va, Optional.of(ckpt));
      resumed = weights(m);
    }
    assertThat(history).hasSize(3);
    assertThat(resumed).containsExactly(whole);
  }

  @Test
  void stoppingMidEpochTwiceThenResumingGivesTheSameWeightsAndCurve() throws Exception {
    // 64 images in batches of 16: 4 steps an epoch, 12 in all.
    float[] whole;
    List<EpochStats> wholeHistory;
    try (CamModel m = CamNetTrainer.newModel(CamNetOptions.defaults(32, 6), TRAIN.classes(), OPTS.seed())) {
      wholeHistory = new CamNetTrainer(OPTS, TrainingListener.NONE).fit(m, TRAIN, VAL, Optional.of(tmp.resolve("w")));
      whole = weights(m);
    }
    Path ckpt = tmp.resolve("stopped");
    // Stop after step 6 (epoch 2, step 2 of 4), then after step 11 (epoch 3, step 3 of 4).
    for (long stopAfter : new long[] {6, 11}) {
      long[] steps = {0};
      TrainingListener count = new TrainingListener() {
        @Override
        public void onStep(long step, int epoch, double loss, double accuracy) {
          steps[0] = step;
        }
      };
      // The first run starts from the seed's weights; the second's initial weights are replaced by the checkpoint's.
      long seed = stopAfter == 6 ? OPTS.seed() : 99L;
      try (CamModel m = CamNetTrainer.newModel(CamNetOptions.defaults(32, 6), TRAIN.classes(), seed)) {
        CamNetTrainer t = new CamNetTrainer(OPTS, count).stopWhen(() -> steps[0] >= stopAfter);
        assertThatThrownBy(() -> t.fit(m, TRAIN, VAL, Optional.of(ckpt)))
            .isInstanceOf(io.camkit.core.Interruption.Interrupted.class)
            .hasMessageContaining("steps of epoch")
            .hasMessageContaining("--resume");
      }
      var cp = io.camkit.model.train.Checkpoint.read(ckpt).orElseThrow();
      assertThat(cp.partial()).isNotNull();
      assertThat(cp.epochsDone() * 4 + cp.partial().batches()).isEqualTo((int) stopAfter);
    }
    float[] resumed;
    List<EpochStats> history;
    try (CamModel m = CamNetTrainer.newModel(CamNetOptions.defaults(32, 6), TRAIN.classes(), 99L)) {
      history = new CamNetTrainer(OPTS, TrainingListener.NONE).fit(m, TRAIN, VAL, Optional.of(ckpt));
      resumed = weights(m);
    }
    assertThat(resumed).containsExactly(whole);
    assertThat(history).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(history.get(i).trainLoss()).isEqualTo(wholeHistory.get(i).trainLoss());
      assertThat(history.get(i).trainAccuracy()).isEqualTo(wholeHistory.get(i).trainAccuracy());
      assertThat(history.get(i).valAccuracy()).isEqualTo(wholeHistory.get(i).valAccuracy());
    }
    assertThat(io.camkit.model.train.Checkpoint.read(ckpt).orElseThrow().partial()).isNull();
  }

  @Test
  void savedModelReloadsToTheSameOutputs() throws Exception {
    Dataset tr = TRAIN;
    Path dir = tmp.resolve("model");
    double[] before;
    try (CamModel m = CamNetTrainer.newModel(CamNetOptions.defaults(32, 6), tr.classes(), 3L)) {
      new CamNetTrainer(OPTS.withEpochs(1), TrainingListener.NONE).fit(m, tr, tr.head(8), Optional.empty());
      before = CamNetTrainer.evaluate(m, tr);
      m.save(dir, new ModelCard("test", "now", "camnet", m.options(), m.classes(), OPTS, DataDescription.of(tr, TINY), List.of()));
    }
    try (CamModel m = CamModel.load(dir)) {
      assertThat(CamNetTrainer.evaluate(m, tr)).containsExactly(before);
    }
    assertThatThrownBy(() -> CamModel.load(tmp.resolve("nothing-here")))
        .isInstanceOf(CamkitException.class)
        .hasMessageContaining("model.json");
  }
}
