package io.camkit.model.fcn;

import io.camkit.model.CamNetOptions;
import io.camkit.model.arch.Architecture;
import java.util.List;

/**
 * The geometry of a fully convolutional net along one axis (the same for x and y): output location
 * {@code o} sees the input window {@code [S·o − P, S·o − P + R)} (pixels outside the image are
 * the layers' zero padding), where, over the layers {@code (k_i, s_i, p_i)} in order,
 *
 * <pre>  S = Π s_i,   R = 1 + Σ (k_i − 1) · Π_{j&lt;i} s_j,   P = Σ p_i · Π_{j&lt;i} s_j.</pre>
 *
 * @param layers the layers, input first
 * @param stride S, input pixels between neighbouring output locations
 * @param size R, the side of the window each output location sees
 * @param padding P, how far the first window starts before pixel 0
 */
public record ReceptiveField(List<ConvLayer> layers, int stride, int size, int padding) {
  public ReceptiveField {
    layers = List.copyOf(layers);
  }

  /** The geometry of {@code layers}. */
  public static ReceptiveField of(List<ConvLayer> layers) {
    int s = 1;
    int r = 1;
    int p = 0;
    for (ConvLayer l : layers) {
      r += (l.kernel() - 1) * s;
      p += l.padding() * s;
      s *= l.stride();
    }
    return new ReceptiveField(layers, s, r, p);
  }

  /**
   * The geometry of the fully convolutional form of a camkit net ({@link FullyConvolutionalNet})
   * trained with {@code o}: {@link Architecture#receptiveField} of {@code o}'s architecture at its
   * image size.
   */
  public static ReceptiveField of(CamNetOptions o) {
    return Architecture.of(o).receptiveField(o.imageSize());
  }

  /** The output length for input length {@code n} (layer by layer, with every floor), 0 if none. */
  public int outputSize(int n) {
    int s = n;
    for (ConvLayer l : layers) {
      s = l.outputSize(s);
      if (s == 0) {
        return 0;
      }
    }
    return s;
  }

  /** The first input pixel of output location {@code o}'s window, {@code S·o − P} (may be &lt; 0). */
  public int windowStart(int o) {
    return stride * o - padding;
  }

  /** The centre of output location {@code o}'s window, in input pixels: {@code S·o − P + (R − 1) / 2}. */
  public double centre(int o) {
    return windowStart(o) + (size - 1) / 2.0;
  }

  /**
   * The smallest input length with at least one output location ({@link #outputSize} ≥ 1), by
   * running {@link ConvLayer#smallestInput} backwards from the last layer with 1 output; with
   * padding it may be less than the window R.
   */
  public int smallestInput() {
    int n = 1;
    for (int i = layers.size() - 1; i >= 0; i--) {
      n = layers.get(i).smallestInput(n);
    }
    return n;
  }
}
