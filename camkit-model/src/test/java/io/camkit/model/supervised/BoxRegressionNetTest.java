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

  /**
   * GIoU by hand. Image 1: b = (0, 0, 0.5, 0.5), t = (0.25, 0.25, 0.75, 0.75): intersection
   * 0.25² = 0.0625, union 0.25 + 0.25 − 0.0625 = 0.4375, IoU = 1/7, enclosing box 0.75² = 0.5625,
   * GIoU = 1/7 − 0.125/0.5625. Image 2, disjoint, corners given in reverse order: b = (0.2, 0.2, 0,
   * 0) is (0, 0, 0.2, 0.2), t = (0.6, 0.6, 1, 1): IoU 0, union 0.2, enclosing 1, GIoU = −0.8. The
   * loss is the mean of 1 − GIoU.
   */
  @Test
  void giouByHand() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray b = m.create(new float[] {0f, 0f, 0.5f, 0.5f, 0.2f, 0.2f, 0f, 0f}, new Shape(2, 4));
      NDArray t = m.create(new float[] {0.25f, 0.25f, 0.75f, 0.75f, 0.6f, 0.6f, 1f, 1f}, new Shape(2, 4));
      double g1 = 1 / 7.0 - 0.125 / 0.5625;
      double g2 = -0.8;
      double expected = ((1 - g1) + (1 - g2)) / 2; // 1.4396825…
      assertThat(BoxTrainer.giou(b, t).getFloat()).isCloseTo((float) expected, within(1e-5f));
      // a perfect box: GIoU 1, loss 0
      assertThat(BoxTrainer.giou(t, t).getFloat()).isCloseTo(0f, within(1e-5f));
    }
  }

  /** The loss is named and checked; smooth-L1 is the default. */
  @Test
  void boxLossOptionIsChecked() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BoxTrainer.Options(1, 1, 1e-3f, 0.5f, 0, "l2"))
        .hasMessageContaining("--box-loss = l2");
    assertThat(new BoxTrainer.Options(1, 1, 1e-3f, 0.5f, 0).boxLoss()).isEqualTo(BoxTrainer.SMOOTH_L1);
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
