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
import io.camkit.model.supervised.BoxHead;
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
 * to move the box too). With {@link #GIOU} R is the mean over images of {@code 1 − GIoU(b, b*)}
 * (Rezatofighi et al., CVPR 2019), the predicted corners taken in order ({@link #giou}).
 *
 * <p>The same loss trains a {@link BoxHead} alone on a frozen backbone's cached activations
 * ({@link #fitHead}).
 */
public final class BoxTrainer {
  /** Fast R-CNN's β = 1/σ², σ = 3. */
  public static final float BETA = 1f / 9;

  /** The regression loss R: smooth-L1 on the normalised corners. */
  public static final String SMOOTH_L1 = "smooth-l1";

  /** The regression loss R: 1 − generalized IoU. */
  public static final String GIOU = "giou";

  /** The regression losses, by name. */
  public static final List<String> LOSSES = List.of(SMOOTH_L1, GIOU);

  /**
   * @param alpha the weight α of the classification loss, in [0, 1]
   * @param boxLoss the regression loss R, one of {@link #LOSSES}
   */
  public record Options(int epochs, int batchSize, float learningRate, float alpha, long seed, String boxLoss) {
    public Options {
      io.camkit.core.Options.check(epochs >= 1, "epochs", epochs, ">= 1");
      io.camkit.core.Options.check(batchSize >= 1, "batch-size", batchSize, ">= 1");
      io.camkit.core.Options.check(learningRate > 0, "lr", learningRate, "> 0");
      io.camkit.core.Options.check(alpha >= 0 && alpha <= 1, "alpha", alpha, "0..1");
      io.camkit.core.Options.check(LOSSES.contains(boxLoss), "box-loss", boxLoss, String.join(", ", LOSSES));
    }

    /** With the smooth-L1 regression loss. */
    public Options(int epochs, int batchSize, float learningRate, float alpha, long seed) {
      this(epochs, batchSize, learningRate, alpha, seed, SMOOTH_L1);
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
    float w = s.width();
    float h = s.height();
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

  /**
   * {@code mean over images of 1 − GIoU(b, t)} for boxes {@code [N, 4]} as {@code (x0, y0, x1,
   * y1)}; a predicted box's corners are put in order first ({@code min, max} per axis), the target's
   * are. GIoU = IoU − |C \ (A ∪ B)| / |C| with C the smallest box enclosing both.
   */
  public static NDArray giou(NDArray b, NDArray t) {
    NDArray bx0 = b.get(":, 0").minimum(b.get(":, 2"));
    NDArray bx1 = b.get(":, 0").maximum(b.get(":, 2"));
    NDArray by0 = b.get(":, 1").minimum(b.get(":, 3"));
    NDArray by1 = b.get(":, 1").maximum(b.get(":, 3"));
    NDArray tx0 = t.get(":, 0");
    NDArray ty0 = t.get(":, 1");
    NDArray tx1 = t.get(":, 2");
    NDArray ty1 = t.get(":, 3");
    NDArray areaB = bx1.sub(bx0).mul(by1.sub(by0));
    NDArray areaT = tx1.sub(tx0).mul(ty1.sub(ty0));
    NDArray iw = bx1.minimum(tx1).sub(bx0.maximum(tx0)).maximum(0f);
    NDArray ih = by1.minimum(ty1).sub(by0.maximum(ty0)).maximum(0f);
    NDArray inter = iw.mul(ih);
    NDArray union = areaB.add(areaT).sub(inter).add(1e-7f);
    NDArray enclosing = bx1.maximum(tx1).sub(bx0.minimum(tx0)).mul(by1.maximum(ty1).sub(by0.minimum(ty0))).add(1e-7f);
    NDArray g = inter.div(union).sub(enclosing.sub(union).div(enclosing));
    return g.neg().add(1).mean();
  }

  /** The multi-task loss of outputs {@code (y, b)} against labels and box targets {@code [N, 4]}. */
  NDArray loss(NDList out, NDManager scope, long[] labels, float[] boxes) {
    NDArray ce = CamNetTrainer.crossEntropy(out.get(0), scope.create(labels));
    NDArray t = scope.create(boxes, new Shape(labels.length, 4));
    NDArray r = options.boxLoss().equals(GIOU) ? giou(out.get(1), t) : smoothL1(out.get(1), t, BETA);
    return ce.mul(options.alpha()).add(r.mul(1 - options.alpha()));
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
          return loss(out, scope, labels, boxes);
        }, log);
  }

  /** A fresh box head for activations {@code [K, h, w]}, initialised from {@code seed}. */
  public static BoxHead newHead(int classes, long[] featureShape, NDManager manager, long seed) {
    ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    BoxHead head = new BoxHead(classes);
    head.initialize(manager, DataType.FLOAT32, new Shape(1, featureShape[0], featureShape[1], featureShape[2]));
    return head;
  }

  /**
   * Trains a {@link BoxHead} alone on fixed activations (a frozen backbone's, cached): item i is
   * {@code features.get(i)} ({@code [K, h, w]} flat) with its image's sample {@code train.get(i)}.
   *
   * @return the mean loss of each epoch
   */
  public List<Double> fitHead(BoxHead head, NDManager manager, long[] featureShape, List<float[]> features,
      Dataset train) {
    if (features.size() != train.size()) {
      throw new IllegalArgumentException(features.size() + " feature items for " + train.size() + " images");
    }
    int plane = (int) (featureShape[0] * featureShape[1] * featureShape[2]);
    float[][] targets = new float[train.size()][];
    for (int i = 0; i < train.size(); i++) {
      targets[i] = target(train.get(i));
    }
    return new LossStep(head, manager, "box head").fit(train.size(), options.epochs(), options.batchSize(),
        options.learningRate(), options.seed(), (items, scope) -> {
          float[] x = new float[items.length * plane];
          long[] labels = new long[items.length];
          float[] boxes = new float[4 * items.length];
          for (int j = 0; j < items.length; j++) {
            System.arraycopy(features.get(items[j]), 0, x, j * plane, plane);
            labels[j] = train.get(items[j]).label();
            System.arraycopy(targets[items[j]], 0, boxes, 4 * j, 4);
          }
          NDArray a = scope.create(x, new Shape(items.length, featureShape[0], featureShape[1], featureShape[2]));
          NDList out = head.forward(new ParameterStore(scope, false), new NDList(a), true);
          return loss(out, scope, labels, boxes);
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
    return predictions(out, net.options().classes(), images);
  }

  /**
   * Outputs {@code (y [N, C], b [N, 4])} of a box net or head as predictions: each image's scores
   * and its box in the image's own pixels (the normalised corners put in order, rounded, at least
   * one pixel).
   */
  public static List<Prediction> predictions(NDList out, int c, List<RgbImage> images) {
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
