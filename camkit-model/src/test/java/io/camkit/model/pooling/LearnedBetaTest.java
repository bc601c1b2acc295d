package io.camkit.model.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.HeadOptions;
import io.camkit.model.ModelCard;
import io.camkit.model.arch.ClassMapHead;
import io.camkit.model.train.CamNetTrainer;
import io.camkit.model.train.TrainOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LSE pooling with β = exp(ρ) learned with the rest of the head. */
class LearnedBetaTest {
  @TempDir Path tmp;

  static final HeadOptions LEARNED = new HeadOptions("lse", 5, 5, 0.7, 2.5, 1, true);

  @Test
  void tensorBetaEqualsTheFixedOneByHand() {
    try (NDManager m = NDManager.newBaseManager()) {
      // z = (0, ln 3), β = 1: log((1 + 3) / 2) = ln 2, as with a fixed β.
      NDArray two = m.create(new float[] {0f, (float) Math.log(3)}, new Shape(1, 1, 1, 2));
      assertThat(LogSumExpPooling.apply(two, m.create(new float[] {1f})).getFloat(0, 0))
          .isCloseTo((float) Math.log(2), within(1e-6f));
      NDArray z = m.randomUniform(-2, 2, new Shape(2, 3, 4, 4));
      assertThat(LogSumExpPooling.apply(z, m.create(new float[] {0.7f})).toFloatArray())
          .containsExactly(new LogSumExpPooling(0.7).apply(z).toFloatArray(), within(1e-6f));
    }
  }

  @Test
  void gradientWithRespectToBetaMatchesFiniteDifferences() {
    try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      m.getEngine().setRandomSeed(5);
      NDArray z = m.randomUniform(-2, 2, new Shape(2, 4, 3, 4)).toType(DataType.FLOAT64, false);
      NDArray r = m.randomUniform(-1, 1, new Shape(2, 4)).toType(DataType.FLOAT64, false);
      double beta = 1.3;
      NDArray b = m.create(new double[] {beta});
      b.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(LogSumExpPooling.apply(z, b).mul(r).sum());
      }
      double analytic = b.getGradient().toDoubleArray()[0];
      double h = 1e-5;
      double up = LogSumExpPooling.apply(z, m.create(new double[] {beta + h})).mul(r).sum().getDouble();
      double down = LogSumExpPooling.apply(z, m.create(new double[] {beta - h})).mul(r).sum().getDouble();
      assertThat(analytic).isCloseTo((up - down) / (2 * h), within(1e-7)).isNotZero();
    }
  }

  @Test
  void headPoolsWithExpRhoAndItsGradientReachesRho() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(3);
      ClassMapHead head = new ClassMapHead(3, LEARNED);
      NDArray f = m.randomUniform(-1, 1, new Shape(2, 5, 4, 4));
      head.initialize(m, DataType.FLOAT32, f.getShape());
      assertThat(head.learnedBeta()).isCloseTo(2.5, within(1e-6));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray maps = head.rawMaps(ps, f, false);
      assertThat(head.forward(ps, new NDList(f), false).singletonOrThrow().toFloatArray())
          .containsExactly(new LogSumExpPooling(2.5).apply(maps).toFloatArray(), within(1e-5f));
      // dy/dρ = β · dy/dβ: compare with a central difference in β.
      NDArray rho = head.rho().getArray();
      rho.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(head.forward(ps, new NDList(f), true).singletonOrThrow().sum());
      }
      double g = rho.getGradient().getFloat(0);
      double h = 1e-2;
      NDArray mapsD = maps.toType(DataType.FLOAT64, false);
      double up = new LogSumExpPooling(2.5 + h).apply(mapsD).sum().getDouble();
      double down = new LogSumExpPooling(2.5 - h).apply(mapsD).sum().getDouble();
      assertThat(g).isCloseTo(2.5 * (up - down) / (2 * h), within(1e-4)).isNotZero();
    }
  }

  @Test
  void trainingMovesBetaAndTheModelFolderKeepsIt() throws Exception {
    var data = new io.camkit.dataset.shapes.ShapesGenerator(
        new io.camkit.dataset.shapes.ShapesOptions(32, 8, 16, 1, 1, 1, 1, 0.02, 32, 0, 0, 5L))
        .generate(io.camkit.dataset.Split.TRAIN);
    CamNetOptions net = new CamNetOptions(32, 6, 8, 16, 0.5f, 0.25f, LEARNED);
    double learned;
    Path dir = tmp.resolve("m");
    TrainOptions opts = new TrainOptions(2, 16, 1e-2f, 0f, 0, false, 0, 3L);
    try (CamModel m = CamNetTrainer.newModel(net, data.classes(), 3L)) {
      new CamNetTrainer(opts, io.camkit.model.train.TrainingListener.NONE)
          .fit(m, data, data.head(0), java.util.Optional.empty());
      learned = m.net().classMapHead().learnedBeta();
      m.save(dir, new ModelCard("t", "now", "camnet", net, data.classes(), opts, null, List.of()));
    }
    assertThat(learned).isPositive().isNotCloseTo(2.5, within(1e-4));
    try (CamModel m = CamModel.load(dir)) {
      assertThat(m.options().head().learnBeta()).isTrue();
      assertThat(m.net().classMapHead().learnedBeta()).isEqualTo(learned);
    }
  }

  @Test
  void onlyLseLearnsBeta() {
    assertThatThrownBy(() -> new HeadOptions("gmp", 5, 5, 0.7, 5, 1, true)).hasMessageContaining("--beta-learned");
    assertThat(Double.isNaN(new ClassMapHead(3, new HeadOptions("lse", 5, 5, 0.7, 5, 1)).learnedBeta())).isTrue();
  }
}
