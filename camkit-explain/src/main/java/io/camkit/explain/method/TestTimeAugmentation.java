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
   * The N images' L augmented copies run together, {@code [N·L, 3, H, W]}: one forward for the
   * averaged probabilities {@code p_i = mean_l softmax(y_{i,l})}, from which the targets are chosen
   * (one {@code select} over N rows of {@code log p_i}), then one call of the method per target
   * over all copies, each copy explaining its image's class ({@link Target#classOf}); a target that
   * is not a class (a regression output, a segmentation mask) is the same function of every copy.
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
    float[][] p = averaged(model, scope, xs, n);
    float[][] logp = new float[n][];
    for (int i = 0; i < n; i++) {
      logp[i] = new float[p[i].length];
      for (int c = 0; c < p[i].length; c++) {
        logp[i][c] = (float) Math.log(p[i][c]);
      }
    }
    List<Target> chosen = targets.select(logp);
    ClassMap[][] out = new ClassMap[n][chosen.size()];
    for (int t = 0; t < chosen.size(); t++) {
      Target target = chosen.get(t);
      int[] classes = new int[n];
      int[] rows = new int[n * copies];
      boolean perClass = true;
      for (int i = 0; i < n; i++) {
        classes[i] = target.classOf(i);
        perClass &= classes[i] >= 0;
        java.util.Arrays.fill(rows, i * copies, (i + 1) * copies, classes[i]);
      }
      Target each = perClass ? new ClassTarget(rows) : target;
      List<ClassMap> maps = method.explain(model, scope, xs, layer, TargetSelector.of(each)); // one per copy
      for (int i = 0; i < n; i++) {
        List<float[]> own = new ArrayList<>(copies);
        for (int l = 0; l < copies; l++) {
          own.add(maps.get(i * copies + l).upsampled(w, h).values());
        }
        float[] avg = Augmentation.averageInverted(augmentations, own, w, h);
        int cls = perClass ? classes[i] : -1;
        out[i][t] = new ClassMap(name(), layer, cls, Float.NaN, cls >= 0 ? p[i][cls] : Float.NaN,
            new HeatMap(w, h, avg), w, h);
      }
    }
    List<ClassMap> all = new ArrayList<>(n * chosen.size());
    for (ClassMap[] row : out) {
      all.addAll(List.of(row));
    }
    return all;
  }

  /** Class probabilities {@code [N, C]} of N images' augmented copies {@code xs [N·L, 3, H, W]}, averaged per image. */
  private float[][] averaged(LayeredModel model, NDManager scope, NDArray xs, int n) {
    NDArray probs = model.logits(scope, xs).softmax(1);
    long classes = probs.getShape().get(1);
    float[] flat = probs.reshape(n, -1, classes).mean(new int[] {1}).toFloatArray();
    float[][] p = new float[n][(int) classes];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, (int) (i * classes), p[i], 0, (int) classes);
    }
    return p;
  }
}

