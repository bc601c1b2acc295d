package io.camkit.interop.torchscript;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.CamkitException;
import io.camkit.core.Options;
import java.io.IOException;
import java.nio.file.Files;
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
 * @param classes class names (may be empty: then "0", "1", … from the output size)
 * @param splits the layers that can be targeted, in forward order
 */
public record TorchScriptCard(
    int height, int width, float[] mean, float[] std, List<String> classes, List<Split> splits) {

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
    Options.check(height >= 1 && width >= 1, "input-size", height + "x" + width, ">= 1x1");
    Options.check(mean.length == 3, "mean", mean.length + " values", "3 values");
    Options.check(std.length == 3 && std[0] > 0 && std[1] > 0 && std[2] > 0, "std", java.util.Arrays.toString(std),
        "3 values > 0");
    if (splits.isEmpty()) {
      throw new IllegalArgumentException("the model card names no split (layer, features method, head method)");
    }
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /** The card beside {@code model}: {@code model.pt.json}, else {@code <stem>.json}. */
  public static TorchScriptCard besides(Path model) {
    Path a = model.resolveSibling(model.getFileName() + ".json");
    String name = model.getFileName().toString();
    Path b = model.resolveSibling((name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name) + ".json");
    Path card = Files.isRegularFile(a) ? a : b;
    if (!Files.isRegularFile(card)) {
      throw new CamkitException("no model card for " + model + ": expected " + a.getFileName() + " or "
          + b.getFileName() + " (input size, mean/std, classes, splits)");
    }
    return read(card);
  }

  public static TorchScriptCard read(Path file) {
    try {
      return JSON.readValue(file.toFile(), TorchScriptCard.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new CamkitException("cannot read model card " + file + ": " + e.getMessage(), e);
    }
  }
}
