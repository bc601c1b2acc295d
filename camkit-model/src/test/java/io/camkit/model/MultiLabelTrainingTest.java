package io.camkit.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.camkit.dataset.Dataset;
import io.camkit.dataset.Split;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.model.train.CamNetTrainer;
import io.camkit.model.train.EpochStats;
import io.camkit.model.train.TrainOptions;
import io.camkit.model.train.TrainingListener;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Multi-label training of a CamModel: binary cross-entropy on multi-hot targets. */
class MultiLabelTrainingTest {
  static final ShapesOptions MULTI = new ShapesOptions(32, 8, 14, 1, 3, 1, 1, 0.02, 64, 16, 0, 5L);
  static final TrainOptions OPTS = new TrainOptions(2, 16, 3e-3f, 0f, 2, false, 0, 11L, true);

  /** BCE and exact-match accuracy computed in Java from the logits, as a reference. */
  static double[] byHand(CamModel m, Dataset d) {
    try (ai.djl.ndarray.NDManager scope = m.manager().newSubManager()) {
      float[] z = m.forward(scope, d.samples().stream().map(s -> s.image()).toList()).get(1).toFloatArray();
      double loss = 0;
      int exact = 0;
      for (int i = 0; i < d.size(); i++) {
        boolean allRight = true;
        for (int c = 0; c < 6; c++) {
          double y = d.get(i).labels().contains(c) ? 1 : 0;
          double zc = z[i * 6 + c];
          loss += Math.log1p(Math.exp(-zc)) * y + Math.log1p(Math.exp(zc)) * (1 - y); // −log σ, −log(1 − σ)
          allRight &= (zc > 0) == (y == 1);
        }
        exact += allRight ? 1 : 0;
      }
      return new double[] {loss / (6.0 * d.size()), exact / (double) d.size()};
    }
  }

  @Test
  void trainingLowersTheBinaryCrossEntropyReproducibly() throws Exception {
    Dataset train = new ShapesGenerator(MULTI).generate(Split.TRAIN);
    Dataset val = new ShapesGenerator(MULTI).generate(Split.VAL);
    assertThat(train.multiLabel()).isTrue();
    float[][] weights = new float[2][];
    for (int run = 0; run < 2; run++) {
      try (CamModel m = CamNetTrainer.newModel(CamNetOptions.defaults(32, 6), train.classes(), OPTS.seed())) {
        double[] before = CamNetTrainer.evaluateMultiLabel(m, val);
        double[] reference = byHand(m, val);
        List<EpochStats> h = new CamNetTrainer(OPTS, TrainingListener.NONE).fit(m, train, val, Optional.empty());
        double[] after = CamNetTrainer.evaluateMultiLabel(m, val);
        assertThat(before[0]).isCloseTo(reference[0], within(1e-4));
        assertThat(before[1]).isEqualTo(reference[1]);
        assertThat(after[0]).isLessThan(before[0]);
        assertThat(h.get(h.size() - 1).valLoss()).isEqualTo(after[0]);
        assertThat(after[1]).isBetween(0.0, 1.0);
        weights[run] = m.net().classWeights().toFloatArray();
      }
    }
    assertThat(weights[1]).containsExactly(weights[0]);
  }
}
