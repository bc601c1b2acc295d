package io.camkit.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.model.CamNetOptions;
import io.camkit.model.InputBatch;
import io.camkit.model.supervised.BoxRegressionNet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Trains a {@link BoxRegressionNet} on image labels and boxes with the multi-task loss
 *
 * <pre>  L = α · CE(y, c) + (1 − α) · R(b, b*),   R = mean over the 4 corners of smoothL1_β(b − b*)</pre>
 *
 * with {@code b*} the first object's box of the image's class as {@code (x0/W, y0/H, x1/W,
 * y1/H)}, {@code smoothL1_β(d) = d²/(2β)} for {@code |d| < β}, else {@code |d| − β/2}, β = 1/9
 * (Fast R-CNN's σ = 3), Adam at a constant rate, seeded. No augmentation (a flip or shift would have
 * to move the box too).
 */
public final class BoxTrainer {
  /** Fast R-CNN's β = 1/σ², σ = 3. */
  public static final float BETA = 1f / 9;

  /**
   * @param alpha the weight α of the classification loss, in [0, 1]
   */
  public record Options(int epochs, int batchSize, float learningRate, float alpha, long seed) {
    public Options {
      io.camkit.core.Options.check(epochs >= 1, "epochs", epochs, ">= 1");
      io.camkit.core.Options.check(batchSize >= 1, "batch-size", batchSize, ">= 1");
      io.camkit.core.Options.check(learningRate > 0, "lr", learningRate, "> 0");
      io.camkit.core.Options.check(alpha >= 0 && alpha <= 1, "alpha", alpha, "0..1");
    }

    /** 12 epochs, batches of 32, η = 1e-3, α = 0.5, seed 0. */
    public static Options defaults() {
      return new Options(12, 32, 1e-3f, 0.5f, 0);
    }
  }

  private final Options options;
  private final Consumer<String> log;

  public BoxTrainer(Options options, Consumer<String> log) {
    this.options = options;
    this.log = log;
  }

  /** A fresh net, initialised from {@code seed}, its parameters in {@code manager}. */
  public static BoxRegressionNet newNet(CamNetOptions o, NDManager manager, long seed) {
    return LossStep.initialized(new BoxRegressionNet(o), manager, o.imageSize(), seed);
  }

  /** The box target {@code (x0/W, y0/H, x1/W, y1/H)} of the sample's first object of its class. */
  public static float[] target(Sample s) {
    List<ObjectAnnotation> objects = s.objectsOf(s.label());
    if (objects.isEmpty()) {
      throw new CamkitException("image " + s.id() + " has no box of its class: the box head trains on boxes");
    }
    Box b = objects.get(0).box();
    float w = s.image().width();
    float h = s.image().height();
    return new float[] {b.x0() / w, b.y0() / h, b.x1() / w, b.y1() / h};
  }

  /** {@code mean(smoothL1_β(b − t))} over every coordinate of {@code b [N, 4]}. */
  public static NDArray smoothL1(NDArray b, NDArray t, float beta) {
    NDArray d = b.sub(t).abs();
    NDArray small = d.lt(beta).toType(DataType.FLOAT32, false);
    NDArray quadratic = d.square().div(2 * beta);
    NDArray linear = d.sub(beta / 2);
    return quadratic.mul(small).add(linear.mul(small.neg().add(1))).mean();
  }

  /** @return the mean loss of each epoch */
  public List<Double> fit(BoxRegressionNet net, NDManager manager, Dataset train) {
    CamNetOptions o = net.options();
    return new LossStep(net, manager, "box head").fit(train.size(), options.epochs(), options.batchSize(),
        options.learningRate(), options.seed(), (items, scope) -> {
          List<RgbImage> images = new ArrayList<>(items.length);
          long[] labels = new long[items.length];
          float[] boxes = new float[4 * items.length];
          for (int j = 0; j < items.length; j++) {
            Sample s = train.get(items[j]);
            images.add(s.image());
            labels[j] = s.label();
            System.arraycopy(target(s), 0, boxes, 4 * j, 4);
          }
          NDList out = net.forward(new ParameterStore(scope, false), new NDList(InputBatch.of(scope, images, o)), true);
          NDArray ce = CamNetTrainer.crossEntropy(out.get(0), scope.create(labels));
          NDArray r = smoothL1(out.get(1), scope.create(boxes, new Shape(items.length, 4)), BETA);
          return ce.mul(options.alpha()).add(r.mul(1 - options.alpha()));
        }, log);
  }

  /**
   * Class scores and boxes of images, in inference mode.
   *
   * @return per image: its scores {@code [C]} then its box in the image's pixels
   */
  public static List<Prediction> predict(BoxRegressionNet net, NDManager scope, List<RgbImage> images) {
    NDList out = net.forward(new ParameterStore(scope, false), new NDList(InputBatch.of(scope, images, net.options())),
        false);
    int c = net.options().classes();
    float[] y = out.get(0).toFloatArray();
    float[] b = out.get(1).toFloatArray();
    List<Prediction> r = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      int w = images.get(i).width();
      int h = images.get(i).height();
      int x0 = Math.min(w - 1, Math.round(Math.min(b[4 * i], b[4 * i + 2]) * w));
      int y0 = Math.min(h - 1, Math.round(Math.min(b[4 * i + 1], b[4 * i + 3]) * h));
      int x1 = Math.max(x0 + 1, Math.round(Math.max(b[4 * i], b[4 * i + 2]) * w));
      int y1 = Math.max(y0 + 1, Math.round(Math.max(b[4 * i + 1], b[4 * i + 3]) * h));
      r.add(new Prediction(java.util.Arrays.copyOfRange(y, i * c, (i + 1) * c),
          new Box(x0, y0, Math.min(w, x1), Math.min(h, y1))));
    }
    return r;
  }

  /** One image's class scores and box. */
  public record Prediction(float[] scores, Box box) {}
}
