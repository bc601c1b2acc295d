package io.camkit.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.camkit.core.CamkitException;
import io.camkit.dataset.Dataset;
import io.camkit.model.train.CamNetTrainer;
import io.camkit.model.train.EpochStats;
import io.camkit.model.train.TrainOptions;
import io.camkit.model.train.TrainingListener;
import io.camkit.model.wsol.WsolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The WSOL methods inside training: seeded and exactly resumable, saved and reloaded, validated. */
class WsolTrainingTest {
  static final TrainOptions OPTS = new TrainOptions(2, 16, 2e-3f, 1e-4f, 2, true, 2, 11L);
  // 32 images: 2 steps of 16 per epoch are enough to show a resumed run is exact
  static final Dataset TRAIN = CamNetTrainerTest.TRAIN.head(32);
  static final Dataset VAL = CamNetTrainerTest.VAL.head(8);

  @TempDir Path tmp;

  private static CamNetOptions net(String method) {
    // 8-pixel HaS patches on 32-pixel images; every batch mixed by CutMix; ADL drops half the steps.
    return CamNetOptions.defaults(32, 6).withWsol(
        new WsolOptions(method, 8, 0.5, 0.9, 0.5, 0.7, 1.0, 1.0));
  }

  private static float[] train(CamNetOptions net, Path ckpt, TrainingListener listener) throws Exception {
    try (CamModel m = CamNetTrainer.newModel(net, TRAIN.classes(), OPTS.seed())) {
      new CamNetTrainer(OPTS, listener).fit(m, TRAIN, VAL, Optional.of(ckpt));
      return m.net().classWeights().toFloatArray();
    }
  }

  private static float[] plain;

  private synchronized float[] plainCam() throws Exception {
    if (plain == null) {
      plain = train(net("cam"), tmp.resolve("cam"), TrainingListener.NONE);
    }
    return plain;
  }

  @ParameterizedTest
  @ValueSource(strings = {"has", "adl", "acol", "cutmix"})
  void resumingAfterAnInterruptionGivesTheSameWeightsAndTheMethodChangesThem(String method) throws Exception {
    float[] whole = train(net(method), tmp.resolve("whole"), TrainingListener.NONE);
    Path ckpt = tmp.resolve("resumed");
    TrainingListener stop = new TrainingListener() {
      @Override
      public void onEpoch(EpochStats s) {
        throw new IllegalStateException("interrupted");
      }
    };
    assertThatThrownBy(() -> train(net(method), ckpt, stop)).hasMessage("interrupted");
    assertThat(Files.exists(ckpt.resolve("checkpoint.json"))).isTrue();
    assertThat(train(net(method), ckpt, TrainingListener.NONE)).containsExactly(whole);
    // Stopped mid-epoch (Ctrl-C after step 3: epoch 2, step 1 of 2): the resumed run replays the
    // epoch's draws (HaS patches, CutMix boxes, ADL's choice) up to there and ends at the same weights.
    Path mid = tmp.resolve("mid");
    long[] steps = {0};
    TrainingListener count = new TrainingListener() {
      @Override
      public void onStep(long step, int epoch, double loss, double accuracy) {
        steps[0] = step;
      }
    };
    try (CamModel m = CamNetTrainer.newModel(net(method), TRAIN.classes(), OPTS.seed())) {
      CamNetTrainer t = new CamNetTrainer(OPTS, count).stopWhen(() -> steps[0] >= 3);
      assertThatThrownBy(() -> t.fit(m, TRAIN, VAL, Optional.of(mid)))
          .isInstanceOf(io.camkit.core.Interruption.Interrupted.class);
    }
    assertThat(io.camkit.model.train.Checkpoint.read(mid).orElseThrow().partial().batches()).isEqualTo(1);
    assertThat(train(net(method), mid, TrainingListener.NONE)).containsExactly(whole);
    // The method acts: plain CAM training from the same seed ends elsewhere.
    assertThat(whole).isNotEqualTo(plainCam());
  }

  @Test
  void acolTrainsTwoBranchesSavesBranchBAndFusesTheirMapsAtInference() throws Exception {
    Path dir = tmp.resolve("acol");
    float[] before;
    try (CamModel m = CamNetTrainer.newModel(net("acol"), TRAIN.classes(), 3L)) {
      new CamNetTrainer(OPTS.withEpochs(1), TrainingListener.NONE).fit(m, TRAIN, VAL, Optional.empty());
      try (NDManager scope = m.manager().newSubManager()) {
        NDArray x = InputBatch.of(scope, TRAIN.samples().subList(0, 4).stream().map(s -> s.image()).toList(),
            m.options());
        PairList<String, Object> p = new PairList<>();
        p.add(CamNet.LABELS, new long[] {0, 1, 2, 3});
        NDList train = m.net().forward(new ParameterStore(scope, false), new NDList(x), true, p);
        assertThat(train).hasSize(2); // branch A's scores, then branch B's
        NDList infer = m.net().forward(new ParameterStore(scope, false), new NDList(x), false, p);
        assertThat(infer).hasSize(1);
        NDArray f = m.net().forwardWithFeatures(new ParameterStore(scope, false), x, false).get(0);
        NDArray fused = m.net().acolFusedMaps(new ParameterStore(scope, false), f);
        assertThat(fused.getShape().getShape()).containsExactly(4, 6, f.getShape().get(2), f.getShape().get(3));
        assertThat(fused.max().getFloat()).isBetween(0.999f, 1.0f); // a max of normalised maps
        assertThat(fused.min().getFloat()).isGreaterThanOrEqualTo(0f);
        // What localize and evaluate read: CAM at the last layer is the fused map, unless the
        // branch-A view is asked for (then the classifier's weights, as for plain CAM).
        try (var view = new io.camkit.model.layers.CamModelLayers(m);
            var branchA = io.camkit.model.layers.CamModelLayers.acolBranchA(m)) {
          String last = view.layers().get(view.layers().size() - 1).name();
          assertThat(view.supportsCam(last)).isTrue();
          assertThat(view.classifierWeights(last)).isEmpty();
          assertThat(view.classMaps(scope, f, last).orElseThrow().toFloatArray())
              .containsExactly(fused.toFloatArray());
          assertThat(view.description()).contains("fused map");
          assertThat(branchA.classifierWeights(last).orElseThrow().toFloatArray())
              .containsExactly(m.net().classWeights().toFloatArray());
          assertThat(branchA.classMaps(scope, f, last)).isEmpty();
        }
      }
      before = branchB(m);
      m.save(dir, new ModelCard("test", "now", "camnet", m.options(), m.classes(), OPTS, null, List.of()));
    }
    try (CamModel m = CamModel.load(dir)) {
      assertThat(m.options().wsol().method()).isEqualTo("acol");
      assertThat(branchB(m))
          .containsExactly(before);
    }
  }

  private static float[] branchB(CamModel m) {
    return m.net().getParameters().stream().filter(p -> p.getKey().endsWith(CamNet.ACOL_BRANCH_B + "_weight"))
        .findFirst().orElseThrow().getValue().getArray().toFloatArray();
  }

  @Test
  void optionsAreValidatedAndOlderCardsReadAsPlainCam() throws Exception {
    assertThatThrownBy(() -> CamNetOptions.defaults(32, 6).withWsol(WsolOptions.none().withMethod("spg")))
        .hasMessageContaining("--wsol = spg");
    assertThatThrownBy(() -> new WsolOptions("has", 8, 1.0, 0.9, 0.5, 0.7, 1, 1)).hasMessageContaining("--has-prob");
    HeadOptions lse = new HeadOptions("lse", 1, 0, 0, 5, 1);
    assertThatThrownBy(() -> new CamNetOptions(32, 6, 8, 16, 0.5f, 0.25f, lse, "camnet",
        WsolOptions.none().withMethod("acol"))).hasMessageContaining("acol only with --pooling gap");
    try (CamModel m = CamNetTrainer.newModel(net("acol"), TRAIN.classes(), 3L)) {
      assertThatThrownBy(() -> new CamNetTrainer(OPTS.withMultiLabel(true), TrainingListener.NONE)
          .fit(m, TRAIN, VAL, Optional.empty())).isInstanceOf(CamkitException.class).hasMessageContaining("single-label");
    }
    // A card's options written before WSOL methods existed (no "wsol" field).
    Path file = tmp.resolve("old.json");
    Files.writeString(file, "{\"imageSize\":32,\"classes\":6,\"width\":8,\"featureMaps\":16,\"mean\":0.5,\"std\":0.25}");
    assertThat(ModelCard.fromJson(file, CamNetOptions.class).wsol()).isEqualTo(WsolOptions.none());
    // and a new one round-trips.
    Files.writeString(file, ModelCard.toJson(net("cutmix")));
    assertThat(ModelCard.fromJson(file, CamNetOptions.class)).isEqualTo(net("cutmix"));
  }
}
