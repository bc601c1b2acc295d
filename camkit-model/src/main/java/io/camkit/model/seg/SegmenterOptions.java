package io.camkit.model.seg;

import io.camkit.core.Options;
import java.util.List;

/**
 * A fully supervised segmenter's shape, validated on construction.
 *
 * @param variant {@code unet} (Ronneberger et al., "U-Net: Convolutional Networks for Biomedical
 *     Image Segmentation", MICCAI 2015: a contracting path, an expanding path of transposed
 *     convolutions, each level's features concatenated from the contracting path) or {@code fcn}
 *     (Long et al., "Fully Convolutional Networks for Semantic Segmentation", CVPR 2015: class scores
 *     at every level, the coarse ones upsampled by transposed convolutions and summed with the
 *     finer ones, as FCN-8s)
 * @param imageSize the input side in pixels (any size works; this one is the training size)
 * @param classes object classes; the network outputs {@code classes + 1} scores per pixel, index 0
 *     being the background
 * @param width the first level's channels (doubled at each level down)
 * @param depth the number of 2× poolings, ≥ 1
 * @param mean input normalisation: {@code (x − mean) / std}, x in [0, 1]
 * @param std see {@code mean}
 */
public record SegmenterOptions(String variant, int imageSize, int classes, int width, int depth, float mean, float std) {
  public static final List<String> VARIANTS = List.of("unet", "fcn");

  public SegmenterOptions {
    Options.check(VARIANTS.contains(variant), "segmenter", variant, String.join(", ", VARIANTS));
    Options.check(imageSize >= 2, "image-size", imageSize, ">= 2");
    Options.check(classes >= 1, "classes", classes, ">= 1");
    Options.check(width >= 1, "width", width, ">= 1");
    Options.check(depth >= 1 && (imageSize >> depth) >= 1, "depth", depth, "1.." + (31 - Integer.numberOfLeadingZeros(imageSize)));
    Options.check(std > 0, "std", std, "> 0");
  }

  /** A U-Net of 3 levels of 16, 32, 64 channels (and 128 at the bottom), camnet's normalisation. */
  public static SegmenterOptions unet(int imageSize, int classes) {
    return new SegmenterOptions("unet", imageSize, classes, 16, 3, 0.5f, 0.25f);
  }

  public SegmenterOptions withVariant(String v) {
    return new SegmenterOptions(v, imageSize, classes, width, depth, mean, std);
  }

  /** Scores per pixel: the classes and the background. */
  public int outputs() {
    return classes + 1;
  }
}
