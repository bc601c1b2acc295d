package io.camkit.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.camkit.core.CamkitException;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.explain.augment.Augmentation;
import io.camkit.explain.method.Cam;
import io.camkit.explain.method.ClassMap;
import io.camkit.explain.method.GradCam;
import io.camkit.explain.target.ClassTarget;
import io.camkit.explain.target.Target;
import io.camkit.explain.target.TargetSelector;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.pipeline.testing.CountingModel;
import io.camkit.pipeline.testing.TinyModels;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExplainerTest {
  static Dataset data;
  static CamModelLayers model;

  @BeforeAll
  static void build() {
    data = TinyModels.shapes(7);
    model = TinyModels.camnet(data);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  static List<RgbImage> images() {
    return data.samples().stream().map(Sample::image).toList();
  }

  static List<String> ids() {
    return data.samples().stream().map(Sample::id).toList();
  }

  @Test
  void scoreCamReportsItsMaskedPassesAndStopsBetweenThemWhenAskedAndFileResultsDropsThatBatch() throws Exception {
    // K masked passes per image: the inner progress counts them over the batch, and a stop
    // requested after the first one ends the call before the second (as Ctrl-C would).
    Explainer e = new Explainer(model, MapRequest.of("scorecam"));
    long[] shape = model.layer(model.defaultLayer()).shape();
    int k = (int) shape[shape.length - 3]; // [(N,) K, h, w]
    List<long[]> updates = new java.util.ArrayList<>();
    io.camkit.core.InnerProgress.listen((what, done, total) -> {
      updates.add(new long[] {done, total});
      io.camkit.core.Interruption.request();
    });
    try {
      assertThatThrownBy(() -> e.explain(images().subList(0, 3), ids().subList(0, 3)))
          .isInstanceOf(io.camkit.core.Interruption.Interrupted.class)
          .hasMessageContaining("Score-CAM");
      assertThat(updates).hasSize(1);
      assertThat(updates.get(0)[1]).isEqualTo(3L * k);
      assertThat(updates.get(0)[0]).isBetween(1L, (long) k);
      // Through FileResults the stopped batch is dropped whole; nothing is delivered, nothing thrown.
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("stop");
      List<java.nio.file.Path> files = List.of(dir.resolve("a.png"), dir.resolve("b.png"));
      for (int i = 0; i < 2; i++) {
        io.camkit.core.ImageFiles.writePng(images().get(i).toBufferedImage(), files.get(i));
      }
      io.camkit.core.Interruption.clear();
      List<String> got = new java.util.ArrayList<>();
      int done = FileResults.explain(e, files, (file, image, result) -> got.add(file.toString()));
      assertThat(done).isZero();
      assertThat(got).isEmpty();
    } finally {
      io.camkit.core.InnerProgress.stopListening();
      io.camkit.core.Interruption.clear();
    }
    // Without a stop, the same call completes and the listener saw every pass.
    List<long[]> all = new java.util.ArrayList<>();
    io.camkit.core.InnerProgress.listen((what, done, total) -> all.add(new long[] {done, total}));
    try {
      assertThat(e.explain(images().subList(0, 2), ids().subList(0, 2))).hasSize(2);
    } finally {
      io.camkit.core.InnerProgress.stopListening();
    }
    assertThat(all.get(all.size() - 1)).containsExactly(2L * k, 2L * k);
  }

  @Test
  void layerAutoIsTheDeepestUsableLayerOfAtLeastSevenBySeven() {
    // 32 px: the last map is 8×8, so auto is the default layer for every method
    assertThat(new Explainer(model, MapRequest.of("gradcam").withLayer("auto")).layer()).isEqualTo(model.defaultLayer());
    assertThat(new Explainer(model, MapRequest.of("cam").withLayer("auto")).layer()).isEqualTo(model.defaultLayer());
    // 16 px: the last map is 4×4; Grad-CAM moves to the deepest 8×8 layer, CAM stays where its head is
    try (CamModelLayers small = CamModelLayers.owning(io.camkit.model.CamModel.create(
        new io.camkit.model.CamNetOptions(16, 6, 4, 8, 0.5f, 0.25f, null), data.classes()))) {
      List<io.camkit.model.layers.LayerInfo> layers = small.layers();
      assertThat(small.layer(small.defaultLayer()).shape()[2]).isEqualTo(4);
      String auto = new Explainer(small, MapRequest.of("gradcam").withLayer("auto")).layer();
      int at = layers.stream().map(io.camkit.model.layers.LayerInfo::name).toList().indexOf(auto);
      assertThat(layers.get(at).shape()[1]).isEqualTo(8);
      assertThat(layers.get(at).shape()[2]).isEqualTo(8);
      assertThat(layers.subList(at + 1, layers.size())).allSatisfy(l -> assertThat(l.shape()[2]).isLessThan(7));
      assertThat(new Explainer(small, MapRequest.of("cam").withLayer("auto")).layer()).isEqualTo(small.defaultLayer());
      ImageResult r = new Explainer(small, MapRequest.of("gradcam").withLayer("auto")).explain(images().get(0), "a");
      assertThat(r.first().rawMap().raw().width()).isEqualTo(8);
    }
  }

  /** No layer asked is auto: on a 16-px camnet whose last map is 4×4, Grad-CAM reads an 8×8 layer. */
  @Test
  void noLayerMeansAuto() {
    try (CamModelLayers small = CamModelLayers.owning(io.camkit.model.CamModel.create(
        new io.camkit.model.CamNetOptions(16, 6, 4, 8, 0.5f, 0.25f, null), data.classes()))) {
      assertThat(new Explainer(small, MapRequest.of("gradcam")).layer())
          .isEqualTo(new Explainer(small, MapRequest.of("gradcam").withLayer("auto")).layer())
          .isNotEqualTo(small.defaultLayer());
      assertThat(new Explainer(small, MapRequest.of("cam")).layer()).isEqualTo(small.defaultLayer());
    }
  }

  /**
   * Two layers: the fused map is the mean (or max) of each layer's map normalised and resized to
   * the input, for the same target; the maps each layer gives alone are the reference.
   */
  @Test
  void severalLayersAreFusedForTheSameTarget() {
    RgbImage img = images().get(2);
    Explainer fused = new Explainer(model, MapRequest.of("gradcam").withLayer("features.3, features.6"));
    assertThat(fused.layer()).isEqualTo("features.3,features.6");
    assertThat(fused.layers()).containsExactly("features.3", "features.6");
    ImageResult r = fused.explain(img, "x");
    ClassMap a = new Explainer(model, MapRequest.of("gradcam").withLayer("features.3")).explain(img, "x").first()
        .rawMap();
    ClassMap b = new Explainer(model, MapRequest.of("gradcam").withLayer("features.6")).explain(img, "x").first()
        .rawMap();
    float[] va = a.normalized().resize(32, 32).relu().values();
    float[] vb = b.normalized().resize(32, 32).relu().values();
    float[] mean = new float[va.length];
    float[] max = new float[va.length];
    for (int p = 0; p < va.length; p++) {
      mean[p] = (va[p] + vb[p]) / 2;
      max[p] = Math.max(va[p], vb[p]);
    }
    assertThat(r.first().classIndex()).isEqualTo(r.predicted().classIndex());
    assertThat(r.first().rawMap().raw().values()).containsExactly(mean, within(1e-5f));
    assertThat(r.first().provenance().layer()).isEqualTo("features.3,features.6");
    ImageResult m = new Explainer(model, MapRequest.of("gradcam").withLayer("features.3,features.6")
        .withFusion(io.camkit.explain.method.LayerFusion.MAX)).explain(img, "x");
    assertThat(m.first().rawMap().raw().values()).containsExactly(max, within(1e-5f));
    assertThatThrownBy(() -> new Explainer(model, MapRequest.of("gradcam").withLayer("features.3,nope")))
        .isInstanceOf(CamkitException.class).hasMessageContaining("no layer named 'nope'");
  }

  @Test
  void eachResultHoldsTheMethodsMapAtTheImagesResolutionWithItsBoxAndProvenance() {
    RgbImage wide = images().get(0).resize(50, 30); // the model resizes to 32×32; the map comes back at 50×30
    Explainer e = new Explainer(model, MapRequest.of(new GradCam()).withTau(0.3).withTopK(3));
    ImageResult r = e.explain(wide, "wide.png");
    ClassMap direct = new GradCam().explain(model, List.of(wide), model.defaultLayer(), TargetSelector.predicted())
        .get(0);
    ClassResult c = r.first();
    assertThat(c.rawMap().raw().values()).containsExactly(direct.raw().values(), within(1e-6f));
    assertThat(c.normalized().width()).isEqualTo(50);
    assertThat(c.normalized().height()).isEqualTo(30);
    assertThat(c.normalized().values()).containsExactly(direct.upsampled(50, 30).values(), within(1e-6f));
    assertThat(c.box()).isEqualTo(new io.camkit.localize.ThresholdLocalizer(0.3).localizeNormalised(c.normalized()).box());
    assertThat(c.provenance().method()).isEqualTo("gradcam");
    assertThat(c.provenance().layer()).isEqualTo("features.6");
    assertThat(c.provenance().resolution()).isEqualTo("8×8");
    assertThat(c.provenance().tau()).isEqualTo(0.3);
    // predictions: the top 3 by score, best first, softmax probabilities that sum to 1
    assertThat(r.top()).hasSize(3);
    assertThat(r.predicted().classIndex()).isEqualTo(c.classIndex()).isEqualTo(direct.classIndex());
    assertThat(r.top().get(0).score()).isGreaterThanOrEqualTo(r.top().get(1).score());
    assertThat(r.top().get(1).score()).isGreaterThanOrEqualTo(r.top().get(2).score());
    double sum = 0;
    for (float p : r.probabilities()) {
      sum += p;
    }
    assertThat(sum).isCloseTo(1.0, within(1e-5));
    assertThat(r.predicted().probability()).isCloseTo(direct.probability(), within(1e-6f));
  }

  @Test
  void batchTargetsSeeTheirPositionAcrossBatchesAndOneForwardServesEveryTarget() {
    CountingModel counting = new CountingModel(model);
    Explainer e = new Explainer(counting, MapRequest.of(new Cam().batchSize(3)));
    int[] wanted = {5, 4, 3, 2, 1, 0, 5};
    List<ImageResult> rs = e.explain(images(), ids(), (first, y) -> List.<Target>of(
        TargetSelector.predicted().select(y).get(0),
        new ClassTarget(Arrays.copyOfRange(wanted, first, first + y.length))));
    assertThat(rs).hasSize(7);
    for (int i = 0; i < 7; i++) {
      assertThat(rs.get(i).classes()).hasSize(2);
      assertThat(rs.get(i).classes().get(1).classIndex()).isEqualTo(wanted[i]);
      assertThat(rs.get(i).source()).isEqualTo(ids().get(i));
    }
    // 7 images in batches of 3, 3, 1: each image once through the network, two maps each
    assertThat(counting.featureImages).isEqualTo(7);
    assertThat(counting.logitImages).isZero();
  }

  @Test
  void ttaPredictionsAreTheAveragedProbabilitiesOfTheImageAndItsMirror() {
    RgbImage img = images().get(1);
    Augmentation flip = new Augmentation(0, 0, 0, true);
    Explainer e = new Explainer(model, MapRequest.of(new Cam()).withTta(List.of(Augmentation.identity(), flip)));
    ImageResult r = e.explain(img, "a");
    float[] plain;
    float[] mirrored;
    try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
      plain = model.logits(scope, model.input(scope, List.of(img))).softmax(1).toFloatArray();
      mirrored = model.logits(scope, model.input(scope, List.of(flip.apply(img)))).softmax(1).toFloatArray();
    }
    for (int c = 0; c < plain.length; c++) {
      assertThat(r.probabilities()[c]).isCloseTo((plain[c] + mirrored[c]) / 2, within(2e-5f));
    }
    assertThat(r.first().provenance().method()).isEqualTo("tta-cam");
    assertThat(r.first().provenance().augmentations()).isEqualTo(2);
    HeatMap m = r.first().normalized();
    assertThat(m.width()).isEqualTo(img.width());
    assertThat(m.max()).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void aRequestTheModelCannotServeFailsBeforeAnyImage() {
    assertThatThrownBy(() -> new Explainer(model, MapRequest.of("gradcam").withLayer("features.9")))
        .isInstanceOf(CamkitException.class).hasMessageContaining("no layer named 'features.9'")
        .hasMessageContaining("features.6");
    assertThatThrownBy(() -> new Explainer(model, MapRequest.of("cam").withLayer("features.4")))
        .isInstanceOf(CamkitException.class).hasMessage("cam reads the last conv layer, features.6, where the GAP head is;"
            + " at features.4 use gradcam");
    assertThatThrownBy(() -> MapRequest.of("cam").withTau(1.5)).hasMessageContaining("tau");
  }
}
