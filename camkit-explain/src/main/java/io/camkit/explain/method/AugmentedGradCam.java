package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.HeatMap;
import io.camkit.core.Options;
import io.camkit.explain.augment.Augmentation;
import io.camkit.explain.superres.AugmentedSuperResolution;
import io.camkit.explain.superres.SuperResolutionOptions;
import io.camkit.explain.target.TargetSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * Augmented Grad-CAM (Morbidelli et al., "Augmented Grad-CAM: Heat-maps super resolution through
 * augmentation", ICASSP 2020): the low-resolution Grad-CAM maps {@code g_l = ReLU(Grad-CAM(A_l x))}
 * of L known augmentations {@code A_l} (rotations, translations) of the input are fused into one
 * map at the input's resolution,
 *
 * <pre>  h = argmin ½ Σ_l ‖D A_l h − g_l‖² + λ TV_ℓ1(h) + (μ/2) ‖h‖²</pre>
 *
 * solved by subgradient descent ({@link AugmentedSuperResolution}; D = the network's downsampling
 * as area averaging). The maps are divided by their common maximum before solving (λ and μ are set
 * for maps of range ~1, {@link SuperResolutionOptions#forProblem}); the result is a map at the
 * input's resolution. Cost: L gradient passes per image, batched.
 */
public final class AugmentedGradCam extends CamMethod {
  private final List<Augmentation> augmentations;
  private final SuperResolutionOptions solver;

  /**
   * @param count L ≥ 1 augmentations, the first the identity
   * @param maxAngle largest rotation, degrees
   * @param maxShift largest translation, input pixels
   * @param seed seed of the augmentations
   * @param solver solver options, or null for {@link SuperResolutionOptions#forProblem}
   */
  public AugmentedGradCam(int count, double maxAngle, double maxShift, long seed, SuperResolutionOptions solver) {
    Options.check(count >= 1, "augment-count", count, ">= 1");
    this.augmentations = Augmentation.randomSet(count, maxAngle, maxShift, seed);
    this.solver = solver;
  }

  /** 8 augmentations, rotations up to 10°, shifts up to 8 px, the default solver. */
  public AugmentedGradCam() {
    this(8, 10, 8, 0, null);
  }

  @Override
  public String name() {
    return "augmentedgradcam";
  }

  @Override
  protected boolean needsCleanGradients() {
    return false; // the gradients come from the augmented copies
  }

  @Override
  protected NDArray maps(LayerCapture c) {
    int hIn = (int) c.input().getShape().get(2);
    int wIn = (int) c.input().getShape().get(3);
    List<Augmentation> augs = augmentations;
    GradCam grad = new GradCam();
    List<NDArray> out = new ArrayList<>();
    for (int i = 0; i < c.batch(); i++) {
      io.camkit.core.Interruption.check("stopped during Augmented Grad-CAM");
      io.camkit.core.InnerProgress.update("augmented grad-cam images", i, c.batch());
      NDArray xs = InputWarps.augmented(c.scope(), c.input(), i, augs);
      int cls = c.target().classOf(i);
      TargetSelector sel = cls >= 0 ? TargetSelector.classIndex(cls) : TargetSelector.of(c.target());
      List<ClassMap> low = grad.explain(c.model(), c.scope(), xs, c.layer(), sel);
      float scale = 0;
      for (ClassMap m : low) {
        scale = Math.max(scale, m.raw().relu().max());
      }
      List<HeatMap> g = new ArrayList<>();
      for (ClassMap m : low) {
        float[] v = m.raw().relu().values();
        for (int j = 0; j < v.length; j++) {
          v[j] = scale > 0 ? v[j] / scale : 0f;
        }
        g.add(new HeatMap(m.raw().width(), m.raw().height(), v));
      }
      SuperResolutionOptions o = solver != null ? solver
          : SuperResolutionOptions.forProblem(augs.size(), g.get(0).width(), g.get(0).height(), wIn, hIn);
      HeatMap h = new AugmentedSuperResolution(o).solve(augs, g, wIn, hIn);
      out.add(c.scope().create(h.values(), new Shape(1, hIn, wIn)));
    }
    return NDArrays.concat(new NDList(out));
  }

}
