package io.camkit.model.fcn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import io.camkit.core.CamkitException;
import io.camkit.core.RgbImage;
import io.camkit.model.CamModel;
import io.camkit.model.CamNet;
import io.camkit.model.CamNetOptions;
import io.camkit.model.InputBatch;
import io.camkit.model.arch.Architecture;
import io.camkit.model.arch.Head;
import io.camkit.model.arch.KerasBaselines;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fully convolutional form of a trained {@link CamModel}: per-location class scores over an
 * input of any size, {@code [N, 3, H, W] → [N, C, H', W']} with {@code H' = rf.outputSize(H)}, where
 * location {@code (x', y')} sees the input window of {@link #receptiveField()}. Inference only
 * (batch norm uses its running statistics, dropout is the identity).
 *
 * <ul>
 *   <li>cnn-flatten (dense head max-pool → flatten → dense U → ReLU → dense C): the max-pool
 *       stays, the first dense layer {@code W₁ = [U, K·k·k]} becomes a k×k convolution with kernel
 *       {@code W₁.reshape(U, K, k, k)} (the flatten order is {@code [K, k, k]}, row-major), the
 *       second {@code W₂ = [C, U]} a 1×1 convolution {@code W₂.reshape(C, U, 1, 1)}. Location
 *       {@code (x', y')} then equals the classifier's logits on the crop {@code [S·y', S·y' + s) ×
 *       [S·x', S·x' + s)} of the training size s (the window R ≤ s: floors may drop the last rows).
 *   <li>GAP + linear head (camnet, cnn-gap): the pre-pooling class map {@code M_c(x, y) = Σ_k w_k^c
 *       f_k(x, y) + b_c}, whose average is the logit (Zhou et al. 2016).
 *   <li>class-map heads (nin, and any non-GAP pooling): the head's class maps before pooling.
 * </ul>
 */
public final class FullyConvolutionalNet implements AutoCloseable {
  private static final Shape ONE = new Shape(1, 1);
  private static final Shape NONE = new Shape(0, 0);

  private final CamModel model;
  private final NDManager weights;
  private final ReceptiveField rf;
  private final List<NDArray> convs; // [weight, bias] pairs of the converted head; empty for a class-map head

  private FullyConvolutionalNet(CamModel model, NDManager weights, ReceptiveField rf, List<NDArray> convs) {
    this.model = model;
    this.weights = weights;
    this.rf = rf;
    this.convs = convs;
  }

  /**
   * Converts {@code model} (which stays open and owned by the caller; close this before it). A
   * model of an unknown layout gives a {@link CamkitException}.
   */
  public static FullyConvolutionalNet of(CamModel model) {
    CamNetOptions o = model.options();
    ReceptiveField rf;
    try {
      rf = ReceptiveField.of(o);
    } catch (IllegalArgumentException e) {
      throw new CamkitException(e.getMessage());
    }
    NDManager w = model.manager().newSubManager();
    try {
      List<NDArray> convs = new ArrayList<>();
      CamNet net = model.net();
      if (o.arch().equals("cnn-flatten")) {
        List<Linear> dense = linears(net.scoreHead().block());
        if (dense.size() != 2) {
          throw new CamkitException("cnn-flatten's dense head should hold 2 dense layers, found " + dense.size());
        }
        int k = Architecture.of(o).mapSide(o.imageSize());
        NDArray w1 = dense.get(0).getParameters().get("weight").getArray();
        long units = w1.getShape().get(0);
        long in = w1.getShape().get(1);
        if (in % ((long) k * k) != 0) {
          throw new CamkitException(String.format(Locale.ROOT,
              "the first dense layer takes %d inputs, not a multiple of the %d×%d pooled map", in, k, k));
        }
        convs.add(copy(w, w1, new Shape(units, in / ((long) k * k), k, k)));
        convs.add(copy(w, dense.get(0).getParameters().get("bias").getArray(), new Shape(units)));
        NDArray w2 = dense.get(1).getParameters().get("weight").getArray();
        convs.add(copy(w, w2, new Shape(w2.getShape().get(0), units, 1, 1)));
        convs.add(copy(w, dense.get(1).getParameters().get("bias").getArray(), new Shape(w2.getShape().get(0))));
      } else if (net.scoreHead() instanceof Head.GapLinear g) {
        NDArray cw = g.weights();
        convs.add(copy(w, cw, new Shape(cw.getShape().get(0), cw.getShape().get(1), 1, 1)));
        convs.add(copy(w, g.bias(), new Shape(cw.getShape().get(0))));
      }
      return new FullyConvolutionalNet(model, w, rf, List.copyOf(convs));
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
  }

  /** The window, stride and padding of every output location. */
  public ReceptiveField receptiveField() {
    return rf;
  }

  public List<String> classes() {
    return model.classes();
  }

  public CamNetOptions options() {
    return model.options();
  }

  /**
   * Fails with a {@link CamkitException} unless a {@code width}×{@code height} input is at least
   * the receptive field R in each dimension (so every output location sees a whole window).
   */
  public void checkInput(int width, int height) {
    if (width < rf.size() || height < rf.size()) {
      throw new CamkitException(String.format(Locale.ROOT,
          "the image is %d×%d, smaller than the %d×%d receptive field of this %s model (trained on %d×%d images)",
          width, height, rf.size(), rf.size(), model.options().arch(), model.options().imageSize(),
          model.options().imageSize()));
    }
  }

  /** An image as the net's input {@code [1, 3, h, w]}, {@code (pixel / 255 − mean) / std}, no resizing. */
  public NDArray input(NDManager scope, RgbImage image) {
    float[] chw = new float[3 * image.width() * image.height()];
    image.toChw(chw, 0);
    InputBatch.normalise(chw, model.options());
    return scope.create(chw, new Shape(1, 3, image.height(), image.width()));
  }

  /**
   * The class scores {@code [N, C, H', W']} (logits, before any softmax) of inputs {@code x = [N, 3,
   * H, W]}, attached to {@code scope}. A tile of a larger image may be smaller than the receptive
   * field where the net pads (its edge locations then see the padding, as in one pass); an input
   * with no output location at all gives a {@link CamkitException}.
   */
  public NDArray scores(NDManager scope, NDArray x) {
    int h = (int) x.getShape().get(2);
    int w = (int) x.getShape().get(3);
    if (rf.outputSize(w) == 0 || rf.outputSize(h) == 0) {
      checkInput(w, h);
    }
    ParameterStore ps = new ParameterStore(scope, false);
    CamNet net = model.net();
    NDArray f = net.features().forward(ps, new NDList(x), false).singletonOrThrow();
    if (convs.isEmpty()) {
      return net.classMapHead().classMaps(ps, f, false);
    }
    if (convs.size() == 2) {
      return conv(f, 0);
    }
    NDArray pooled = KerasBaselines.FLATTEN_POOL.apply(f);
    return conv(ai.djl.nn.Activation.relu(conv(pooled, 0)), 2);
  }

  private NDArray conv(NDArray in, int i) {
    return Conv2d.conv2d(in, convs.get(i), convs.get(i + 1), ONE, NONE, ONE, 1).singletonOrThrow();
  }

  private static NDArray copy(NDManager m, NDArray a, Shape shape) {
    return m.create(a.toFloatArray(), shape);
  }

  private static List<Linear> linears(Block b) {
    List<Linear> out = new ArrayList<>();
    for (var e : b.getChildren()) {
      if (e.getValue() instanceof Linear l) {
        out.add(l);
      }
    }
    return out;
  }

  @Override
  public void close() {
    weights.close();
  }
}
