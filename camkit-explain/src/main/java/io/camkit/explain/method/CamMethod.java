package io.camkit.explain.method;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.camkit.core.CamkitException;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import io.camkit.explain.target.ClassTarget;
import io.camkit.explain.target.MapTarget;
import io.camkit.explain.target.Target;
import io.camkit.explain.target.TargetSelector;
import io.camkit.model.layers.LayeredModel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class activation map family: one base that owns everything but the method's own formula.
 *
 * <p>For a batch it runs the network once up to the target layer ({@code A = features(x)}, {@code
 * [N, K, h, w]}), then the head ({@code y = head(A)}, {@code [N, C]}); gradient methods run the
 * head inside a gradient collector with {@code A} as the only leaf, so the backward pass goes
 * through the head and stops at the layer ({@code G = ∂s/∂A}). The targets are chosen from {@code
 * y}; each target gives one {@link ClassMap} per image. A subclass supplies only its channel
 * weights {@code w [N, K]} ({@link #weights}, giving the map {@code Σ_k w_k A_k}) or its whole map
 * ({@link #maps}); ReLU, upsampling and normalisation are the {@link ClassMap}'s.
 *
 * <p>Maps that come out NaN, infinite or without any positive value are returned as they are
 * (they normalise to zeros) and logged once per batch as a warning.
 */
public abstract class CamMethod {
  private static final Logger LOG = LoggerFactory.getLogger(CamMethod.class);

  /** Images per pass; 0 = chosen from the input size ({@link #batchSizeFor}). */
  private int batchSize;

  /** The name used on the command line and in reports, e.g. "gradcam". */
  public abstract String name();

  /** Whether the method needs {@code ∂s/∂A}. */
  public boolean needsGradients() {
    return true;
  }

  /**
   * Whether {@link #maps} reads the gradient of the clean input ({@link LayerCapture#gradients()}).
   * Methods that take their gradients elsewhere (noisy or augmented copies) return false and save
   * the clean backward pass.
   */
  protected boolean needsCleanGradients() {
    return needsGradients();
  }

  /**
   * The channel weights {@code w [N, K]}; the map is then {@code Σ_k w_k A_k}.
   *
   * @param c the batch's capture
   */
  protected NDArray weights(LayerCapture c) {
    throw new UnsupportedOperationException(name() + " defines its maps directly");
  }

  /** The raw maps {@code [N, h, w]} (before ReLU). Default: {@code Σ_k w_k A_k}. */
  protected NDArray maps(LayerCapture c) {
    return weightedSum(weights(c), c.activations());
  }

  /**
   * The raw maps of several targets of one batch (the captures differ only in their target), {@code
   * [N, h, w]} each, in order. Default: {@link #maps(LayerCapture)} of each. A method whose costly
   * work does not depend on the target overrides it to do that work once: Score-CAM's masked passes
   * give every class's score at once, so {@code evaluate} (the predicted and the true class of each
   * image) costs one set of passes, not two.
   */
  protected List<NDArray> maps(List<LayerCapture> captures) {
    List<NDArray> out = new ArrayList<>(captures.size());
    for (LayerCapture c : captures) {
      out.add(maps(c));
    }
    return out;
  }

  /**
   * {@code Σ_k w[n, k] A[n, k]}: weights {@code [N, K]} (or per-position weights {@code [N, K, h,
   * w]}) times activations {@code [N, K, h, w]} → {@code [N, h, w]}.
   */
  public static NDArray weightedSum(NDArray w, NDArray a) {
    long n = a.getShape().get(0);
    long k = a.getShape().get(1);
    long h = a.getShape().get(2);
    long wd = a.getShape().get(3);
    if (w.getShape().dimension() == 4) {
      return w.mul(a).sum(new int[] {1});
    }
    return w.reshape(n, 1, k).batchMatMul(a.reshape(n, k, h * wd)).reshape(n, h, wd);
  }

  /** Sets the number of images per pass (≥ 1). */
  public CamMethod batchSize(int images) {
    if (images < 1) {
      throw new IllegalArgumentException("option --batch-size = " + images + " is out of range (allowed: >= 1)");
    }
    this.batchSize = images;
    return this;
  }

  /** The batch size set with {@link #batchSize(int)}, or 8 when none was set. */
  public int batchSize() {
    return batchSize > 0 ? batchSize : 8;
  }

  /**
   * Images per pass for a model whose input is {@code inputSize = [H, W]}: the size set with
   * {@link #batchSize(int)}, or else about 64·64·64 input pixels per pass, between 8 and 64 images
   * ({@code clamp(round(64 · 4096 / (H·W)), 8, 64)}): 64 for 32–48 px inputs, where the per-call
   * overhead of a small batch dominates, and 8 for 224 px photos, where larger batches ran slower on
   * two cores (docs/BENCHMARKS.md).
   */
  public int batchSizeFor(int[] inputSize) {
    if (batchSize > 0) {
      return batchSize;
    }
    long pixels = Math.max(1L, (long) inputSize[0] * inputSize[1]);
    return (int) Math.max(8, Math.min(64, Math.round(64.0 * 4096 / pixels)));
  }

  /**
   * Explains images (any size: the model's {@link LayeredModel#input} resizes them).
   *
   * @return for each image in order, the maps of each selected target in order
   */
  public List<ClassMap> explain(LayeredModel model, List<RgbImage> images, String layer, TargetSelector targets) {
    check(model, layer);
    List<ClassMap> out = new ArrayList<>();
    int batch = batchSizeFor(model.inputSize());
    for (int from = 0; from < images.size(); from += batch) {
      try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
        NDArray x = model.input(scope, images.subList(from, Math.min(images.size(), from + batch)));
        out.addAll(explain(model, scope, x, layer, targets));
      }
    }
    return out;
  }

  /**
   * Explains one input batch {@code x [N, 3, H, W]} already prepared as the model expects.
   *
   * @return image-major: for image i, the maps of each target
   */
  public List<ClassMap> explain(LayeredModel model, NDManager scope, NDArray x, String layer, TargetSelector targets) {
    check(model, layer);
    NDArray a = model.features(scope, x, layer);
    NDArray y = model.head(scope, a, layer);
    List<Target> chosen = targets.select(rows(y));
    int n = (int) x.getShape().get(0);
    List<LayerCapture> captures = new ArrayList<>(chosen.size());
    for (Target t : chosen) {
      captures.add(capture(model, scope, layer, x, a, y, t));
    }
    List<NDArray> maps = maps(captures);
    List<List<ClassMap>> perTarget = new ArrayList<>();
    for (int j = 0; j < captures.size(); j++) {
      perTarget.add(toMaps(captures.get(j), maps.get(j), (int) x.getShape().get(3), (int) x.getShape().get(2)));
    }
    List<ClassMap> out = new ArrayList<>(n * chosen.size());
    for (int i = 0; i < n; i++) {
      for (List<ClassMap> l : perTarget) {
        out.add(l.get(i));
      }
    }
    return out;
  }

  /**
   * Fails with a clear message when the model cannot serve this method at {@code layer}: the layer
   * does not exist, or the method needs gradients the model cannot give there. Called before any
   * image is read, so a front end can refuse a request before its progress bar starts.
   */
  public void check(LayeredModel model, String layer) {
    model.layer(layer);
    if (needsGradients() && !model.supportsGradients(layer)) {
      throw new CamkitException(name() + " needs gradients, which " + model.description()
          + " cannot give at layer '" + layer + "' (" + model.whyNoGradients(layer) + "); use cam or scorecam");
    }
  }

  /** Captures activations, scores and (if needed) gradients for one target. */
  protected LayerCapture capture(
      LayeredModel model, NDManager scope, String layer, NDArray x, NDArray a, NDArray y, Target t) {
    if (!needsCleanGradients()) {
      NDArray s = t instanceof MapTarget ? score(model, scope, a, layer, t) : t.score(y);
      return new LayerCapture(model, scope, layer, x, a, null, y, s, t);
    }
    NDArray[] sg = scoreAndGradient(model, layer, a, t);
    return new LayerCapture(model, scope, layer, x, a, sg[1], y, sg[0], t);
  }

  /**
   * {@code s = target(head(A))} and {@code ∂s/∂A}, with A a fresh leaf so the backward pass stops
   * at the layer.
   *
   * @return {@code [s [N], G [N, K, h, w]]}
   */
  protected static NDArray[] scoreAndGradient(LayeredModel model, String layer, NDArray a, Target t) {
    NDArray leaf = a.duplicate(); // a copy: the activations may be inference tensors (TorchScript)
    leaf.setRequiresGradient(true);
    NDArray s;
    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
      s = score(model, leaf.getManager(), leaf, layer, t);
      gc.backward(s.sum());
    }
    NDArray g = leaf.getGradient().duplicate();
    return new NDArray[] {s.stopGradient(), g};
  }

  /**
   * The target's score {@code [N]} from activations {@code a} of {@code layer}: through the head's
   * pooled scores {@code y [N, C]}, or, for a {@link MapTarget}, through the spatial class scores
   * {@link LayeredModel#headMaps} (refused with a clear message when the model has none).
   */
  public static NDArray score(LayeredModel model, NDManager scope, NDArray a, String layer, Target t) {
    if (t instanceof MapTarget mt) {
      NDArray maps = model.headMaps(scope, a, layer).orElseThrow(() -> new CamkitException(
          "a segmentation target needs the model's class maps [N, C, h, w] after layer " + layer + "; "
              + model.description() + " pools its scores without them (a class-map head has them)"));
      return mt.scoreMaps(maps);
    }
    return t.score(model.head(scope, a, layer));
  }

  /** The target for the copies of image {@code i} alone: its class, or the target itself when it is not one class. */
  static Target forImage(Target t, int i) {
    return t.classOf(i) >= 0 && !(t instanceof MapTarget) ? new ClassTarget(t.classOf(i)) : t;
  }

  private List<ClassMap> toMaps(LayerCapture c, NDArray maps, int imageWidth, int imageHeight) {
    int n = c.batch();
    int h = (int) maps.getShape().get(1);
    int w = (int) maps.getShape().get(2);
    float[] data = maps.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    float[] scores = c.scores().toFloatArray();
    float[] probs = c.logits().softmax(1).toFloatArray();
    int classes = (int) c.logits().getShape().get(1);
    List<ClassMap> out = new ArrayList<>(n);
    int degenerate = 0;
    for (int i = 0; i < n; i++) {
      float[] m = new float[h * w];
      System.arraycopy(data, i * h * w, m, 0, h * w);
      int cls = c.target().classOf(i);
      float p = cls >= 0 ? probs[i * classes + cls] : Float.NaN;
      ClassMap cm = new ClassMap(name(), c.layer(), cls, scores[i], p, new HeatMap(w, h, m),
          imageWidth, imageHeight);
      degenerate += cm.isDegenerate() ? 1 : 0;
      out.add(cm);
    }
    if (degenerate > 0) {
      LOG.warn("{} of {} {} maps at {} are NaN or have no positive value; they are returned as zeros",
          degenerate, n, name(), c.layer());
    }
    return out;
  }

  /** {@code [N, C]} as rows. */
  static float[][] rows(NDArray y) {
    int n = (int) y.getShape().get(0);
    int c = (int) y.getShape().get(1);
    float[] d = y.toFloatArray();
    float[][] r = new float[n][c];
    for (int i = 0; i < n; i++) {
      System.arraycopy(d, i * c, r[i], 0, c);
    }
    return r;
  }
}
