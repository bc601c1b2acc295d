package io.camkit.model.fcn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.camkit.core.CamkitException;
import io.camkit.core.RegionSource;
import io.camkit.core.RgbImage;
import io.camkit.model.CamModel;
import io.camkit.model.CamNet;
import io.camkit.model.CamNetOptions;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fully convolutional form against the classifier it came from, on small seeded random nets
 * (no data, no training): sliding-window equivalence for the dense head, the CAM identity for GAP
 * heads, and tiled = one pass.
 */
class FullyConvolutionalNetTest {
  private static final List<String> CLASSES = List.of("a", "b", "c");

  private static CamModel model(String arch, int size, int width, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    CamNetOptions o = new CamNetOptions(size, 3, width, 16, 0.5f, 0.25f, io.camkit.model.HeadOptions.gap(), arch);
    return CamModel.create(o, CLASSES);
  }

  private static RgbImage noise(int w, int h, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] b = new byte[w * h * 3];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return new RgbImage(w, h, b);
  }

  @Test
  void denseHeadAsConvolutionEqualsTheClassifierOnEverySlidingWindow() {
    int s = 32; // 32 -conv-> 30 -pool-> 15 -conv-> 13 -pool-> 6 -conv-> 4 -pool-> 2: the dense layer sees 16·2·2
    try (CamModel m = model("cnn-flatten", s, 8, 11);
        FullyConvolutionalNet fcn = FullyConvolutionalNet.of(m);
        NDManager scope = NDManager.newBaseManager()) {
      ReceptiveField rf = fcn.receptiveField();
      assertThat(rf.stride()).isEqualTo(8);
      assertThat(rf.size()).isEqualTo(30); // ≤ 32: the floors drop the last 2 rows and columns
      NDArray x = fcn.input(scope, noise(83, 77, 3)); // ~2.5× the training size, not a multiple of 8
      NDArray maps = fcn.scores(scope, x);
      assertThat(maps.getShape()).isEqualTo(new Shape(1, 3, (77 - 30) / 8 + 1, (83 - 30) / 8 + 1));
      ParameterStore ps = new ParameterStore(scope, false);
      int checked = 0;
      for (int y = 0; y * 8 + s <= 77; y++) {
        for (int x0 = 0; x0 * 8 + s <= 83; x0++) {
          NDArray crop = x.get(":, :, " + (y * 8) + ":" + (y * 8 + s) + ", " + (x0 * 8) + ":" + (x0 * 8 + s));
          float[] logits = m.net().forward(ps, new NDList(crop), false).singletonOrThrow().toFloatArray();
          float[] here = maps.get(":, :, " + y + ", " + x0).toFloatArray();
          assertThat(here).containsExactly(logits, within(1e-4f));
          checked++;
        }
      }
      assertThat(checked).isEqualTo(6 * 7);
    }
  }

  @Test
  void gapHeadsAverageTheirClassMapsToTheLogits() {
    for (String arch : List.of("camnet", "cnn-gap", "nin")) {
      try (CamModel m = model(arch, 40, 4, 5);
          FullyConvolutionalNet fcn = FullyConvolutionalNet.of(m);
          NDManager scope = NDManager.newBaseManager()) {
        NDArray x = fcn.input(scope, noise(40, 40, 9));
        NDArray maps = fcn.scores(scope, x); // M_c = w_c · f + b_c; GAP(M_c) = y_c
        float[] mean = maps.reshape(1, 3, -1).mean(new int[] {2}).toFloatArray();
        float[] logits = m.net().forward(new ParameterStore(scope, false), new NDList(x), false)
            .singletonOrThrow().toFloatArray();
        assertThat(mean).as(arch).containsExactly(logits, within(1e-4f));
        assertThat(maps.getShape().get(2)).as(arch).isEqualTo(CamNet.mapSide(arch, 40));
      }
    }
  }

  @Test
  void stitchedTilesEqualOnePassForValidAndPaddedNets() {
    RgbImage img = noise(157, 118, 21);
    for (String arch : List.of("cnn-flatten", "camnet")) {
      try (CamModel m = model(arch, 32, 4, 8);
          FullyConvolutionalNet fcn = FullyConvolutionalNet.of(m)) {
        RegionSource src = RegionSource.of(img);
        ScoreGrid one = TiledScorer.score(fcn, src, 1000, (d, t) -> { });
        for (int tile : new int[] {fcn.receptiveField().size(), 45, 64}) {
          int[] calls = {0};
          ScoreGrid tiled = TiledScorer.score(fcn, src, tile, (d, t) -> calls[0] = t);
          assertThat(calls[0]).as(arch + " tile " + tile).isGreaterThan(4);
          assertThat(tiled.width()).isEqualTo(one.width());
          assertThat(tiled.height()).isEqualTo(one.height());
          assertThat(tiled.values()).as(arch + " tile " + tile).containsExactly(one.values(), within(1e-4f));
        }
      }
    }
  }

  @Test
  void receptiveFieldAgreesWithTheNetsOwnMapSizes() {
    for (String arch : List.of("camnet", "cnn-gap", "nin")) {
      ReceptiveField rf = ReceptiveField.of(new CamNetOptions(64, 3, 4, 8, 0.5f, 0.25f, null, arch));
      for (int n = 4; n < 200; n++) {
        assertThat(rf.outputSize(n)).as(arch + " " + n).isEqualTo(CamNet.mapSide(arch, n));
      }
    }
    assertThat(ReceptiveField.of(new CamNetOptions(64, 3, 4, 8, 0.5f, 0.25f, null, "camnet")))
        .extracting(ReceptiveField::stride, ReceptiveField::size, ReceptiveField::padding)
        .containsExactly(4, 25, 11); // CamNetOptions' "stride 4, receptive field 25"
    ReceptiveField flat = ReceptiveField.of(new CamNetOptions(64, 3, 4, 8, 0.5f, 0.25f, null, "cnn-flatten"));
    assertThat(flat.outputSize(64)).isEqualTo(1);
    assertThat(flat.size()).isEqualTo(62);
    assertThat(flat.outputSize(61)).isZero();
  }

  @Test
  void anInputSmallerThanTheReceptiveFieldIsRefusedWithOneLine() {
    try (CamModel m = model("cnn-flatten", 32, 4, 1);
        FullyConvolutionalNet fcn = FullyConvolutionalNet.of(m)) {
      assertThatThrownBy(() -> TiledScorer.score(fcn, RegionSource.of(noise(100, 29, 1)), 512, (d, t) -> { }))
          .isInstanceOf(CamkitException.class)
          .hasMessage("the image is 100×29, smaller than the 30×30 receptive field of this cnn-flatten model"
              + " (trained on 32×32 images)");
    }
  }
}
