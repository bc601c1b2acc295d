package io.camkit.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.core.RgbImage;
import io.camkit.model.layers.LayeredModel;
import java.util.List;

/**
 * The part every model imported from elsewhere repeats as a {@link LayeredModel}: its class names,
 * the input it wants ({@code [H, W]} and the scaling of {@link #input} and {@link #scaled}) and
 * its description. A backend (TorchScript, ONNX, a transfer head on a backbone) supplies only its
 * layers, its forward pass {@code x → y}, its cut {@code x → A → y} at a layer and what it closes.
 *
 * <p>The class names are known only once the backend has run the model (their count is the
 * width of the logits), so the subclass's constructor hands them over with {@link
 * #setClasses}; until then {@link #classes()} fails.
 */
public abstract class ImportedModel implements LayeredModel {
  private final String description;
  private final Inputs inputs;
  private List<String> classes;

  /**
   * @param description the short description for reports (e.g. the file name)
   * @param inputs how images become the model's input {@code x [N, 3, H, W]}
   */
  protected ImportedModel(String description, Inputs inputs) {
    this.description = description;
    this.inputs = inputs;
  }

  /** Sets the class names (index = logit column), once, from the subclass's constructor. */
  protected final void setClasses(List<String> names) {
    if (classes != null) {
      throw new IllegalStateException("the classes of " + description + " are already set");
    }
    classes = List.copyOf(names);
  }

  @Override
  public final List<String> classes() {
    if (classes == null) {
      throw new IllegalStateException("the classes of " + description + " are not set yet");
    }
    return classes;
  }

  @Override
  public final int[] inputSize() {
    return inputs.inputSize();
  }

  @Override
  public final NDArray input(NDManager scope, List<RgbImage> images) {
    return inputs.input(scope, images);
  }

  @Override
  public final NDArray scaled(NDManager scope, float[] chw01, int n) {
    return inputs.scaled(scope, chw01, n);
  }

  @Override
  public final String description() {
    return description;
  }

  /**
   * How images become a model's input {@code x [N, 3, H, W]}: an {@link InputScaling} from a
   * card, or the input of another model (the backbone a transfer head reads, {@link
   * #of(LayeredModel)}).
   */
  public interface Inputs {
    /** The input size {@code [H, W]}. */
    int[] inputSize();

    /** The images resized to {@link #inputSize()} and scaled: {@code [N, 3, H, W]}. */
    NDArray input(NDManager scope, List<RgbImage> images);

    /** Planar RGB [0, 1] images at the input size ({@code [N, 3, H, W]}), scaled; may modify the data. */
    NDArray scaled(NDManager scope, float[] chw01, int n);

    /** The inputs {@code model} takes (its {@code inputSize}, {@code input} and {@code scaled}). */
    static Inputs of(LayeredModel model) {
      return new Inputs() {
        @Override
        public int[] inputSize() {
          return model.inputSize();
        }

        @Override
        public NDArray input(NDManager scope, List<RgbImage> images) {
          return model.input(scope, images);
        }

        @Override
        public NDArray scaled(NDManager scope, float[] chw01, int n) {
          return model.scaled(scope, chw01, n);
        }
      };
    }
  }
}
