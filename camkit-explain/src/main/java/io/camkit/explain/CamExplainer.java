package io.camkit.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.camkit.core.CamkitException;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import io.camkit.model.CamModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Class activation mapping (Zhou et al. 2016) for a {@link CamModel}: one forward pass gives the
 * scores and the last conv maps {@code f = [N, K, h, w]}; for the GAP head the maps of all C
 * classes are then one product with the classifier weights, {@code M = w · f = [N, C, h, w]}; for
 * a class-map head (GMP, LSE, WELDON, WILDCAT) they are the head's own class maps. Either way a
 * map of any class costs no extra pass.
 */
public final class CamExplainer {
  /** Images per forward pass. */
  public static final int BATCH = 64;

  private final CamModel model;

  /** @throws CamkitException for a net without class activation maps (cnn-flatten) */
  public CamExplainer(CamModel model) {
    this.model = requireCam(model);
  }

  /** {@code model}, or a {@link CamkitException} when it has no class activation maps (cnn-flatten). */
  public static CamModel requireCam(CamModel model) {
    if (!model.options().hasCam()) {
      throw new CamkitException(noCamMessage(model.options().arch()));
    }
    return model;
  }

  /** Why a net with a dense head ({@code arch}) has no class activation maps. */
  public static String noCamMessage(String arch) {
    return arch + " has a dense head: CAM needs a GAP or class-map head; use a gradient method";
  }

  /** Explains each image (of any size: it is resized to the model's input for the pass). */
  public List<Explanation> explain(List<RgbImage> images) {
    List<Explanation> out = new ArrayList<>(images.size());
    for (int from = 0; from < images.size(); from += BATCH) {
      out.addAll(explainBatch(images.subList(from, Math.min(images.size(), from + BATCH))));
    }
    return out;
  }

  private List<Explanation> explainBatch(List<RgbImage> images) {
    try (NDManager scope = model.manager().newSubManager()) {
      NDList fl = model.forward(scope, images);
      NDArray f = fl.get(0); // [N, K, h, w]
      NDArray probs = fl.get(1).softmax(1); // [N, C]
      long n = f.getShape().get(0);
      int h = (int) f.getShape().get(2);
      int w = (int) f.getShape().get(3);
      int c = model.classes().size();
      NDArray maps = model.net().classMapHead() == null
          ? ClassActivationMaps.allClasses(f, model.net().classWeights())
          : model.headClassMaps(scope, f);
      float[] mapData = maps.toFloatArray(); // [N, C, h, w]
      float[] probData = probs.toFloatArray();
      float[] scoreData = fl.get(1).toFloatArray();
      List<Explanation> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        float[] p = new float[c];
        System.arraycopy(probData, i * c, p, 0, c);
        int best = 0;
        for (int j = 1; j < c; j++) {
          if (p[j] > p[best]) {
            best = j;
          }
        }
        List<HeatMap> classMaps = new ArrayList<>(c);
        for (int j = 0; j < c; j++) {
          float[] m = new float[h * w];
          System.arraycopy(mapData, (i * c + j) * h * w, m, 0, h * w);
          classMaps.add(new HeatMap(w, h, m));
        }
        RgbImage img = images.get(i);
        float[] sc = new float[c];
        System.arraycopy(scoreData, i * c, sc, 0, c);
        out.add(new Explanation(p, best, classMaps, img.width(), img.height(), sc));
      }
      return out;
    }
  }
}
