package io.camkit.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import io.camkit.core.CamkitException;
import io.camkit.model.train.CamNetTrainer;
import io.camkit.model.train.TrainOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --arch}: every architecture builds, its map size is known before building, old cards load. */
class ArchitectureOptionTest {
  static final List<String> SIX = List.of("a", "b", "c", "d", "e", "f");

  @TempDir Path tmp;

  static CamNetOptions small(String arch, int size) {
    return new CamNetOptions(size, 6, 8, 16, 0.5f, 0.25f, HeadOptions.gap(), arch);
  }

  @Test
  void mapSideAgreesWithTheBuiltNetworks() {
    for (String arch : CamNetOptions.ARCHS) {
      for (int size : new int[] {32, 33, 47, 96}) {
        Shape in = new Shape(1, 3, size, size);
        Shape f = CamNet.featureBlock(small(arch, size)).getOutputShapes(new Shape[] {in})[0];
        if (arch.equals("cnn-flatten")) {
          f = Pool.maxPool2dBlock(new Shape(2, 2)).getOutputShapes(new Shape[] {f})[0];
        }
        assertThat(CamNet.mapSide(arch, size)).as(arch + " " + size).isEqualTo((int) f.get(2)).isEqualTo((int) f.get(3));
      }
    }
    // By hand: camnet 96 -> 48 (stride 2) -> 24 (pool); Keras trunk 64 -> 62 -> 31 -> 29 -> 14 -> 12.
    assertThat(CamNet.mapSide("camnet", 96)).isEqualTo(24);
    assertThat(CamNet.mapSide("cnn-gap", 64)).isEqualTo(12);
    assertThat(CamNet.mapSide("cnn-flatten", 64)).isEqualTo(6);
    assertThat(CamNet.mapSide("nin", 64)).isEqualTo(16);
  }

  @Test
  void everyArchitectureGivesScoresAndTheHeadMapsFeaturesToThem() {
    for (String arch : CamNetOptions.ARCHS) {
      try (CamModel m = CamNetTrainer.newModel(small(arch, 32), SIX, 1L);
          NDManager scope = m.manager().newSubManager()) {
        scope.getEngine().setRandomSeed(2);
        NDArray x = scope.randomNormal(new Shape(2, 3, 32, 32));
        ParameterStore ps = new ParameterStore(scope, false);
        NDList fl = m.net().forwardWithFeatures(ps, x, false);
        assertThat(fl.get(1).getShape()).as(arch).isEqualTo(new Shape(2, 6));
        int side = CamNet.mapSide(arch, 32);
        if (!arch.equals("cnn-flatten")) {
          assertThat(fl.get(0).getShape().get(2)).as(arch).isEqualTo(side);
        }
        // Running the children of features one by one, then head(), gives the same logits.
        NDArray a = x;
        for (Block child : m.net().features().getChildren().values()) {
          a = child.forward(ps, new NDList(a), false).singletonOrThrow();
        }
        assertThat(m.net().head(ps, a, false).toFloatArray()).as(arch)
            .containsExactly(fl.get(1).toFloatArray(), within(1e-5f));
        assertThat(m.net().forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray())
            .containsExactly(fl.get(1).toFloatArray(), within(1e-5f));
      }
    }
  }

  @Test
  void aMapSmallerThanOnePixelFailsBeforeBuildingNamingTheSmallestSize() {
    // cnn-gap: 16 -> 14 -> 7 -> 5 -> 2 -> 0; 18 -> 16 -> 8 -> 6 -> 3 -> 1.
    assertThatThrownBy(() -> new CamNet(small("cnn-gap", 16)))
        .isInstanceOf(CamkitException.class)
        .hasMessage("--image-size 16 is too small for --arch cnn-gap: its last conv map would be 0×0; use at least 18");
    // cnn-flatten pools once more: 21 -> 19 -> 9 -> 7 -> 3 -> 1 -> (pool) 0; 22 gives 1.
    assertThatThrownBy(() -> CamNet.checkHead(small("cnn-flatten", 21)))
        .hasMessageContaining("--arch cnn-flatten").hasMessageContaining("use at least 22");
    CamNet.checkHead(small("cnn-gap", 18));
    CamNet.checkHead(small("cnn-flatten", 22));
    // 18 gives a 1×1 map: WELDON's k⁺ = 2 is one region too many.
    CamNetOptions weldon = new CamNetOptions(18, 6, 8, 16, 0.5f, 0.25f, new HeadOptions("weldon", 2, 1, 1, 5, 1), "cnn-gap");
    assertThatThrownBy(() -> CamNet.checkHead(weldon)).hasMessageContaining("--k-max = 2").hasMessageContaining("1..1");
  }

  @Test
  void badArchitecturesAndHeadsAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> small("resnet", 32)).hasMessageContaining("--arch = resnet")
        .hasMessageContaining("camnet, camnet-fine, cnn-gap, cnn-flatten, nin");
    assertThatThrownBy(() -> new CamNetOptions(32, 6, 8, 16, 0.5f, 0.25f, new HeadOptions("lse", 5, 5, 0.7, 5, 1),
        "cnn-flatten")).hasMessageContaining("--pooling = lse").hasMessageContaining("cnn-flatten");
    assertThat(small("cnn-flatten", 32).hasCam()).isFalse();
    assertThat(small("nin", 32).hasCam()).isTrue();
  }

  @Test
  void ninHasAClassMapHeadEvenWithGapAndCnnGapKeepsTheLinearOne() {
    try (CamModel nin = CamNetTrainer.newModel(small("nin", 32), SIX, 1L);
        CamModel gap = CamNetTrainer.newModel(small("cnn-gap", 32), SIX, 1L)) {
      assertThat(nin.net().classMapHead()).isNotNull();
      assertThat(gap.net().classMapHead()).isNull();
      assertThat(gap.net().classWeights().getShape()).isEqualTo(new Shape(6, 128));
    }
  }

  @Test
  void theArchitectureRoundTripsThroughTheCardAndACardWithoutItIsCamnet() throws Exception {
    Path dir = tmp.resolve("nin");
    try (CamModel m = CamNetTrainer.newModel(small("nin", 32), SIX, 1L)) {
      m.save(dir, new ModelCard("t", "now", "nin", m.options(), SIX, TrainOptions.defaults(), null, List.of()));
    }
    try (CamModel m = CamModel.load(dir)) {
      assertThat(m.options().arch()).isEqualTo("nin");
      assertThat(m.net().classMapHead()).isNotNull();
    }
    // A card written before --arch and learned β existed.
    Path old = tmp.resolve("old");
    try (CamModel m = CamNetTrainer.newModel(CamNetOptions.defaults(32, 6), SIX, 1L)) {
      m.save(old, new ModelCard("t", "now", "camnet", m.options(), SIX, TrainOptions.defaults(), null, List.of()));
    }
    String json = Files.readString(old.resolve(ModelCard.FILE));
    assertThat(json).contains("\"arch\"").contains("\"learnBeta\"");
    json = json.replaceAll(",\\s*\"arch\" : \"camnet\"", "").replaceAll(",\\s*\"learnBeta\" : false", "");
    assertThat(json).doesNotContain("arch\"").doesNotContain("learnBeta");
    Files.writeString(old.resolve(ModelCard.FILE), json);
    ModelCard card = ModelCard.read(old);
    assertThat(card.options()).isEqualTo(CamNetOptions.defaults(32, 6));
    try (CamModel m = CamModel.load(old)) {
      assertThat(m.options().arch()).isEqualTo("camnet");
    }
  }
}
