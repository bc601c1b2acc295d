package io.camkit.model.fcn;

import io.camkit.model.CamNet;
import io.camkit.model.CamNetOptions;
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
   * The layers of the fully convolutional form of a camkit net ({@link FullyConvolutionalNet}):
   * the conv stack (1×1 layers left out) and, for cnn-flatten, its dense head's max-pool and the
   * k×k convolution its first dense layer becomes ({@code k} = the pooled map side at the training
   * size). Agrees with {@link CamNet#mapSide}.
   */
  public static ReceptiveField of(CamNetOptions o) {
    ConvLayer pool = new ConvLayer(2, 2, 0);
    List<ConvLayer> trunk = switch (o.arch()) {
      case "camnet" -> List.of(new ConvLayer(3, 2, 1), new ConvLayer(3, 1, 1), pool, new ConvLayer(3, 1, 1),
          new ConvLayer(3, 1, 1));
      case "cnn-gap", "cnn-flatten" -> List.of(new ConvLayer(3, 1, 0), pool, new ConvLayer(3, 1, 0), pool,
          new ConvLayer(3, 1, 0));
      case "nin" -> List.of(new ConvLayer(5, 1, 2), pool, new ConvLayer(5, 1, 2), pool, new ConvLayer(3, 1, 1));
      default -> throw new IllegalArgumentException("no fully convolutional form for --arch " + o.arch());
    };
    if (!o.arch().equals("cnn-flatten")) {
      return of(trunk);
    }
    int k = CamNet.mapSide("cnn-flatten", o.imageSize());
    List<ConvLayer> all = new java.util.ArrayList<>(trunk);
    all.add(pool);
    all.add(new ConvLayer(k, 1, 0));
    return of(all);
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
}
