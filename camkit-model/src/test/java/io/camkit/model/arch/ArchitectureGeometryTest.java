package io.camkit.model.arch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import io.camkit.model.CamNet;
import io.camkit.model.CamNetOptions;
import io.camkit.model.fcn.ReceptiveField;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;

/**
 * {@link Architecture}: map sides, receptive fields and smallest inputs computed by hand per
 * architecture, and the derived feature shape equal to what DJL's {@code getOutputShapes} says of
 * the block built from the same description.
 */
class ArchitectureGeometryTest {
  private static Architecture arch(String name) {
    return Architecture.of(name, 4, 8);
  }

  @Test
  void camnetByHand() {
    Architecture a = arch("camnet"); // (k, s, p): (3,2,1) (3,1,1) (2,2,0) (3,1,1) (3,1,1), then two 1×1
    assertThat(a.mapSide(96)).isEqualTo(24); // 96 -> 48 -> 48 -> 24 -> 24 -> 24
    assertThat(a.mapSide(33)).isEqualTo(8); // 33 -> ⌊32/2⌋+1 = 17 -> 17 -> ⌊15/2⌋+1 = 8 -> 8 -> 8
    // S = 2·2 = 4; R = 1 + 2·1 + 2·2 + 1·2 + 2·4 + 2·4 = 25; P = 1·1 + 1·2 + 0 + 1·4 + 1·4 = 11.
    ReceptiveField rf = a.receptiveField(96);
    assertThat(rf).extracting(ReceptiveField::stride, ReceptiveField::size, ReceptiveField::padding)
        .containsExactly(4, 25, 11);
    assertThat(rf).isEqualTo(a.receptiveField(33)); // no dense head: the training size does not matter
    // Backwards from 1: 1 <- 1 <- 2 (pool) <- 2 <- (2−1)·2 + 3 − 2 = 3; and 2 -> 1 -> 1 -> 0.
    assertThat(a.smallestInput()).isEqualTo(3);
    assertThat(a.featureMaps()).isEqualTo(8);
    assertThat(a.features()).hasSize(7);
  }

  @Test
  void camnetFineByHand() {
    Architecture a = arch("camnet-fine"); // (3,2,1) (3,1,1), then the coarse branch fused back at stride 2
    assertThat(a.mapSide(96)).isEqualTo(48); // 96 -> 48 -> 48 -> 48 (pool, convs, ×2 up) -> 48
    assertThat(a.mapSide(33)).isEqualTo(17);
    // Coarse branch in its input's units: pool R 2, jump 2; conv3: 2 + 2·2 = 6; conv3: 10; 1×1: 10.
    // Nearest ×2 adds 1 (11), made odd: the branch is a "same" 11×11 window, p = 5.
    LayerSpec.CoarseToFine fuse = (LayerSpec.CoarseToFine) a.features().get(2);
    assertThat(fuse.footprint()).isEqualTo(new io.camkit.model.fcn.ConvLayer(11, 1, 5));
    // S = 2; R = 1 + 2·1 + 2·2 + 10·2 = 27 (camnet's 25 plus the upsampling); P = 1 + 2 + 5·2 = 13.
    assertThat(a.receptiveField(96)).extracting(ReceptiveField::stride, ReceptiveField::size,
        ReceptiveField::padding).containsExactly(2, 27, 13);
    // Channels: stem w = 4, coarse 4w = 16 concatenated with the stem's 4 -> 20, then K = 8.
    assertThat(fuse.channels(4)).isEqualTo(20);
    assertThat(a.featureMaps()).isEqualTo(8);
    assertThat(a.featureBlock().getOutputShapes(new Shape[] {new Shape(2, 3, 96, 96)})[0])
        .isEqualTo(new Shape(2, 8, 48, 48));
  }

  @Test
  void kerasTrunkByHand() {
    Architecture gap = arch("cnn-gap"); // (3,1,0) (2,2,0) (3,1,0) (2,2,0) (3,1,0)
    assertThat(gap.mapSide(64)).isEqualTo(12); // 64 -> 62 -> 31 -> 29 -> 14 -> 12
    assertThat(gap.mapSide(40)).isEqualTo(6); // 40 -> 38 -> 19 -> 17 -> 8 -> 6
    // S = 4; R = 1 + 2 + 1 + 2·2 + 1·2 + 2·4 = 18; P = 0.
    assertThat(gap.receptiveField(64)).extracting(ReceptiveField::stride, ReceptiveField::size,
        ReceptiveField::padding).containsExactly(4, 18, 0);
    assertThat(gap.smallestInput()).isEqualTo(18); // 16 -> 14 -> 7 -> 5 -> 2 -> 0
    assertThat(gap.featureMaps()).isEqualTo(128); // the Keras trunk ignores width and K
    assertThat(gap.hasDenseHead()).isFalse();

    Architecture flat = arch("cnn-flatten"); // the trunk, then the dense head's (2,2,0)
    assertThat(flat.hasDenseHead()).isTrue();
    assertThat(flat.mapSide(64)).isEqualTo(6); // 12 -> 6
    assertThat(flat.mapSide(40)).isEqualTo(3); // 6 -> 3
    // + pool (S 4 -> 8, R + 1·4) + the dense layer as a 6×6 conv (R + 5·8): 18 + 4 + 40 = 62.
    assertThat(flat.receptiveField(64)).extracting(ReceptiveField::stride, ReceptiveField::size,
        ReceptiveField::padding).containsExactly(8, 62, 0);
    // At 40 the dense layer is a 3×3 conv: 18 + 4 + 2·8 = 38.
    assertThat(flat.receptiveField(40).size()).isEqualTo(38);
    assertThat(flat.smallestInput()).isEqualTo(22); // 21 -> 19 -> 9 -> 7 -> 3 -> 1 -> 0
  }

  @Test
  void ninByHand() {
    Architecture a = arch("nin"); // (5,1,2) (2,2,0) (5,1,2) (2,2,0) (3,1,1); the 1×1s change nothing
    assertThat(a.mapSide(64)).isEqualTo(16); // 64 -> 64 -> 32 -> 32 -> 16 -> 16
    assertThat(a.mapSide(40)).isEqualTo(10); // 40 -> 40 -> 20 -> 20 -> 10 -> 10
    // S = 4; R = 1 + 4 + 1 + 4·2 + 1·2 + 2·4 = 24; P = 2 + 2·2 + 1·4 = 10.
    assertThat(a.receptiveField(64)).extracting(ReceptiveField::stride, ReceptiveField::size,
        ReceptiveField::padding).containsExactly(4, 24, 10);
    assertThat(a.smallestInput()).isEqualTo(4); // 4 -> 4 -> 2 -> 2 -> 1 -> 1; 3 -> 3 -> 1 -> 1 -> 0
    assertThat(a.featureMaps()).isEqualTo(8);
  }

  @Test
  void theKerasTrunkAndTheCamNetFeaturesAreBuiltFromTheDescription() {
    Shape in = new Shape(1, 3, 64, 64);
    assertThat(KerasBaselines.trunk().getOutputShapes(new Shape[] {in})[0])
        .isEqualTo(arch("cnn-gap").featureShape(in)).isEqualTo(new Shape(1, 128, 12, 12));
    CamNetOptions o = new CamNetOptions(64, 3, 4, 8, 0.5f, 0.25f, null, "nin");
    assertThat(CamNet.featureBlock(o).getOutputShapes(new Shape[] {in})[0]).isEqualTo(new Shape(1, 8, 16, 16));
    assertThat(CamNet.mapSide("nin", 64)).isEqualTo(16);
    assertThat(ReceptiveField.of(o)).isEqualTo(Architecture.of(o).receptiveField(64));
  }

  @Property(tries = 300)
  void featureShapeIsWhatDjlComputesForTheBuiltBlock(@ForAll("archs") String name,
      @ForAll @IntRange(min = 1, max = 300) int h, @ForAll @IntRange(min = 1, max = 300) int w) {
    // camnet-fine's coarse branch pools its input by 2, so it needs 3 px (CamNetOptions asks 16).
    net.jqwik.api.Assume.that(!name.equals("camnet-fine") || Math.min(h, w) >= 3);
    Architecture a = arch(name);
    Shape in = new Shape(2, 3, h, w);
    Shape expected = a.featureShape(in);
    if (expected.get(2) >= 1 && expected.get(3) >= 1) { // DJL's shapes go negative where ours stop at 0
      assertThat(a.featureBlock().getOutputShapes(new Shape[] {in})[0]).isEqualTo(expected);
    }
    int side = Math.min(h, w);
    if (a.hasDenseHead() && a.mapSide(side) >= 1) {
      Shape f = a.featureBlock().getOutputShapes(new Shape[] {new Shape(1, 3, side, side)})[0];
      Shape pooled = KerasBaselines.FLATTEN_POOL.block().getOutputShapes(new Shape[] {f})[0];
      assertThat(a.mapSide(side)).isEqualTo((int) pooled.get(2));
    } else if (!a.hasDenseHead()) {
      assertThat(a.mapSide(side)).isEqualTo((int) a.featureShape(new Shape(1, 3, side, side)).get(2));
    }
  }

  @Property(tries = 200)
  void smallestInputIsTheFirstSizeWithAMap(@ForAll("archs") String name, @ForAll @IntRange(min = 1, max = 9) int w) {
    Architecture a = Architecture.of(name, w, 2 * w);
    int least = 1;
    while (a.mapSide(least) < 1) {
      least++;
    }
    assertThat(a.smallestInput()).isEqualTo(least);
    for (int n = least; n < least + 40; n++) {
      assertThat(a.mapSide(n)).isGreaterThanOrEqualTo(1); // monotone: every larger input has a map
    }
  }

  @Property(tries = 200)
  void everyOutputLocationSeesItsWindowInsideAPaddedInput(@ForAll("archs") String name,
      @ForAll @IntRange(min = 24, max = 200) int n) {
    // The last location o = out − 1 sees [S·o − P, S·o − P + R); it ends inside the input plus the
    // padding P on the right: S·(out − 1) − P + R ≤ n + P.
    ReceptiveField rf = arch(name).receptiveField(64);
    int out = rf.outputSize(n);
    if (out >= 1) {
      assertThat(rf.windowStart(out - 1) + rf.size()).isLessThanOrEqualTo(n + rf.padding());
    }
  }

  @Provide
  Arbitrary<String> archs() {
    return Arbitraries.of(CamNetOptions.ARCHS);
  }
}
