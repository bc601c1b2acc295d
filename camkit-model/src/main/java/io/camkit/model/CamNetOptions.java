package io.camkit.model;

/**
 * The architecture of a CNN-GAP network: conv blocks, a last conv with {@code K} maps, global
 * average pooling and one linear layer to {@code C} classes (Zhou et al. 2016, "Learning Deep
 * Features for Discriminative Localization", Sec. 2).
 *
 * <p>The default, {@code camnet}, is built for 2-core CPUs: a 5×5 stride-2 stem and a 2×2 max pool
 * bring the image to stride 4 (96×96 → 24×24 maps, so a 12-pixel object still covers 3×3 map
 * cells), then 3×3 convolutions with dilation 1, 2 and 4 widen the receptive field to 63 pixels
 * without further downsampling. Every conv is followed by batch norm and ReLU.
 *
 * @param imageSize input width and height, pixels
 * @param classes number of classes C
 * @param width channels of the stem; the middle convs have {@code 2 * width}
 * @param featureMaps K, the channels of the last conv (the maps CAM weighs)
 * @param mean value subtracted from every input channel in [0, 1] before the net
 * @param std value the centred input is divided by
 */
public record CamNetOptions(
    int imageSize, int classes, int width, int featureMaps, float mean, float std) {

  /** Stride of the feature maps relative to the input: 2 (stem) × 2 (pool). */
  public static final int STRIDE = 4;

  public CamNetOptions {
    check(imageSize >= 16 && imageSize <= 4096, "image-size", imageSize, "16..4096");
    check(classes >= 2, "classes", classes, ">= 2");
    check(width >= 1 && width <= 512, "width", width, "1..512");
    check(featureMaps >= 1 && featureMaps <= 4096, "feature-maps", featureMaps, "1..4096");
    check(std > 0, "std", std, "> 0");
  }

  private static void check(boolean ok, String option, Object value, String range) {
    if (!ok) {
      throw new IllegalArgumentException(
          "option --" + option + " = " + value + " is out of range (allowed: " + range + ")");
    }
  }

  /** The default network for {@code classes} classes on {@code imageSize} images. */
  public static CamNetOptions defaults(int imageSize, int classes) {
    return new CamNetOptions(imageSize, classes, 32, 128, 0.5f, 0.25f);
  }

  /** Side of the last conv's maps for this input size. */
  public int featureSize() {
    return Math.floorDiv(Math.floorDiv(imageSize + 1, 2), 2);
  }
}
