package io.camkit.model.seg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.camkit.core.Box;
import io.camkit.core.Mask;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.model.train.SegmentationTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The U-Net and FCN segmenters: shapes for odd and even sides, the skips, the loss by hand, and learning. */
class SegmenterTest {

  @ParameterizedTest(name = "{0}: {1}×{2} in, the same size out")
  @CsvSource({"unet,16,16", "unet,17,13", "unet,15,9", "fcn,16,16", "fcn,17,13", "fcn,15,9"})
  void theOutputHasTheInputsSizeForOddAndEvenSides(String variant, int h, int w) {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      Segmenter s = SegmentationTrainer.newSegmenter(new SegmenterOptions(variant, 16, 2, 4, 2, 0.5f, 0.25f), m, 1);
      NDArray y = s.forward(new ParameterStore(m, false), new NDList(m.randomNormal(new Shape(2, 3, h, w))), false)
          .singletonOrThrow();
      assertThat(y.getShape()).isEqualTo(new Shape(2, 3, h, w));
      assertThat(s.getOutputShapes(new Shape[] {new Shape(2, 3, h, w)})[0]).isEqualTo(new Shape(2, 3, h, w));
    }
  }

  /** 17×13 pooled twice: 8×6, then 4×3; the 2× transposed convolutions give 8×6 and 16×12, padded to 17×13. */
  @Test
  void levelsAndSkipsHaveTheHandComputedShapes() {
    assertThat(Segmenter.levelSides(17, 13, 2)).isDeepEqualTo(new int[][] {{17, 13}, {8, 6}, {4, 3}});
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      Segmenter s = SegmentationTrainer.newSegmenter(new SegmenterOptions("unet", 16, 2, 4, 2, 0.5f, 0.25f), m, 1);
      // U-Net: each merge reads the skip's 4·2^i channels and the upsampled 4·2^i, concatenated
      assertThat(weightShape(s, "merge0")).isEqualTo(new Shape(4, 8, 3, 3));
      assertThat(weightShape(s, "merge1")).isEqualTo(new Shape(8, 16, 3, 3));
      assertThat(weightShape(s, "bottom")).isEqualTo(new Shape(16, 8, 3, 3));
      assertThat(weightShape(s, "up1")).isEqualTo(new Shape(16, 8, 2, 2)); // transposed: [in, out, kH, kW]
      NDArray u = m.ones(new Shape(1, 1, 16, 12));
      NDArray padded = Segmenter.padTo(u, m.zeros(new Shape(1, 1, 17, 13)));
      assertThat(padded.getShape()).isEqualTo(new Shape(1, 1, 17, 13));
      assertThat(padded.sum().getFloat()).isEqualTo(16 * 12);
      assertThat(padded.get("0, 0, 16, :").sum().getFloat()).isZero(); // the new bottom row
      // FCN: scorers at every level to 3 outputs, upsampling 3 → 3
      Segmenter f = SegmentationTrainer.newSegmenter(new SegmenterOptions("fcn", 16, 2, 4, 2, 0.5f, 0.25f), m, 1);
      assertThat(weightShape(f, "score0")).isEqualTo(new Shape(3, 4, 1, 1));
      assertThat(weightShape(f, "scoreBottom")).isEqualTo(new Shape(3, 16, 1, 1));
      assertThat(weightShape(f, "up0")).isEqualTo(new Shape(3, 3, 2, 2));
    }
  }

  private static Shape weightShape(Segmenter s, String child) {
    return s.getParameters().stream().filter(p -> p.getKey().matches("\\d+" + child + "_.*weight"))
        .findFirst().orElseThrow(() -> new AssertionError("no weight under " + child + " in "
            + s.getParameters().keys())).getValue().getArray().getShape();
  }

  /** The 2× transposed convolution by hand: one input pixel spreads into its 2×2 cell. */
  @Test
  void upsamplingSpreadsEachPixelIntoItsCell() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      // x: 1 channel, 1×2 = [1, 2]; W [1, 1, 2, 2] = [[1, 2], [3, 4]]; β = 0.5
      NDArray y = Upsample2x.apply(m.create(new float[] {1, 2}, new Shape(1, 1, 1, 2)),
          m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2)), m.create(new float[] {0.5f}));
      assertThat(y.getShape()).isEqualTo(new Shape(1, 1, 2, 4));
      assertThat(y.toFloatArray()).containsExactly(1.5f, 2.5f, 2.5f, 4.5f, 3.5f, 4.5f, 6.5f, 8.5f);
      // two input channels into two outputs: y[o] = Σ_c x[c] W[c, o]
      NDArray x2 = m.create(new float[] {1, 10}, new Shape(1, 2, 1, 1));
      NDArray w2 = m.create(new float[] {1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 1, 0, 0, 0, 1}, new Shape(2, 2, 2, 2));
      assertThat(Upsample2x.apply(x2, w2, m.zeros(new Shape(2))).toFloatArray())
          .containsExactly(1, 1, 1, 11, 2, 2, 2, 12);
    }
  }

  /**
   * Two pixels, two outputs: z = (0, ln 3) → p(1) = 3/4; z = (ln 3, 0) → p(0) = 3/4; targets 1 and 1:
   * losses −ln(3/4) and −ln(1/4). Unweighted mean (ln 4/3 + ln 4)/2; with weights (1, 3) both pixels
   * weigh 3, the same mean; with targets 0 and 1 and weights (1, 3): (ln 4 · 1 + ln 4/3 · 3)/4.
   */
  @Test
  void pixelCrossEntropyByHand() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      float l3 = (float) Math.log(3);
      NDArray z = m.create(new float[] {0, l3, l3, 0}, new Shape(1, 2, 1, 2));
      double a = Math.log(4.0 / 3);
      double b = Math.log(4);
      NDArray ones = m.create(new float[] {1, 1}, new Shape(1, 1, 2));
      assertThat(SegmentationTrainer.pixelCrossEntropy(z, ones, null).getFloat()).isCloseTo((float) ((a + b) / 2),
          within(1e-6f));
      assertThat(SegmentationTrainer.pixelCrossEntropy(z, ones, new float[] {1, 3}).getFloat())
          .isCloseTo((float) ((a + b) / 2), within(1e-6f));
      NDArray zeroOne = m.create(new float[] {0, 1}, new Shape(1, 1, 2));
      assertThat(SegmentationTrainer.pixelCrossEntropy(z, zeroOne, new float[] {1, 3}).getFloat())
          .isCloseTo((float) ((b + 3 * b) / 4), within(1e-6f)); // pixel 0: target 0, p = 1/4; pixel 1: target 1, p = 1/4
    }
  }

  /** Squares of class 0 and 1 on black: a few epochs drive the loss down and the mask IoU of the argmax up. */
  @Test
  void learnsToSegmentSquares() {
    List<Sample> samples = new ArrayList<>();
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < 32; i++) {
      int c = i % 2;
      int x0 = r.nextInt(8);
      int y0 = r.nextInt(8);
      byte[] rgb = new byte[16 * 16 * 3];
      boolean[] bits = new boolean[256];
      for (int y = y0; y < y0 + 7; y++) {
        for (int x = x0; x < x0 + 7; x++) {
          rgb[(y * 16 + x) * 3 + c] = (byte) 255; // red or green
          bits[y * 16 + x] = true;
        }
      }
      RgbImage img = new RgbImage(16, 16, rgb);
      samples.add(new Sample("s" + i, img, List.of(new ObjectAnnotation(c, new Box(x0, y0, x0 + 7, y0 + 7),
          Optional.of(new Mask(16, 16, bits))))));
    }
    Dataset data = new Dataset("squares", List.of("red", "green"), samples);
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      SegmenterOptions o = new SegmenterOptions("unet", 16, 2, 4, 2, 0.5f, 0.25f);
      Segmenter s = SegmentationTrainer.newSegmenter(o, m, 2);
      List<Double> losses = new SegmentationTrainer(new SegmentationTrainer.Options(6, 8, 1e-2f, null, 5), l -> { })
          .fit(s, m, data);
      assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) / 2);
      NDArray p = SegmentationTrainer.probabilities(s, m, List.of(samples.get(0).image(), samples.get(1).image()));
      float[] label = p.argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
      for (int i = 0; i < 2; i++) {
        float[] t = SegmentationTrainer.targets(samples.get(i), 16, 16);
        int inter = 0;
        int union = 0;
        for (int q = 0; q < 256; q++) {
          boolean a = label[i * 256 + q] == i + 1;
          boolean b = t[q] == i + 1;
          inter += a && b ? 1 : 0;
          union += a || b ? 1 : 0;
        }
        assertThat((double) inter / union).as("IoU of image " + i).isGreaterThan(0.7);
      }
    }
    assertThatThrownBy(() -> new SegmenterOptions("deeplab", 16, 2, 4, 2, 0.5f, 0.25f)).hasMessageContaining("segmenter");
  }
}
