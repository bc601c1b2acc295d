package io.camkit.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.camkit.core.CamkitException;
import io.camkit.core.Mask;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.model.seg.Segmenter;
import io.camkit.model.seg.SegmenterOptions;
import java.util.List;
import java.util.function.Consumer;

/**
 * Trains a {@link Segmenter} on images with object masks: each pixel's target is {@code c + 1}
 * inside a mask of an object of class c and 0 (background) elsewhere, the loss the per-pixel
 * softmax cross-entropy with optional class weights (PyTorch's {@code CrossEntropyLoss(weight)}:
 * the weighted mean {@code −Σ_p w_{t_p} log softmax(z_p)_{t_p} / Σ_p w_{t_p}}), Adam at a constant
 * learning rate, batches drawn in a seeded order. Memory: the whole training set as normalised
 * floats ({@code N · 3 · H · W}) and its targets.
 */
public final class SegmentationTrainer {

  /**
   * @param epochs passes over the training set, ≥ 1
   * @param batchSize images per step, ≥ 1
   * @param learningRate Adam's η, > 0
   * @param classWeights one weight per output (background first), each > 0; null for equal weights
   * @param seed seeds the initial weights and the batch order
   */
  public record Options(int epochs, int batchSize, float learningRate, float[] classWeights, long seed) {
    public Options {
      io.camkit.core.Options.check(epochs >= 1, "epochs", epochs, ">= 1");
      io.camkit.core.Options.check(batchSize >= 1, "batch-size", batchSize, ">= 1");
      io.camkit.core.Options.check(learningRate > 0, "lr", learningRate, "> 0");
      if (classWeights != null) {
        classWeights = classWeights.clone();
        for (float w : classWeights) {
          io.camkit.core.Options.check(w > 0, "class-weights", w, "> 0");
        }
      }
    }

    /** 10 epochs, batches of 32, η = 1e-3, equal weights, seed 0. */
    public static Options defaults() {
      return new Options(10, 32, 1e-3f, null, 0);
    }
  }

  private final Options options;
  private final Consumer<String> log;

  public SegmentationTrainer(Options options, Consumer<String> log) {
    this.options = options;
    this.log = log;
  }

  /** A fresh segmenter, initialised from {@code seed}, owned by {@code manager}. */
  public static Segmenter newSegmenter(SegmenterOptions o, NDManager manager, long seed) {
    return LossStep.initialized(new Segmenter(o), manager, o.imageSize(), seed);
  }

  /**
   * Trains {@code net} (whose parameters live in {@code manager}) on {@code train}.
   *
   * @return the mean training loss of each epoch
   */
  public List<Double> fit(Segmenter net, NDManager manager, Dataset train) {
    SegmenterOptions o = net.options();
    if (options.classWeights() != null && options.classWeights().length != o.outputs()) {
      throw new CamkitException(options.classWeights().length + " class weights for " + o.outputs()
          + " outputs (the background and " + o.classes() + " classes)");
    }
    int s = o.imageSize();
    int n = train.size();
    float[] images = new float[n * 3 * s * s];
    float[] targets = new float[n * s * s];
    for (int i = 0; i < n; i++) {
      input(train.get(i).image(), o, images, i * 3 * s * s);
      System.arraycopy(targets(train.get(i), s, s), 0, targets, i * s * s, s * s);
    }
    return new LossStep(net, manager, "segmenter").fit(n, options.epochs(), options.batchSize(),
        options.learningRate(), options.seed(), (items, scope) -> {
          float[] x = new float[items.length * 3 * s * s];
          float[] t = new float[items.length * s * s];
          for (int j = 0; j < items.length; j++) {
            System.arraycopy(images, items[j] * 3 * s * s, x, j * 3 * s * s, 3 * s * s);
            System.arraycopy(targets, items[j] * s * s, t, j * s * s, s * s);
          }
          NDArray z = net.forward(new ParameterStore(scope, false),
              new NDList(scope.create(x, new Shape(items.length, 3, s, s))), true).singletonOrThrow();
          return pixelCrossEntropy(z, scope.create(t, new Shape(items.length, s, s)), options.classWeights());
        }, log);
  }

  /**
   * Weighted per-pixel cross-entropy of scores {@code z [N, K, H, W]} against targets {@code t [N, H,
   * W]} (indices as floats): {@code −Σ_p w_{t_p} log softmax(z_p)_{t_p} / Σ_p w_{t_p}}.
   */
  public static NDArray pixelCrossEntropy(NDArray z, NDArray t, float[] weights) {
    int k = (int) z.getShape().get(1);
    NDArray hot = t.toType(DataType.INT64, false).oneHot(k).transpose(0, 3, 1, 2); // [N, K, H, W]
    NDArray picked = z.logSoftmax(1).mul(hot).sum(new int[] {1}); // [N, H, W]
    if (weights == null) {
      return picked.mean().neg();
    }
    NDArray w = hot.mul(z.getManager().create(weights).reshape(1, k, 1, 1)).sum(new int[] {1});
    return picked.mul(w).sum().div(w.sum()).neg();
  }

  /** Per-pixel targets {@code [H · W]}: {@code c + 1} inside the masks of objects of class c, else 0. */
  public static float[] targets(Sample sample, int height, int width) {
    float[] t = new float[height * width];
    for (ObjectAnnotation a : sample.objects()) {
      Mask m = a.mask().orElseThrow(() -> new CamkitException("image " + sample.id()
          + " has an object without a mask: a segmenter trains on masks"));
      for (int y = 0; y < height; y++) {
        int sy = Math.min(m.height() - 1, y * m.height() / height);
        for (int x = 0; x < width; x++) {
          if (m.get(Math.min(m.width() - 1, x * m.width() / width), sy)) {
            t[y * width + x] = a.classIndex() + 1;
          }
        }
      }
    }
    return t;
  }

  /** The image resized to the segmenter's size and normalised, written at {@code offset} as {@code [3, S, S]}. */
  public static void input(RgbImage image, SegmenterOptions o, float[] dst, int offset) {
    int s = o.imageSize();
    image.resize(s, s).toChw(dst, offset);
    for (int i = offset; i < offset + 3 * s * s; i++) {
      dst[i] = (dst[i] - o.mean()) / o.std();
    }
  }

  /** Softmax probabilities {@code [N, K, S, S]} of images (resized to the segmenter's size), in inference mode. */
  public static NDArray probabilities(Segmenter net, NDManager scope, List<RgbImage> images) {
    SegmenterOptions o = net.options();
    int s = o.imageSize();
    float[] x = new float[images.size() * 3 * s * s];
    for (int i = 0; i < images.size(); i++) {
      input(images.get(i), o, x, i * 3 * s * s);
    }
    NDArray z = net.forward(new ParameterStore(scope, false),
        new NDList(scope.create(x, new Shape(images.size(), 3, s, s))), false).singletonOrThrow();
    return z.softmax(1);
  }
}
