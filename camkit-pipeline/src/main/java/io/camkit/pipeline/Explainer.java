package io.camkit.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.core.CamkitException;
import io.camkit.core.RgbImage;
import io.camkit.explain.method.ClassMap;
import io.camkit.explain.method.TestTimeAugmentation;
import io.camkit.explain.target.Target;
import io.camkit.explain.target.TargetSelector;
import io.camkit.model.layers.LayeredModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The one explain → localize pipeline: a {@link MapRequest} applied to a model and a batch of
 * images gives one {@link ImageResult} per image (predictions, maps at the image's resolution,
 * boxes and masks at τ, provenance). The CLI, evaluation, pictures, the web app and Spark all call
 * this; nothing else runs a CAM method over images.
 *
 * <p>Each batch of {@link #batchSize()} images costs one forward
 * pass up to the layer and one pass of the head ({@code x [N, 3, H, W] → A [N, K, h, w] → y [N,
 * C]}); every target of the batch reads the same {@code A} and {@code y} (CAM of any number of
 * classes costs no further pass; gradient methods add one backward through the head per target).
 * With test-time augmentation the augmented copies of several images (the method's batch size ÷ the copies) run in one call.
 *
 * <p>The explainer does not own the model: close the model yourself. An explainer is cheap and
 * stateless between calls; it is not meant to be shared by threads that run at the same time
 * (the model's native state is not).
 *
 * <pre>{@code
 * try (LayeredModel model = Models.open(Path.of("mobilenet.onnx"))) {
 *   Explainer explainer = new Explainer(model, MapRequest.of("gradcam").withTau(0.3));
 *   ImageResult r = explainer.explain(ImageFiles.read(Path.of("cat.jpg")), "cat.jpg");
 *   System.out.println(r.predicted().className() + " " + r.first().box());
 * }
 * }</pre>
 */
public final class Explainer {
  private final LayeredModel model;
  private final MapRequest request;
  private final List<String> layers;
  private final String layer;
  private final TestTimeAugmentation tta;

  /**
   * @throws CamkitException when the layer does not exist, or the method cannot run on this model
   *     at that layer (a gradient method on a forward-only backend, CAM on a head that is not GAP
   *     + linear): before any image is read
   */
  public Explainer(LayeredModel model, MapRequest request) {
    this.model = model;
    this.request = request;
    List<String> asked = request.layers().isEmpty() ? List.of(LayeredModel.AUTO) : request.layers();
    this.layers = asked.stream()
        .map(name -> name.equals(LayeredModel.AUTO) ? model.autoLayer(l -> usable(model, request, l)) : model.layer(name).name())
        .distinct().toList();
    for (String l : layers) {
      request.method().check(model, l);
    }
    this.layer = String.join(",", layers);
    this.tta = request.tta().isEmpty() ? null : new TestTimeAugmentation(request.method(), request.tta());
  }

  public LayeredModel model() {
    return model;
  }

  public MapRequest request() {
    return request;
  }

  /**
   * The name this explainer's τ* is stored under in a {@link Calibration}: the method's report name,
   * with its test-time augmentations when it has some ({@link Calibration#key}).
   */
  public String calibrationKey() {
    return Calibration.key(request.method().name(),
        request.tta().isEmpty() ? null : TtaPresets.describe(request.tta(), model.inputSize()));
  }

  /** Whether the request's method can read {@code layer} of {@code model}. */
  private static boolean usable(LayeredModel model, MapRequest request, String layer) {
    try {
      request.method().check(model, layer);
      return true;
    } catch (io.camkit.core.CamkitException e) {
      return false;
    }
  }

  /**
   * The layer the maps read: the request's, or {@code auto}'s choice when it names none (the
   * deepest layer the method can read whose map is at least 7×7); with several, their names
   * joined by commas.
   */
  public String layer() {
    return layer;
  }

  /** The layers the maps read, in order (one unless the request fuses several). */
  public List<String> layers() {
    return layers;
  }

  /** Images per pass: the method's batch size for this model's input ({@code CamMethod#batchSizeFor}). */
  public int batchSize() {
    return request.method().batchSizeFor(model.inputSize());
  }

  /** One image, with the request's targets. */
  public ImageResult explain(RgbImage image, String source) {
    return explain(List.of(image), List.of(source)).get(0);
  }

  /** Images of any size (the model resizes them), with the request's targets; results in order. */
  public List<ImageResult> explain(List<RgbImage> images, List<String> sources) {
    return explain(images, sources, request.targets());
  }

  /**
   * As {@link #explain(List, List)} with other targets: an evaluation asks for the predicted and
   * the true class of each image.
   *
   * @param targets chosen per batch from its scores {@code y [N, C]}
   */
  public List<ImageResult> explain(List<RgbImage> images, List<String> sources, TargetSelector targets) {
    return explain(images, sources, (first, y) -> targets.select(y));
  }

  /**
   * Targets that depend on which images a batch holds (an evaluation's true classes): {@code
   * select(first, y)} is called for the images {@code first … first + y.length − 1} of the list.
   */
  @FunctionalInterface
  public interface BatchTargets {
    List<Target> select(int first, float[][] logits);
  }

  /**
   * {@link #explain(List, List, BatchTargets)} for loops that stop on Ctrl-C: empty when a stop is
   * requested ({@link io.camkit.core.Interruption}) before the call or inside a slow method; the
   * batch is then dropped whole and the caller keeps the results it already has.
   */
  public java.util.Optional<List<ImageResult>> explainUnlessStopped(
      List<RgbImage> images, List<String> sources, BatchTargets targets) {
    if (io.camkit.core.Interruption.requested()) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(explain(images, sources, targets));
    } catch (io.camkit.core.Interruption.Interrupted stopped) {
      return java.util.Optional.empty();
    }
  }

  /** As {@link #explain(List, List, TargetSelector)} with targets that know the batch's position. */
  public List<ImageResult> explain(List<RgbImage> images, List<String> sources, BatchTargets targets) {
    if (images.size() != sources.size()) {
      throw new IllegalArgumentException(images.size() + " images but " + sources.size() + " sources");
    }
    List<ImageResult> out = new ArrayList<>(images.size());
    // with TTA each image brings its augmented copies: as many copies per call as images without
    int batch = tta == null ? batchSize() : Math.max(1, batchSize() / request.tta().size());
    for (int from = 0; from < images.size(); from += batch) {
      int to = Math.min(images.size(), from + batch);
      int first = from;
      out.addAll(batch(images.subList(from, to), sources.subList(from, to), y -> targets.select(first, y)));
    }
    return out;
  }

  private List<ImageResult> batch(List<RgbImage> images, List<String> sources, TargetSelector targets) {
    int n = images.size();
    List<float[]> rows = new ArrayList<>(n);
    TargetSelector capturing = y -> {
      for (float[] r : y) {
        rows.add(r.clone());
      }
      return targets.select(y);
    };
    long t0 = System.nanoTime();
    List<ClassMap> maps;
    try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
      NDArray x = model.input(scope, images);
      maps = layers.size() == 1 ? maps(scope, x, layers.get(0), capturing) : fused(scope, x, capturing);
    }
    double millis = (System.nanoTime() - t0) / 1e6 / n;
    if (rows.size() != n || maps.size() % n != 0) {
      throw new IllegalStateException(request.methodName() + " returned " + maps.size() + " maps and " + rows.size()
          + " score rows for " + n + " images");
    }
    int perImage = maps.size() / n;
    List<ImageResult> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RgbImage img = images.get(i);
      float[] scores = rows.get(i);
      float[] probs = softmax(scores);
      List<ClassResult> classes = new ArrayList<>(perImage);
      for (int t = 0; t < perImage; t++) {
        ClassMap m = maps.get(i * perImage + t);
        int c = m.classIndex();
        Provenance p = new Provenance(model.description(), request.methodName(), layer, c, className(c),
            c >= 0 ? scores[c] : m.score(), c >= 0 ? probs[c] : Float.NaN, m.resolution(), request.tau(),
            request.tta().size(), millis, request.refine() == null ? "none" : request.refine().spec());
        classes.add(new ClassResult(m, p, img, request.relu(), request.refine()));
      }
      out.add(new ImageResult(sources.get(i), img.width(), img.height(), scores, probs, top(scores, probs), classes,
          millis));
    }
    return out;
  }

  private List<ClassMap> maps(NDManager scope, NDArray x, String at, TargetSelector targets) {
    return tta == null
        ? request.method().explain(model, scope, x, at, targets)
        : tta.explain(model, scope, x, at, targets);
  }

  /** The maps of each layer for the targets the first layer's pass chose, fused by the request's fusion. */
  private List<ClassMap> fused(NDManager scope, NDArray x, TargetSelector targets) {
    List<List<Target>> chosen = new ArrayList<>(1);
    List<List<ClassMap>> perLayer = new ArrayList<>(layers.size());
    perLayer.add(maps(scope, x, layers.get(0), y -> {
      List<Target> t = targets.select(y);
      chosen.add(t);
      return t;
    }));
    for (String l : layers.subList(1, layers.size())) {
      perLayer.add(maps(scope, x, l, y -> chosen.get(0)));
    }
    return request.fusion().fuse(perLayer, layer);
  }

  private String className(int c) {
    return c >= 0 && c < model.classes().size() ? model.classes().get(c) : "target";
  }

  private List<Prediction> top(float[] scores, float[] probs) {
    int k = Math.min(request.topK(), scores.length);
    List<Prediction> top = new ArrayList<>(k);
    for (int rank = 0; rank < k; rank++) {
      int c = TargetSelector.rankOf(scores, rank);
      top.add(new Prediction(c, className(c), scores[c], probs[c]));
    }
    return top;
  }

  /** Numerically stable softmax (max subtracted); a row with a NaN gives NaNs. */
  static float[] softmax(float[] y) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : y) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] e = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      e[i] = Math.exp(y[i] - max);
      sum += e[i];
    }
    float[] p = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      p[i] = (float) (e[i] / sum);
    }
    return p;
  }
}
