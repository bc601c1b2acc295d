package io.camkit.explain.method;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.camkit.core.CamkitException;
import io.camkit.model.layers.BiasTap;
import io.camkit.model.layers.LayeredModel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FullGrad (Srinivas and Fleuret, "Full-Gradient Representation for Neural Network
 * Visualization", NeurIPS 2019, Eq. 4 and §4): the score's full-gradient decomposition into an
 * input-gradient term and a bias-gradient term of every layer that adds a bias,
 *
 * <pre>  M = Σ_c ψ(|x_c ⊙ ∂s/∂x_c|) + Σ_l Σ_k up(ψ(|b_{l,k} · ∂s/∂y_{l,k}|))</pre>
 *
 * with {@code x [N, 3, H, W]} the model's input, {@code y_l [N, K, h, w]} the output of layer
 * {@code l} (a convolution with a bias, or a batch norm, whose effective bias is {@code β − μ·γ /
 * √(σ² + ε)}), {@code ψ} the per-map min-max normalisation {@code (t − min) / (max(t − min) +
 * 1e-7)}, and {@code up} bilinear resizing to {@code H × W} with half-pixel centres. This is
 * pytorch-grad-cam's {@code FullGrad} (its public output is matched in ReferenceAgreementTest);
 * like it, the map is at the input's resolution and needs no target layer: the layer given only
 * bounds the layers whose biases count (the default, the last, counts all of the feature
 * extractor's), and the classifier head's own bias is left out. Resizing and summing commute
 * (bilinear resizing is linear), so each layer's channels are summed before the resize.
 *
 * <p>It needs the gradient with respect to the input ({@link LayeredModel#supportsInputGradients}):
 * camkit's own models and TorchScript models give it; ONNX models, run forward by ONNX Runtime,
 * do not. A TorchScript export runs as one call whose inner layers camkit cannot see, so there the
 * map is the input-gradient term alone; a warning says so once.
 */
public final class FullGrad extends CamMethod {
  private static final Logger LOG = LoggerFactory.getLogger(FullGrad.class);
  static final float EPS = 1e-7f;
  private boolean warnedHiddenBiases;

  @Override
  public String name() {
    return "fullgrad";
  }

  @Override
  protected boolean needsCleanGradients() {
    return false; // the gradient is taken at the input, in maps()
  }

  @Override
  public void check(LayeredModel model, String layer) {
    model.layer(layer);
    if (!model.supportsInputGradients()) {
      throw new CamkitException(name() + " needs the gradient of the score with respect to the input, which "
          + model.description() + " cannot give; use gradcam, scorecam or eigencam");
    }
  }

  @Override
  protected NDArray maps(LayerCapture c) {
    LayeredModel model = c.model();
    if (!model.seesBiases() && !warnedHiddenBiases) {
      warnedHiddenBiases = true;
      LOG.warn("fullgrad on {}: its inner layers are hidden, so the map is the input-gradient term only"
          + " (no layer's bias-gradient term)", model.description());
    }
    long height = c.input().getShape().get(2);
    long width = c.input().getShape().get(3);
    try (NDManager m = c.scope().newSubManager()) {
      NDArray x = c.input().duplicate();
      x.attach(m);
      x.setRequiresGradient(true);
      List<NDArray[]> taps = new ArrayList<>();
      BiasTap tap = (name, out, bias) -> {
        NDArray z = out.zerosLike();
        z.setRequiresGradient(true);
        taps.add(new NDArray[] {z, bias});
        return out.add(z); // ∂s/∂z = ∂s/∂y_l
      };
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray a = model.inputDifferentiableFeatures(m, x, c.layer(), tap);
        NDArray s = score(model, m, a, c.layer(), c.target());
        gc.backward(s.sum());
      }
      NDArray total = normalisedPerMap(x.getGradient().mul(c.input()).abs()).sum(new int[] {1}); // [N, H, W]
      for (NDArray[] t : taps) {
        NDArray g = t[0].getGradient(); // [N, K, h, w]
        long k = g.getShape().get(1);
        NDArray term = normalisedPerMap(g.mul(t[1].reshape(1, k, 1, 1)).abs()).sum(new int[] {1}, true);
        if (term.getShape().get(2) != height || term.getShape().get(3) != width) {
          term = term.getNDArrayInternal().interpolation(new long[] {height, width}, 1, false);
        }
        total = total.add(term.squeeze(1));
      }
      total.attach(c.scope());
      return total;
    }
  }

  /** {@code ψ} over the last two axes of {@code t [N, K, h, w]}: {@code (t − min) / (max(t − min) + 1e-7)}. */
  static NDArray normalisedPerMap(NDArray t) {
    long n = t.getShape().get(0);
    long k = t.getShape().get(1);
    NDArray flat = t.reshape(n, k, -1);
    NDArray shifted = flat.sub(flat.min(new int[] {2}, true));
    return shifted.div(shifted.max(new int[] {2}, true).add(EPS)).reshape(t.getShape());
  }
}
