package io.camkit.model.supervised;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.camkit.core.CamkitException;
import io.camkit.model.CamNetOptions;
import io.camkit.model.DataDescription;
import io.camkit.model.seg.SegmenterOptions;
import io.camkit.model.train.BoxTrainer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervised model card and weights: written, read back, the same net. */
class SupervisedCardTest {
  @TempDir Path tmp;

  @Test
  void boxCardAndWeightsRoundTrip() throws Exception {
    CamNetOptions o = new CamNetOptions(32, 3, 4, 8, 0.5f, 0.25f, null);
    SupervisedCard card = new SupervisedCard("test", "now", SupervisedCard.BOXES, List.of("a", "b", "c"), o, null,
        null, new SupervisedCard.Training(2, 8, 1e-3f, 0.7f, BoxTrainer.GIOU, 5), null,
        new DataDescription("d", 10, "abc", null), List.of(1.5, 1.25));
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      BoxRegressionNet net = BoxTrainer.newNet(o, m, 1);
      SupervisedCard.saveWeights(tmp, net);
      card.write(tmp);
      assertThat(SupervisedCard.isSupervised(tmp)).isTrue();
      SupervisedCard back = SupervisedCard.read(tmp);
      assertThat(back.supervision()).isEqualTo("boxes");
      assertThat(back.boxes()).isTrue();
      assertThat(back.net()).isEqualTo(card.net());
      assertThat(back.training()).isEqualTo(card.training());
      assertThat(back.tau()).isNull();
      assertThat(back.losses()).containsExactly(1.5, 1.25);
      assertThat(back.classes()).containsExactly("a", "b", "c");

      BoxRegressionNet again = BoxTrainer.newNet(back.net(), m, 99); // other initial weights, then the saved ones
      SupervisedCard.loadWeights(tmp, again, m);
      NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
      NDList a = net.forward(new ParameterStore(m, false), new NDList(x), false);
      NDList b = again.forward(new ParameterStore(m, false), new NDList(x), false);
      assertThat(b.get(1).toFloatArray()).containsExactly(a.get(1).toFloatArray());
      assertThat(b.get(0).toFloatArray()).containsExactly(a.get(0).toFloatArray());
    }
  }

  @Test
  void maskAndBackboneCardsRoundTrip() throws Exception {
    SupervisedCard masks = new SupervisedCard("test", "now", SupervisedCard.MASKS, List.of("a"), null, null,
        SegmenterOptions.unet(32, 1), new SupervisedCard.Training(1, 8, 1e-3f, 0f, null, 0), 0.37, null, null);
    masks.write(tmp);
    SupervisedCard back = SupervisedCard.read(tmp);
    assertThat(back.boxes()).isFalse();
    assertThat(back.segmenter()).isEqualTo(masks.segmenter());
    assertThat(back.tau()).isEqualTo(0.37);

    Path other = tmp.resolve("backbone-boxes");
    java.nio.file.Files.createDirectories(other);
    new SupervisedCard("test", "now", SupervisedCard.BOXES, List.of("a", "b"), null,
        new SupervisedCard.Backbone("../m.pt", "/abs/m.pt", "ff", "backbone-card.json", "features.3",
            new long[] {8, 4, 4}), null, new SupervisedCard.Training(1, 8, 1e-3f, 0.5f, "smooth-l1", 0), null, null,
        null).write(other);
    SupervisedCard b = SupervisedCard.read(other);
    assertThat(b.backbone().layer()).isEqualTo("features.3");
    assertThat(b.backbone().featureShape()).containsExactly(8, 4, 4);
  }

  @Test
  void aCardSaysWhatItIs() {
    assertThatThrownBy(() -> new SupervisedCard("t", "n", "points", List.of("a"), null, null, null, null, null, null,
        null)).hasMessageContaining("--supervision = points");
    assertThatThrownBy(() -> SupervisedCard.read(tmp)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("no supervised.json");
  }
}
