package io.camkit.interop.torchscript;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.CamkitException;
import io.camkit.core.Options;
import io.camkit.interop.CardFiles;
import io.camkit.interop.InputScaling;
import io.camkit.model.layers.TokenGrid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How to run a TorchScript classifier, saved as JSON beside it ({@code model.pt} →
 * {@code model.pt.json} or {@code model.json}).
 *
 * <p>The input is {@code ((pixel / 255) − mean_c) / std_c} per channel, RGB order, resized to
 * {@code height × width}. Each split names a layer and the two exported methods that cut the net
 * there: {@code features(x) → A [N, K, h, w]} and {@code head(A) → y [N, C]} (see {@code
 * ../shared/STACK.md}: gradients at a layer need such a pair). The last split is the default
 * target layer.
 *
 * @param height input height
 * @param width input width
 * @param mean per-channel mean of the [0, 1] input (3 values)
 * @param std per-channel std (3 values, > 0)
 * @param classes class names (may be empty: then "0", "1", … from the output size); in the JSON,
 *     {@code "labels": "file.txt"} may name a file of them instead (see {@link #read})
 * @param splits the layers that can be targeted, in forward order (may be empty when {@code
 *     forward} is given)
 * @param forward for a model whose {@code forward(x)} returns {@code (features, logits)} (or the
 *     other order): the names of its outputs in order, e.g. {@code ["features", "logits"]}; the
 *     layer is then called {@code features}
 * @param classifier for such a model: the name of the linear classifier's weight parameter
 *     ({@code [C, K]} or {@code [C, K, 1, 1]}, bias beside it), e.g. {@code "classifier.weight"}:
 *     camkit then computes the head {@code y = W · GAP(A) + b} itself (checked against the
 *     model's logits at load), which gives gradient methods at that layer
 * @param classOrder optional: entry i = the class index (into {@code classes}) of output i, for
 *     models whose outputs are in another order than the labels
 * @param tokens for a vision transformer whose {@code features} return tokens {@code [N, T, D]}:
 *     the patch grid {@code "HxW"} (default: inferred from T, see {@link TokenGrid#resolve})
 * @param classTokens for such a model: the leading tokens that are not patches, e.g. 1 for a class
 *     token (default: inferred)
 */
public record TorchScriptCard(
    int height, int width, float[] mean, float[] std, List<String> classes, List<Split> splits,
    List<String> forward, String classifier, int[] classOrder, String tokens, Integer classTokens) {

  /**
   * One cut of the net.
   *
   * @param layer the name users pass as {@code --layer}
   * @param features the exported method computing the layer's output from the input
   * @param head the exported method computing the scores from the layer's output
   */
  public record Split(String layer, String features, String head) {
    public Split {
      if (layer == null || layer.isBlank() || features == null || head == null) {
        throw new IllegalArgumentException("a split needs a layer name and its features and head methods");
      }
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public TorchScriptCard {
    mean = mean == null ? new float[3] : mean.clone();
    std = std == null ? new float[] {1, 1, 1} : std.clone();
    classes = classes == null ? List.of() : List.copyOf(classes);
    splits = splits == null ? List.of() : List.copyOf(splits);
    forward = forward == null ? List.of() : List.copyOf(forward);
    classOrder = classOrder == null ? null : classOrder.clone();
    Options.check(height >= 1 && width >= 1, "input-size", height + "x" + width, ">= 1x1");
    Options.check(mean.length == 3, "mean", mean.length + " values", "3 values");
    Options.check(std.length == 3 && std[0] > 0 && std[1] > 0 && std[2] > 0, "std", java.util.Arrays.toString(std),
        "3 values > 0");
    if (splits.isEmpty() && forward.isEmpty()) {
      throw new IllegalArgumentException(
          "the model card names no split (layer, features method, head method) and no forward outputs");
    }
    if (!forward.isEmpty() && (forward.size() != 2 || !forward.contains("features") || !forward.contains("logits"))) {
      throw new IllegalArgumentException("the card's forward outputs must be [\"features\", \"logits\"] in some order, not "
          + forward);
    }
    TokenGrid.parse(tokens, classTokens); // validates
  }

  /** A card without token options (a CNN, or a transformer whose grid is inferred). */
  public TorchScriptCard(int height, int width, float[] mean, float[] std, List<String> classes, List<Split> splits,
      List<String> forward, String classifier, int[] classOrder) {
    this(height, width, mean, std, classes, splits, forward, classifier, classOrder, null, null);
  }

  /** A card for a model exporting {@code features}/{@code head} method pairs. */
  public TorchScriptCard(int height, int width, float[] mean, float[] std, List<String> classes, List<Split> splits) {
    this(height, width, mean, std, classes, splits, null, null, null);
  }

  /** How token layers are seen as maps ({@link #tokens}, {@link #classTokens}). */
  public TokenGrid tokenGrid() {
    return TokenGrid.parse(tokens, classTokens);
  }

  /** This card with the token options that {@code grid} fixes (the CLI's {@code --tokens}, {@code --class-tokens}). */
  public TorchScriptCard withTokens(TokenGrid grid) {
    String t = grid.height() > 0 ? grid.height() + "x" + grid.width() : tokens;
    Integer c = grid.classTokens() >= 0 ? Integer.valueOf(grid.classTokens()) : classTokens;
    return new TorchScriptCard(height, width, mean, std, classes, splits, forward, classifier, classOrder, t, c);
  }

  @Override
  public int[] classOrder() {
    return classOrder == null ? null : classOrder.clone();
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /** Images resized to the input and scaled: {@code [N, 3, H, W]}. */
  public ai.djl.ndarray.NDArray input(ai.djl.ndarray.NDManager scope, List<io.camkit.core.RgbImage> images) {
    return scaling().input(scope, images);
  }

  /** {@code (v − mean_c) / std_c} in place on planar [0, 1] images at the input size. */
  public ai.djl.ndarray.NDArray scaled(ai.djl.ndarray.NDManager scope, float[] data, int n) {
    return scaling().scaled(scope, data, n);
  }

  /** The image scaling this card describes (RGB). */
  public InputScaling scaling() {
    return new InputScaling(height, width, mean, std, false);
  }

  /** The card beside {@code model}: {@code model.pt.json}, else {@code <stem>.json}. */
  public static TorchScriptCard besides(Path model) {
    return read(CardFiles.besides(model, "input size, mean/std, classes, splits"));
  }

  /**
   * Reads a card; {@code "labels": "file.txt"} (one class per line, relative to the card) may stand
   * for {@code "classes"}.
   */
  public static TorchScriptCard read(Path file) {
    try {
      var tree = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(file.toFile());
      if (tree.hasNonNull("labels") && !tree.hasNonNull("classes")) {
        var names = tree.putArray("classes");
        io.camkit.interop.LabelsFile.read(file, tree.get("labels").asText()).forEach(names::add);
      }
      return JSON.treeToValue(tree, TorchScriptCard.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new CamkitException("cannot read model card " + file + ": " + e.getMessage(), e);
    }
  }
}
