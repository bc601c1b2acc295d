package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import io.camkit.explain.augment.Augmentation;
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

  /** Class probabilities {@code [C]} of one image's augmented copies {@code xs [L, 3, H, W]}, averaged. */
  private float[] averaged(LayeredModel model, NDManager scope, NDArray xs) {
    return model.logits(scope, xs).softmax(1).mean(new int[] {0}).toFloatArray();
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

  /** For {@code x [N, 3, H, W]}: per image, the averaged map of each target. */
  public List<ClassMap> explain(LayeredModel model, NDManager scope, NDArray x, String layer, TargetSelector targets) {
    int n = (int) x.getShape().get(0);
    int h = (int) x.getShape().get(2);
    int w = (int) x.getShape().get(3);
    List<ClassMap> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NDArray xs = InputWarps.augmented(scope, x, i, augmentations);
      float[] p = averaged(model, scope, xs);
      float[][] logp = new float[1][p.length];
      for (int c = 0; c < p.length; c++) {
        logp[0][c] = (float) Math.log(p[c]);
      }
      for (Target t : targets.select(logp)) {
        int cls = t.classOf(0);
        TargetSelector fixed = cls >= 0 ? TargetSelector.classIndex(cls) : TargetSelector.of(t);
        List<float[]> maps = new ArrayList<>();
        for (ClassMap m : method.explain(model, scope, xs, layer, fixed)) {
          maps.add(m.upsampled(w, h).values());
        }
        float[] avg = Augmentation.averageInverted(augmentations, maps, w, h);
        out.add(new ClassMap(name(), layer, cls, Float.NaN, cls >= 0 ? p[cls] : Float.NaN, new HeatMap(w, h, avg),
            w, h));
      }
    }
    return out;
  }
}
