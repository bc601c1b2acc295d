package io.camkit.explain.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.explain.augment.Augmentation;
import io.camkit.explain.superres.AreaDownsampling;
import io.camkit.explain.superres.SuperResolutionOptions;
import io.camkit.explain.target.TargetSelector;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.layers.CamModelLayers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Augmented Grad-CAM and test-time augmentation on real layers. */
class AugmentationMethodsTest {
  static CamModel model() {
    Engine.getEngine("PyTorch").setRandomSeed(5);
    return CamModel.create(new CamNetOptions(32, 3, 4, 8, 0.5f, 0.25f, null), List.of("a", "b", "c"));
  }

  @Test
  void withOneViewAndNoRegularisationTheHighResMapReproducesGradCamThroughD() {
    try (CamModel m = model(); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      CamModelLayers l = new CamModelLayers(m);
      NDArray x = scope.randomUniform(-1, 1, new Shape(1, 3, 32, 32));
      var solver = new SuperResolutionOptions(0, 0, 400, 1);
      ClassMap hi = new AugmentedGradCam(1, 0, 0, 0, solver).explain(l, scope, x, l.defaultLayer(),
          TargetSelector.classIndex(1)).get(0);
      assertThat(hi.resolution()).isEqualTo("32×32"); // the input's, not the layer's 8×8
      ClassMap g = new GradCam().explain(l, scope, x, l.defaultLayer(), TargetSelector.classIndex(1)).get(0);
      float[] gv = g.raw().relu().values();
      float max = g.raw().relu().max();
      double[] h = new double[32 * 32];
      for (int i = 0; i < h.length; i++) {
        h[i] = hi.raw().values()[i];
      }
      double[] dh = new double[64];
      new AreaDownsampling(32, 32, 8, 8).apply(h, dh);
      for (int i = 0; i < 64; i++) {
        assertThat(dh[i]).as("D h at %d", i).isCloseTo(gv[i] / max, within(0.02));
      }
    }
  }

  @Test
  void augmentedGradCamIsSeeded() {
    try (CamModel m = model(); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      CamModelLayers l = new CamModelLayers(m);
      NDArray x = scope.randomUniform(-1, 1, new Shape(2, 3, 32, 32));
      float[] a = new AugmentedGradCam(4, 10, 3, 9, null).explain(l, scope, x, l.defaultLayer(),
          TargetSelector.predicted()).get(1).raw().values();
      float[] b = new AugmentedGradCam(4, 10, 3, 9, null).explain(l, scope, x, l.defaultLayer(),
          TargetSelector.predicted()).get(1).raw().values();
      assertThat(a).containsExactly(b);
    }
  }

  @Test
  void ttaWithTheIdentityAloneIsTheMethodItself() {
    try (CamModel m = model(); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      CamModelLayers l = new CamModelLayers(m);
      NDArray x = scope.randomUniform(-1, 1, new Shape(1, 3, 32, 32));
      ClassMap plain = new GradCam().explain(l, scope, x, l.defaultLayer(), TargetSelector.predicted()).get(0);
      ClassMap tta = new TestTimeAugmentation(new GradCam(), List.of(Augmentation.identity()))
          .explain(l, scope, x, l.defaultLayer(), TargetSelector.predicted()).get(0);
      assertThat(tta.classIndex()).isEqualTo(plain.classIndex());
      assertThat(tta.probability()).isCloseTo(plain.probability(), within(1e-6f));
      assertThat(tta.upsampled().values()).containsExactly(plain.upsampled().values(), within(1e-5f));
    }
  }

  @Test
  void ttaOfAFlipEquivariantMapGivesTheMapBack() {
    // A = x, GAP + linear: CAM(flip x) = flip CAM(x), so un-flipping and averaging changes nothing
    float[][] w = {{1f, -2f, 0.5f}, {-1f, 1f, 3f}};
    try (LinearGapModel lin = new LinearGapModel(w, 6, true); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      NDArray x = scope.randomUniform(0, 1, new Shape(1, 3, 6, 6));
      ClassMap plain = new Cam().explain(lin, scope, x, "input", TargetSelector.classIndex(0)).get(0);
      ClassMap tta = new TestTimeAugmentation(new Cam(), List.of(Augmentation.identity(),
          new Augmentation(0, 0, 0, true))).explain(lin, scope, x, "input", TargetSelector.classIndex(0)).get(0);
      assertThat(tta.upsampled().values()).containsExactly(plain.upsampled().values(), within(1e-5f));
      assertThat(tta.method()).isEqualTo("tta-cam");
    }
  }

  @Test
  void ttaOverABatchGivesEachImageTheMapsItGetsAlone() {
    List<Augmentation> augs = List.of(Augmentation.identity(), new Augmentation(0, 0, 0, true),
        new Augmentation(0, 2, -1, false));
    try (CamModel m = model(); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      CamModelLayers l = new CamModelLayers(m);
      NDArray x = scope.randomUniform(-1, 1, new Shape(3, 3, 32, 32));
      TestTimeAugmentation tta = new TestTimeAugmentation(new GradCam(), augs);
      // two targets per image (its two best classes), and a target that is not a class
      List<ClassMap> together = tta.explain(l, scope, x, l.defaultLayer(), TargetSelector.topK(2));
      io.camkit.explain.target.Target margin = y -> y.get(":, 0").sub(y.get(":, 1"));
      List<ClassMap> marginTogether = tta.explain(l, scope, x, l.defaultLayer(), TargetSelector.of(margin));
      assertThat(together).hasSize(6);
      for (int i = 0; i < 3; i++) {
        NDArray one = x.get(i + ":" + (i + 1));
        List<ClassMap> alone = tta.explain(l, scope, one, l.defaultLayer(), TargetSelector.topK(2));
        for (int t = 0; t < 2; t++) {
          ClassMap a = alone.get(t);
          ClassMap b = together.get(i * 2 + t);
          assertThat(b.classIndex()).isEqualTo(a.classIndex());
          assertThat(b.probability()).isCloseTo(a.probability(), within(1e-6f));
          assertThat(b.upsampled().values()).containsExactly(a.upsampled().values(), within(1e-5f));
        }
        ClassMap marginAlone = tta.explain(l, scope, one, l.defaultLayer(), TargetSelector.of(margin)).get(0);
        assertThat(marginTogether.get(i).classIndex()).isEqualTo(-1);
        assertThat(marginTogether.get(i).upsampled().values())
            .containsExactly(marginAlone.upsampled().values(), within(1e-5f));
      }
      assertThat(together.get(0).classIndex()).isNotEqualTo(together.get(1).classIndex());
    }
  }

  @Test
  void ttaRefusesARegionTargetWhoseMaskWouldNotFollowTheCopies() {
    try (CamModel m = model(); NDManager scope = NDManager.newBaseManager("PyTorch")) {
      CamModelLayers l = new CamModelLayers(m);
      NDArray x = scope.randomUniform(-1, 1, new Shape(1, 3, 32, 32));
      var region = new io.camkit.explain.target.SegmentationTarget(0,
          new io.camkit.core.Mask(2, 2, new boolean[] {true, false, false, false}));
      TestTimeAugmentation tta = new TestTimeAugmentation(new GradCam(), List.of(Augmentation.identity(),
          new Augmentation(0, 0, 0, true)));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> tta.explain(l, scope, x, l.defaultLayer(),
          TargetSelector.of(region))).isInstanceOf(io.camkit.core.CamkitException.class)
          .hasMessageContaining("cannot explain a region target");
    }
  }
}
