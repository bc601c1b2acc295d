package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import io.camkit.explain.augment.Augmentation;
import io.camkit.explain.target.ClassTarget;
import io.camkit.explain.target.Target;
import io.camkit.explain.target.TargetSelector;
import io.camkit.model.layers.LayeredModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-time augmentation: the class probabilities are averaged over known augmentations of the
 * input, the targets chosen from the averaged prediction, and each augmented copy's map (any
 * method, upsampled to the input) is mapped back through the inverse warp and averaged where the
 * copy saw the pixel ({@link Augmentation#averageInverted}). The result is one map per image and
 * target at the input's resolution; its probability is the averaged one.
 */
public final class TestTimeAugmentation {
  private final CamMethod method;
  private final List<Augmentation> augmentations;

  public TestTimeAugmentation(CamMethod method, List<Augmentation> augmentations) {
    if (augmentations.isEmpty()) {
      throw new IllegalArgumentException("option --tta = 0 is out of range (allowed: >= 1)");
    }
    this.method = method;
    this.augmentations = List.copyOf(augmentations);
  }

  public String name() {
    return "tta-" + method.name();
  }

  /** Maps of the images, image-major then target, as {@link CamMethod#explain}. */
  public List<ClassMap> explain(LayeredModel model, List<RgbImage> images, String layer, TargetSelector targets) {
    List<ClassMap> out = new ArrayList<>();
    for (RgbImage img : images) {
      try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
        out.addAll(explain(model, scope, model.input(scope, List.of(img)), layer, targets));
      }
    }
    return out;
  }

  /**
   * For {@code x [N, 3, H, W]}: per image, the averaged map of each target, image-major then target.
   * The N images' L augmented copies run together, {@code [N·L, 3, H, W]}, in one call of the
   * method: its forward pass gives the averaged probabilities {@code p_i = mean_l softmax(y_{i,l})},
   * from which the targets are chosen (one {@code select} over N rows of {@code log p_i}); each copy
   * then explains its image's class ({@link Target#classOf}), and a target that is not a class (a
   * regression output) is the same function of every copy. A region target ({@link
   * io.camkit.explain.target.MapTarget}) is refused: its mask would not follow the warped copies.
   */
  public List<ClassMap> explain(LayeredModel model, NDManager scope, NDArray x, String layer, TargetSelector targets) {
    int n = (int) x.getShape().get(0);
    int h = (int) x.getShape().get(2);
    int w = (int) x.getShape().get(3);
    int copies = augmentations.size();
    List<NDArray> parts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      parts.add(InputWarps.augmented(scope, x, i, augmentations));
    }
    NDArray xs = n == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts)); // [N·L, 3, H, W]
    float[][] p = new float[n][];
    List<Target> chosen = new ArrayList<>();
    TargetSelector perCopy = y -> { // y: the raw scores of the N·L copies, from the method's own forward pass
      float[][] logp = new float[n][];
      for (int i = 0; i < n; i++) {
        p[i] = averagedSoftmax(y, i * copies, copies);
        logp[i] = new float[p[i].length];
        for (int c = 0; c < p[i].length; c++) {
          logp[i][c] = (float) Math.log(p[i][c]);
        }
      }
      chosen.clear();
      chosen.addAll(targets.select(logp));
      for (Target t : chosen) {
        if (t instanceof io.camkit.explain.target.MapTarget) {
          throw new io.camkit.core.CamkitException("test-time augmentation cannot explain a region target: the"
              + " augmented copies would not move the region with the image; leave out --tta");
        }
      }
      return chosen.stream().map(t -> forCopies(t, n, copies)).toList();
    };
    List<ClassMap> maps = method.explain(model, scope, xs, layer, perCopy); // copy-major, then target
    int targetCount = chosen.size();
    if (maps.size() != n * copies * targetCount) {
      throw new IllegalStateException(method.name() + " returned " + maps.size() + " maps for " + n * copies
          + " augmented copies and " + targetCount + " targets");
    }
    boolean[] perClass = new boolean[targetCount];
    for (int t = 0; t < targetCount; t++) {
      perClass[t] = isClassTarget(chosen.get(t), n);
    }
    List<ClassMap> out = new ArrayList<>(n * targetCount);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < targetCount; t++) {
        List<float[]> own = new ArrayList<>(copies);
        for (int l = 0; l < copies; l++) {
          own.add(maps.get((i * copies + l) * targetCount + t).upsampled(w, h).values());
        }
        float[] avg = Augmentation.averageInverted(augmentations, own, w, h);
        int cls = perClass[t] ? chosen.get(t).classOf(i) : -1;
        out.add(new ClassMap(name(), layer, cls, Float.NaN, cls >= 0 ? p[i][cls] : Float.NaN, new HeatMap(w, h, avg),
            w, h));
      }
    }
    return out;
  }

  /** Whether {@code t} names a class for each of the {@code n} images. */
  private static boolean isClassTarget(Target t, int n) {
    for (int i = 0; i < n; i++) {
      if (t.classOf(i) < 0) {
        return false;
      }
    }
    return true;
  }

  /** {@code t} over the N·L copies: copy {@code (i, l)} explains image i's class; a target that is not a class, as it is. */
  private static Target forCopies(Target t, int n, int copies) {
    if (!isClassTarget(t, n)) {
      return t;
    }
    int[] rows = new int[n * copies];
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(rows, i * copies, (i + 1) * copies, t.classOf(i));
    }
    return new ClassTarget(rows);
  }

  /** {@code mean_l softmax(y[from + l])} over {@code copies} rows of raw scores, in double. */
  private static float[] averagedSoftmax(float[][] y, int from, int copies) {
    int classes = y[from].length;
    double[] sum = new double[classes];
    for (int l = 0; l < copies; l++) {
      float[] row = y[from + l];
      double max = Double.NEGATIVE_INFINITY;
      for (float v : row) {
        max = Math.max(max, v);
      }
      double z = 0;
      for (float v : row) {
        z += Math.exp(v - max);
      }
      for (int c = 0; c < classes; c++) {
        sum[c] += Math.exp(row[c] - max) / z;
      }
    }
    float[] p = new float[classes];
    for (int c = 0; c < classes; c++) {
      p[c] = (float) (sum[c] / copies);
    }
    return p;
  }
}

