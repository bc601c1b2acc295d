package io.camkit.interop.onnx;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.CamkitException;
import io.camkit.interop.CardFiles;
import io.camkit.interop.InputScaling;
import io.camkit.interop.LabelsFile;
import io.camkit.model.layers.TokenGrid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How to run an ONNX image classifier, saved as JSON beside it ({@code model.onnx.json} or
 * {@code model.json}). Every field but the size may be left out:
 *
 * <pre>{@code
 * {"height": 224, "width": 224, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "channels": "RGB",
 *  "input": "input", "logits": "logits", "layer": "features",
 *  "labels": "labels.txt", "classOrder": [ ... ], "tokens": "14x14", "classTokens": 1}
 * }</pre>
 *
 * @param height input height
 * @param width input width
 * @param mean per-channel mean of the [0, 1] RGB input ({@link InputScaling}; default 0)
 * @param std per-channel std (default 1; {@code x/127.5 − 1} is mean 0.5, std 0.5)
 * @param channels {@code "RGB"} (default) or {@code "BGR"}; the layout is NCHW
 * @param input the graph input fed with images (default: the only non-constant input)
 * @param logits the output holding the class scores {@code [N, C]}, before softmax (default: the
 *     output named {@code logits}, else the only output)
 * @param layer the default target layer, a tensor name (default: the input of the classifier
 *     head, found by walking back from the logits through pooling, reshaping and linear ops)
 * @param classes class names, output order (or give {@code labels})
 * @param labels a text file, relative to the card, with one class name per line
 * @param classOrder optional: entry i = the index (into the classes) of output i, for models whose
 *     outputs are in another order than the labels
 * @param tokens for a vision transformer: the patch grid {@code "HxW"} of its token layers {@code
 *     [N, T, D]} (default: inferred from T, see {@link TokenGrid#resolve})
 * @param classTokens for such a model: the leading tokens that are not patches (default: inferred)
 */
public record OnnxCard(
    int height, int width, float[] mean, float[] std, String channels, String input, String logits, String layer,
    List<String> classes, String labels, int[] classOrder, String tokens, Integer classTokens) {

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public OnnxCard {
    channels = channels == null ? "RGB" : channels.toUpperCase(Locale.ROOT);
    if (!channels.equals("RGB") && !channels.equals("BGR")) {
      throw new IllegalArgumentException("the card's channels must be \"RGB\" or \"BGR\", not \"" + channels + "\"");
    }
    classes = classes == null ? List.of() : List.copyOf(classes);
    classOrder = classOrder == null ? null : classOrder.clone();
    scaling(height, width, mean, std, channels); // validates
    mean = mean == null ? null : mean.clone();
    std = std == null ? null : std.clone();
    TokenGrid.parse(tokens, classTokens); // validates
  }

  /** A card without token options (a CNN, or a transformer whose grid is inferred). */
  public OnnxCard(int height, int width, float[] mean, float[] std, String channels, String input, String logits,
      String layer, List<String> classes, String labels, int[] classOrder) {
    this(height, width, mean, std, channels, input, logits, layer, classes, labels, classOrder, null, null);
  }

  /** A card giving only the input size and scaling. */
  public static OnnxCard of(int height, int width, float[] mean, float[] std) {
    return new OnnxCard(height, width, mean, std, null, null, null, null, null, null, null);
  }

  private static InputScaling scaling(int height, int width, float[] mean, float[] std, String channels) {
    return new InputScaling(height, width, mean, std, channels.equals("BGR"));
  }

  /** The image scaling this card describes. */
  public InputScaling scaling() {
    return scaling(height, width, mean, std, channels);
  }

  @Override
  public float[] mean() {
    return mean == null ? null : mean.clone();
  }

  @Override
  public float[] std() {
    return std == null ? null : std.clone();
  }

  @Override
  public int[] classOrder() {
    return classOrder == null ? null : classOrder.clone();
  }

  /** This card with {@code classOrder} set. */
  public OnnxCard withClassOrder(int[] order) {
    return new OnnxCard(height, width, mean, std, channels, input, logits, layer, classes, labels, order, tokens,
        classTokens);
  }

  /** This card with the default target layer set. */
  public OnnxCard withLayer(String name) {
    return new OnnxCard(height, width, mean, std, channels, input, logits, name, classes, labels, classOrder, tokens,
        classTokens);
  }

  /** How token layers are seen as maps ({@link #tokens}, {@link #classTokens}). */
  public TokenGrid tokenGrid() {
    return TokenGrid.parse(tokens, classTokens);
  }

  /** This card with the token options that {@code grid} fixes (the CLI's {@code --tokens}, {@code --class-tokens}). */
  public OnnxCard withTokens(TokenGrid grid) {
    String t = grid.height() > 0 ? grid.height() + "x" + grid.width() : tokens;
    Integer c = grid.classTokens() >= 0 ? Integer.valueOf(grid.classTokens()) : classTokens;
    return new OnnxCard(height, width, mean, std, channels, input, logits, layer, classes, labels, classOrder, t, c);
  }

  /** The card beside {@code model}: {@code model.onnx.json}, else {@code <stem>.json}. */
  public static OnnxCard besides(Path model) {
    return read(CardFiles.besides(model, "at least {\"height\": H, \"width\": W}; see docs/MODELS.md"));
  }

  /** Reads a card; a {@code labels} file is read relative to it into {@link #classes}. */
  public static OnnxCard read(Path file) {
    OnnxCard c;
    try {
      c = JSON.readValue(file.toFile(), OnnxCard.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new CamkitException("cannot read model card " + file + ": " + e.getMessage(), e);
    }
    if (c.labels() == null || !c.classes().isEmpty()) {
      return c;
    }
    List<String> names = LabelsFile.read(file, c.labels());
    return new OnnxCard(c.height(), c.width(), c.mean, c.std, c.channels(), c.input(), c.logits(), c.layer(),
        names, c.labels(), c.classOrder, c.tokens(), c.classTokens());
  }
}
