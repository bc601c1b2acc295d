package io.camkit.model.supervised;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.camkit.core.Box;
import io.camkit.core.RgbImage;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.model.CamNetOptions;
import io.camkit.model.train.BoxTrainer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The supervised box head: its loss by hand, its targets, its outputs. */
class BoxRegressionNetTest {

  /**
   * β = 1/9. Differences 0.05 (quadratic: 0.05²·9/2 = 0.01125), 0.5 (linear: 0.5 − 1/18), 0 and
   * −0.2 (linear: 0.2 − 1/18); the mean of the four.
   */
  @Test
  void smoothL1ByHand() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray b = m.create(new float[] {0.55f, 0.5f, 0.3f, 0.2f}, new Shape(1, 4));
      NDArray t = m.create(new float[] {0.5f, 0f, 0.3f, 0.4f}, new Shape(1, 4));
      double expected = (0.05 * 0.05 * 9 / 2 + (0.5 - 1 / 18.0) + 0 + (0.2 - 1 / 18.0)) / 4;
      assertThat(BoxTrainer.smoothL1(b, t, BoxTrainer.BETA).getFloat()).isCloseTo((float) expected, within(1e-5f));
    }
  }

  @Test
  void targetsAreTheBoxOfTheImagesClassOverItsSize() {
    Sample s = new Sample("a", new RgbImage(40, 20, new byte[40 * 20 * 3]),
        List.of(new ObjectAnnotation(1, new Box(4, 2, 24, 12), Optional.empty())));
    assertThat(BoxTrainer.target(s)).containsExactly(0.1f, 0.1f, 0.6f, 0.6f);
  }

  @Test
  void outputsScoresAndBoxesInTheUnitSquare() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      CamNetOptions o = new CamNetOptions(32, 3, 4, 8, 0.5f, 0.25f, null);
      BoxRegressionNet net = BoxTrainer.newNet(o, m, 1);
      NDList out = net.forward(new ParameterStore(m, false), new NDList(m.randomNormal(new Shape(2, 3, 32, 32))), false);
      assertThat(out.get(0).getShape()).isEqualTo(new Shape(2, 3));
      assertThat(out.get(1).getShape()).isEqualTo(new Shape(2, 4));
      for (float v : out.get(1).toFloatArray()) {
        assertThat(v).isBetween(0f, 1f);
      }
      List<BoxTrainer.Prediction> p = BoxTrainer.predict(net, m, List.of(new RgbImage(32, 32, new byte[32 * 32 * 3])));
      assertThat(p.get(0).box().x1()).isLessThanOrEqualTo(32);
      assertThat(p.get(0).scores()).hasSize(3);
    }
  }
}
