package io.camkit.model;

import io.camkit.core.Options;
import io.camkit.model.wsol.WsolOptions;

/**
 * The architecture of a CNN-GAP network: conv blocks, a last conv with {@code K} maps, global
 * average pooling and one linear layer to {@code C} classes (Zhou et al. 2016, "Learning Deep
 * Features for Discriminative Localization", Sec. 2).
 *
 * <p>The default, {@code camnet}, is built for 2-core CPUs and for tight maps: a 3×3 stride-2 conv
 * and a 3×3 conv of {@code width} channels, a 2×2 max pool, two 3×3 convs of {@code 2·width}, then
 * two 1×1 convs ({@code 4·width}, then K). The maps have stride 4 (96×96 → 24×24, so a 12-pixel
 * object still covers 3×3 cells) and a receptive field of 25 pixels: the two 1×1 convs add
 * capacity without widening it. A wider field (one more 3×3 conv, 33 pixels) classifies better
 * but spreads every CAM by its field, a halo that the 20% threshold turns into boxes about twice
 * too large (measured in docs/BENCHMARKS.md). Every conv is followed by batch norm and ReLU; the
 * first conv is strided because full-resolution convolutions and their batch norms would cost
 * most of a CPU step.
 *
 * @param imageSize input width and height, pixels
 * @param classes number of classes C
 * @param width channels of the stem; the middle convs have {@code 2 * width}
 * @param featureMaps K, the channels of the last conv (the maps CAM weighs)
 * @param mean value subtracted from every input channel in [0, 1] before the net
 * @param std value the centred input is divided by
 * @param head the classifier head: GAP + linear (default) or a pooled class-map head
 * @param arch the conv stack, one of {@link #ARCHS}: {@code camnet} (default; also when absent
 *     from a model card written before architectures existed), {@code cnn-gap}, {@code
 *     cnn-flatten} or {@code nin} (see {@link CamNet})
 * @param wsol the WSOL training method and its hyper-parameters ({@link WsolOptions}; plain CAM
 *     when absent from a model card written before WSOL methods existed). ADL needs a net with
 *     CAM; ACoL needs the GAP + linear head (its two branches are two such heads)
 */
public record CamNetOptions(
    int imageSize, int classes, int width, int featureMaps, float mean, float std, HeadOptions head, String arch,
    WsolOptions wsol) {

  /** The selectable architectures ({@code --arch}). */
  public static final java.util.List<String> ARCHS = java.util.List.of("camnet", "camnet-fine", "cnn-gap", "cnn-flatten", "nin");

  public CamNetOptions {
    head = head == null ? HeadOptions.gap() : head; // model cards written before heads existed
    arch = arch == null ? "camnet" : arch; // model cards written before architectures existed
    wsol = wsol == null ? WsolOptions.none() : wsol; // model cards written before WSOL methods existed
    Options.check(ARCHS.contains(arch), "arch", arch, String.join(", ", ARCHS));
    Options.check(!arch.equals("cnn-flatten") || head.isGap(), "pooling", head.pooling(),
        "gap with --arch cnn-flatten (its dense head pools by flattening)");
    Options.check(imageSize >= 16 && imageSize <= 4096, "image-size", imageSize, "16..4096");
    Options.check(classes >= 2, "classes", classes, ">= 2");
    Options.check(width >= 1 && width <= 512, "width", width, "1..512");
    Options.check(featureMaps >= 1 && featureMaps <= 4096, "feature-maps", featureMaps, "1..4096");
    Options.check(std > 0, "std", std, "> 0");
    Options.check(!wsol.is("adl") || !arch.equals("cnn-flatten"), "wsol", wsol.method(),
        "cam, has or cutmix with --arch cnn-flatten (ADL and ACoL act on the maps CAM weighs)");
    Options.check(!wsol.is("acol") || (head.isGap() && !arch.equals("nin") && !arch.equals("cnn-flatten")), "wsol",
        wsol.method(), "acol only with --pooling gap on camnet or cnn-gap (its branches are GAP + linear heads)");
  }

  /** Plain CAM training ({@link WsolOptions#none()}). */
  public CamNetOptions(
      int imageSize, int classes, int width, int featureMaps, float mean, float std, HeadOptions head, String arch) {
    this(imageSize, classes, width, featureMaps, mean, std, head, arch, null);
  }

  /** The {@code camnet} architecture with {@code head}. */
  public CamNetOptions(int imageSize, int classes, int width, int featureMaps, float mean, float std, HeadOptions head) {
    this(imageSize, classes, width, featureMaps, mean, std, head, "camnet");
  }

  /** The same options with another architecture. */
  public CamNetOptions withArch(String a) {
    return new CamNetOptions(imageSize, classes, width, featureMaps, mean, std, head, a, wsol);
  }

  /** The same options with another WSOL method. */
  public CamNetOptions withWsol(WsolOptions w) {
    return new CamNetOptions(imageSize, classes, width, featureMaps, mean, std, head, arch, w);
  }

  /**
   * Whether the net has class activation maps: every architecture but {@code cnn-flatten}, whose
   * dense head ties weights to positions.
   */
  public boolean hasCam() {
    return !arch.equals("cnn-flatten");
  }

  /** The default network for {@code classes} classes on {@code imageSize} images. */
  public static CamNetOptions defaults(int imageSize, int classes) {
    return new CamNetOptions(imageSize, classes, 32, 128, 0.5f, 0.25f, HeadOptions.gap());
  }

}
