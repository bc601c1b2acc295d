package io.camkit.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.interop.Models;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.DataDescription;
import io.camkit.model.HeadOptions;
import io.camkit.model.ModelCard;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.model.layers.LayeredModel;
import io.camkit.model.train.CamNetTrainer;
import io.camkit.model.train.TrainOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer learning on a tiny camkit model as backbone, pretrained for 10 epochs on other images of
 * the same kind; the head is new.
 */
class TransferTrainerTest {
  private static final int SIZE = 32;
  private static final List<String> CLASSES = List.of("red", "blue");

  @TempDir static Path tmp;
  static Path backbone;
  static Dataset train;
  static Dataset val;

  @BeforeAll
  static void setUp() throws Exception {
    CamNetOptions net = new CamNetOptions(SIZE, 2, 4, 8, 0.5f, 0.25f, HeadOptions.gap());
    backbone = tmp.resolve("backbone");
    try (CamModel m = CamNetTrainer.newModel(net, CLASSES, 3)) {
      // a briefly pretrained backbone, as a transfer backbone is (its own head is then ignored)
      new CamNetTrainer(new TrainOptions(10, 16, 3e-3f, 0f, 4, false, 0, 3L), io.camkit.model.train.TrainingListener.NONE)
          .fit(m, blobs("pretrain", 64, 9), new Dataset("none", CLASSES, List.of()), Optional.empty());
      m.save(backbone, new ModelCard("test", "now", "camnet", net, CLASSES,
          TrainOptions.defaults(), new DataDescription("none", 0, "", null), List.of()));
    }
    train = blobs("train", 40, 1);
    val = blobs("val", 16, 2);
  }

  /**
   * n images: a 10×10 square, red (class 0) or blue (class 1), anywhere on dark noise (the class
   * is in the colour, which survives global average pooling; the box is the square).
   */
  static Dataset blobs(String name, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int cls = i % 2;
      byte[] rgb = new byte[SIZE * SIZE * 3];
      for (int p = 0; p < rgb.length; p++) {
        rgb[p] = (byte) rng.nextInt(60);
      }
      int x0 = rng.nextInt(0, 22);
      int y0 = rng.nextInt(0, 22);
      for (int y = y0; y < y0 + 10; y++) {
        for (int x = x0; x < x0 + 10; x++) {
          for (int c = 0; c < 3; c++) {
            rgb[(y * SIZE + x) * 3 + c] = (byte) (c == 2 * cls ? 230 : 40);
          }
        }
      }
      samples.add(new Sample(name + i, new RgbImage(SIZE, SIZE, rgb),
          List.of(new ObjectAnnotation(cls, new Box(x0, y0, x0 + 10, y0 + 10), Optional.empty()))));
    }
    return new Dataset(name, CLASSES, samples);
  }

  static TransferOptions options(String layer, int fineTune) {
    TrainOptions t = new TrainOptions(30, 8, 5e-2f, 0f, 5, false, 0, 11L);
    return new TransferOptions(layer, HeadOptions.gap(), t, false, fineTune, 0.1, 64);
  }

  static float[] logits(LayeredModel m, Dataset d) {
    try (NDManager scope = NDManager.newBaseManager()) {
      NDArray x = m.input(scope, d.samples().stream().map(Sample::image).toList());
      return m.logits(scope, x).toFloatArray();
    }
  }

  static float[] features(LayeredModel m, Dataset d, String layer) {
    try (NDManager scope = NDManager.newBaseManager()) {
      NDArray x = m.input(scope, d.samples().stream().map(Sample::image).toList());
      return m.features(scope, x, layer).toFloatArray();
    }
  }

  @Test
  void headLearnsOnFrozenBackboneWhoseWeightsStayUnchanged() throws Exception {
    String before = TransferCard.sha256(backbone);
    float[] featuresBefore;
    try (LayeredModel b = Models.open(backbone)) {
      featuresBefore = features(b, val, b.defaultLayer());
    }
    Path out = tmp.resolve("frozen");
    float[][] inMemory = new float[1][];
    TransferTrainer.Result r = TransferTrainer.train(backbone, null, train, val, options(null, 0), out,
        TransferTrainer.Listener.NONE, m -> inMemory[0] = logits(m, val));

    assertThat(TransferCard.sha256(backbone)).isEqualTo(before);
    assertThat(r.card().backbone().sha256()).isEqualTo(before);
    assertThat(r.card().backbone().path()).isEqualTo("../../backbone");
    assertThat(r.card().layer()).isEqualTo("features.6");
    // the head learned the task from frozen features
    assertThat(r.card().history().get(r.card().history().size() - 1).valAccuracy()).isGreaterThanOrEqualTo(0.9);
    try (LayeredModel m = Models.open(r.modelDir())) {
      assertThat(m).isInstanceOf(TransferModel.class);
      assertThat(m.classes()).isEqualTo(CLASSES);
      // the reopened backbone computes exactly what the untouched one did
      assertThat(features(m, val, "features.6")).containsExactly(featuresBefore);
      // the saved model reloads to identical logits
      assertThat(logits(m, val)).containsExactly(inMemory[0]);
    }
  }

  @Test
  void gapHeadLogitsAreTheMeanOfTheCamPlusBias() throws Exception {
    Path out = tmp.resolve("cam");
    TransferTrainer.Result r = TransferTrainer.train(backbone, null, train, Dataset.class.cast(
        new Dataset("none", CLASSES, List.of())), options(null, 0), out, TransferTrainer.Listener.NONE);
    try (LayeredModel m = Models.open(r.modelDir()); NDManager scope = NDManager.newBaseManager()) {
      String layer = m.defaultLayer();
      assertThat(m.supportsCam(layer)).isTrue();
      NDArray x = m.input(scope, List.of(val.get(0).image(), val.get(1).image()));
      NDArray a = m.features(scope, x, layer); // [2, K, h, w]
      float[] w = m.classifierWeights(layer).orElseThrow().toFloatArray(); // [C, K]
      float[] av = a.toFloatArray();
      float[] y = m.logits(scope, x).toFloatArray();
      long[] s = a.getShape().getShape();
      int k = (int) s[1];
      int hw = (int) (s[2] * s[3]);
      // y_c(n) = mean_xy M_c(n) + b_c with M_c = Σ_k w_ck A_k: between two images the bias cancels
      double[][] meanCam = new double[2][2];
      for (int n = 0; n < 2; n++) {
        for (int c = 0; c < 2; c++) {
          for (int kk = 0; kk < k; kk++) {
            for (int p = 0; p < hw; p++) {
              meanCam[n][c] += w[c * k + kk] * av[(n * k + kk) * hw + p] / hw;
            }
          }
        }
      }
      for (int c = 0; c < 2; c++) {
        assertThat((double) (y[c] - y[2 + c])).isCloseTo(meanCam[0][c] - meanCam[1][c],
            org.assertj.core.data.Offset.offset(1e-4));
      }
      assertThat(Math.abs(y[0] - y[2])).as("the two images score differently").isGreaterThan(1e-3f);
    }
  }

  @Test
  void featureCacheIsReadBackWithoutTheBackboneAndEqualsRecomputedFeatures() throws Exception {
    Path file = tmp.resolve("cache").resolve("train.bin");
    List<RgbImage> images = train.samples().stream().map(Sample::image).toList();
    try (LayeredModel b = Models.open(backbone)) {
      FeatureCache.Features first = FeatureCache.cached(file, "k1", b, "features.3", images, true, 1 << 26,
          FeatureCache.Progress.NONE);
      // a hit needs no backbone (null would fail if it were run)
      FeatureCache.Features again = FeatureCache.cached(file, "k1", null, "features.3", images, true, 1 << 26,
          FeatureCache.Progress.NONE);
      float[] direct = features(b, train, "features.3");
      int item = direct.length / train.size();
      assertThat(again.items()).hasSize(2 * train.size());
      assertThat(again.itemShape()).containsExactly(first.itemShape());
      for (int i = 0; i < train.size(); i++) {
        float[] want = java.util.Arrays.copyOfRange(direct, i * item, (i + 1) * item);
        assertThat(again.items().get(2 * i)).containsExactly(want);
        assertThat(first.items().get(2 * i)).containsExactly(want);
      }
      // the second view is the mirror image's features, not the same ones
      assertThat(again.items().get(1)).isNotEqualTo(again.items().get(0));
      // another key (other data, layer or backbone) is a miss
      assertThat(FeatureCache.read(file, "k2")).isNull();
    }
  }

  @Test
  void unknownLayerFailsWithTheValidLayers() {
    assertThatThrownBy(() -> TransferTrainer.train(backbone, null, train, val, options("layer4", 0),
        tmp.resolve("bad"), TransferTrainer.Listener.NONE))
        .isInstanceOf(CamkitException.class)
        .hasMessageContaining("no layer named 'layer4'")
        .hasMessageContaining("valid layers: features.0, features.1, features.2, features.3, features.4, features.5, features.6");
  }

  @Test
  void cacheOverTheLimitFailsBeforeAnyWork() {
    TrainOptions t = new TrainOptions(1, 8, 1e-2f, 0f, 0, false, 0, 1L);
    TransferOptions o = new TransferOptions("features.0", HeadOptions.gap(), t, true, 0, 0.1, 1);
    // features.0 is 4×16×16 floats = 4 KiB per view; 2 × 40 + 16 views = 384 KiB < 1 MiB, so use more images
    Dataset big = blobs("big", 400, 5);
    assertThatThrownBy(() -> TransferTrainer.train(backbone, null, big, val, o, tmp.resolve("limit"),
        TransferTrainer.Listener.NONE))
        .isInstanceOf(CamkitException.class)
        .hasMessageContaining("over the limit of 1 MB");
    assertThat(tmp.resolve("limit").resolve("features")).doesNotExist();
  }

  @Test
  void changedBackboneIsRefusedAtLoad() throws Exception {
    Path copy = tmp.resolve("backbone-copy");
    Files.createDirectories(copy);
    for (String f : List.of(CamModel.PARAMS, ModelCard.FILE)) {
      Files.copy(backbone.resolve(f), copy.resolve(f));
    }
    TransferTrainer.Result r = TransferTrainer.train(copy, null, train, val, options(null, 0), tmp.resolve("sha"),
        TransferTrainer.Listener.NONE);
    byte[] params = Files.readAllBytes(copy.resolve(CamModel.PARAMS));
    params[params.length - 1] ^= 1;
    Files.write(copy.resolve(CamModel.PARAMS), params);
    assertThatThrownBy(() -> Models.open(r.modelDir()))
        .isInstanceOf(CamkitException.class)
        .hasMessageContaining("is not the one the head")
        .hasMessageContaining(r.card().backbone().sha256());
  }

  @Test
  void augmentedViewsAreTheImageThenSeededCropsAtTheInputSize() {
    TransferOptions o = options(null, 0).withAugmentation(
        io.camkit.dataset.augment.PhotoAugmentation.standard(), 3);
    Dataset two = new Dataset("two", CLASSES, train.samples().subList(0, 2));
    List<RgbImage> views = TransferTrainer.trainViews(two, o, new int[] {20, 24});
    assertThat(views).hasSize(6);
    assertThat(views.get(0)).isSameAs(two.get(0).image());
    assertThat(views.get(3)).isSameAs(two.get(1).image());
    assertThat(views.get(1).width()).isEqualTo(24);
    assertThat(views.get(1).height()).isEqualTo(20);
    assertThat(views.get(1).bytes()).isNotEqualTo(views.get(2).bytes());
    List<RgbImage> again = TransferTrainer.trainViews(two, o, new int[] {20, 24});
    for (int v = 0; v < 6; v++) {
      assertThat(again.get(v).bytes()).containsExactly(views.get(v).bytes()); // seeded: the same views again
    }
  }

  @Test
  void theHeadTrainsOnCachedAugmentedViews() throws Exception {
    TransferOptions o = options(null, 0).withAugmentation(
        io.camkit.dataset.augment.PhotoAugmentation.withJitter(0.6, 0.1), 3);
    TransferTrainer.Result r = TransferTrainer.train(backbone, null, train, val, o, tmp.resolve("aug-head"),
        TransferTrainer.Listener.NONE);
    FeatureCache.Features cached = FeatureCache.read(tmp.resolve("aug-head/features/train.bin"),
        "backbone=" + TransferCard.sha256(backbone) + "|layer=features.6|data=" + DataDescription.fingerprint(train)
            + "|augment=" + o.augment() + "|views=3|seed=11");
    assertThat(cached).isNotNull();
    assertThat(cached.items()).hasSize(3 * train.size());
    assertThat(r.card().data().source().toString()).contains("views=3").contains("augmentation");
    assertThat(r.card().history().get(r.card().history().size() - 1).valAccuracy()).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void fineTuningWithAugmentationIsRepeatableAndDrawsItsOwnCrops() throws Exception {
    TransferOptions plain = options("features.4", 2);
    TransferOptions aug = plain.withAugmentation(io.camkit.dataset.augment.PhotoAugmentation.withJitter(0.6, 0.1), 2);
    TransferTrainer.train(backbone, null, train, val, aug, tmp.resolve("aug-ft1"), TransferTrainer.Listener.NONE);
    TransferTrainer.train(backbone, null, train, val, aug, tmp.resolve("aug-ft2"), TransferTrainer.Listener.NONE);
    TransferTrainer.train(backbone, null, train, val, plain, tmp.resolve("plain-ft"), TransferTrainer.Listener.NONE);
    try (LayeredModel a = Models.open(tmp.resolve("aug-ft1/model")); LayeredModel b = Models.open(tmp.resolve("aug-ft2/model"));
        LayeredModel p = Models.open(tmp.resolve("plain-ft/model"))) {
      assertThat(features(a, val, "features.4")).containsExactly(features(b, val, "features.4"));
      assertThat(features(a, val, "features.4")).isNotEqualTo(features(p, val, "features.4"));
    }
  }

  @Test
  void removingTheLastStrideOfANonOnnxBackboneIsOneClearLine() {
    assertThatThrownBy(() -> TransferTrainer.train(backbone, null, train, val,
        options(null, 0).withRemoveLastStride(true), tmp.resolve("destride"), TransferTrainer.Listener.NONE))
        .isInstanceOf(CamkitException.class).hasMessageContaining("edits ONNX graphs");
  }

  @Test
  void augmentationOptionsAreValidated() {
    TrainOptions t = new TrainOptions(1, 8, 1e-2f, 0f, 0, false, 0, 1L);
    assertThatThrownBy(() -> new TransferOptions(null, HeadOptions.gap(), t, false, 0, 0.1, 0, 64, null, 4))
        .hasMessageContaining("augment-views");
    assertThatThrownBy(() -> new TransferOptions(null, HeadOptions.gap(), t, true, 0, 0.1, 0, 64,
        io.camkit.dataset.augment.PhotoAugmentation.standard(), 2)).hasMessageContaining("flip-views");
  }

  @Test
  void fineTuningTrainsACopyAndLeavesThePretrainedBackboneAlone() throws Exception {
    String before = TransferCard.sha256(backbone);
    TransferTrainer.Result r = TransferTrainer.train(backbone, null, train, val, options("features.4", 2),
        tmp.resolve("fine"), TransferTrainer.Listener.NONE);
    assertThat(TransferCard.sha256(backbone)).isEqualTo(before);
    assertThat(r.card().origin().sha256()).isEqualTo(before);
    assertThat(r.card().backbone().path()).isEqualTo("backbone");
    assertThat(r.card().fineTune().history()).hasSize(2);
    try (LayeredModel tuned = Models.open(r.modelDir()); LayeredModel original = Models.open(backbone)) {
      assertThat(((TransferModel) tuned).backbone()).isInstanceOf(CamModelLayers.class);
      assertThat(features(tuned, val, "features.4")).isNotEqualTo(features(original, val, "features.4"));
    }
  }

  @Test
  void unfreezeLastTrainsOnlyTheLastBlocks() throws Exception {
    TrainOptions t = new TrainOptions(30, 8, 5e-2f, 0f, 5, false, 0, 11L);
    TransferOptions o = new TransferOptions("features.4", HeadOptions.gap(), t, false, 2, 0.1, 1, 64);
    TransferTrainer.Result r = TransferTrainer.train(backbone, null, train, val, o, tmp.resolve("last1"),
        TransferTrainer.Listener.NONE);
    assertThat(r.card().fineTune().trainedGroups()).containsExactly("features.4");
    assertThat(r.card().fineTune().unfreezeLast()).isEqualTo(1);
    try (LayeredModel tuned = Models.open(r.modelDir()); LayeredModel original = Models.open(backbone)) {
      var a = ((CamModelLayers) ((TransferModel) tuned).backbone()).model().net().features().getChildren();
      var b = ((CamModelLayers) original).model().net().features().getChildren();
      for (int i = 0; i <= 4; i++) {
        for (var p : a.get(i).getValue().getParameters()) {
          if (p.getKey().contains("running")) {
            continue; // camkit models fine-tune with batch norm in train mode: running statistics move
          }
          float[] now = p.getValue().getArray().toFloatArray();
          float[] was = b.get(i).getValue().getParameters().get(p.getKey()).getArray().toFloatArray();
          if (i < 4) {
            assertThat(now).as("frozen " + p.getKey() + " of features." + i).containsExactly(was);
          } else if (p.getKey().contains("weight")) {
            assertThat(now).as("trained " + p.getKey()).isNotEqualTo(was);
          }
        }
      }
    }
  }

  @Test
  void unfreezeLastIsValidated() {
    TrainOptions t = new TrainOptions(1, 8, 1e-2f, 0f, 0, false, 0, 1L);
    assertThatThrownBy(() -> new TransferOptions(null, HeadOptions.gap(), t, false, 0, 0.1, 2, 64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option --unfreeze-last = 2 is out of range (allowed: 0 without --fine-tune-epochs (it chooses what"
            + " fine-tuning trains))");
    assertThatThrownBy(() -> new TransferOptions(null, HeadOptions.gap(), t, false, 1, 0.1, -1, 64))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--unfreeze-last = -1");
    assertThatThrownBy(() -> TransferTrainer.train(backbone, null, train, val,
        new TransferOptions("features.2", HeadOptions.gap(), t, false, 1, 0.1, 4, 64), tmp.resolve("last4"),
        TransferTrainer.Listener.NONE))
        .isInstanceOf(CamkitException.class).hasMessage("--unfreeze-last 4 asks for more blocks than the 3 up to"
            + " features.2");
  }

  @Test
  void torchScriptParameterGroups() {
    assertThat(TorchScriptTrunk.groupOf("features.92.weight")).isEqualTo("features.92");
    assertThat(TorchScriptTrunk.groupOf("layer4.1.bn2.bias")).isEqualTo("layer4.1.bn2");
    List<String> groups = List.of("features.1", "features.2", "features.5", "features.6");
    assertThat(TorchScriptTrunk.lastGroups(groups, 0)).isEqualTo(groups);
    assertThat(TorchScriptTrunk.lastGroups(groups, 2)).containsExactly("features.5", "features.6");
    assertThatThrownBy(() -> TorchScriptTrunk.lastGroups(groups, 5)).isInstanceOf(CamkitException.class)
        .hasMessage("--unfreeze-last 5 asks for more parameter groups than the 4 that feed the layer");
  }

  @Test
  void fineTuningWarmsUpOverATenthOfItsSteps() {
    TrainOptions head = new TrainOptions(40, 32, 1e-3f, 1e-4f, 100, false, 0, 7L);
    // 250 images, batch 32: 7 steps per epoch, 5 epochs = 35 steps → warm-up 3 (not the head's 100)
    TrainOptions ft = TransferTrainer.fineTuneSchedule(new TransferOptions(null, HeadOptions.gap(), head, false, 5, 0.1,
        64), 250);
    assertThat(ft.epochs()).isEqualTo(5);
    assertThat(ft.warmupSteps()).isEqualTo(3);
    assertThat(ft.learningRateAt(34, 35)).isLessThan(ft.learningRateAt(3, 35)); // it decays by the end
    // a long run keeps the head's warm-up
    assertThat(TransferTrainer.fineTuneSchedule(new TransferOptions(null, HeadOptions.gap(), head, false, 500, 0.1,
        64), 250).warmupSteps()).isEqualTo(100);
  }
}
