package io.camkit.explain.method;

import io.camkit.core.CamkitException;
import io.camkit.core.HeatMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the maps of several layers become one (Jiang et al., "LayerCAM", TIP 2021, §III-C: shallow
 * layers add detail, deep layers the class): each layer's map is normalised at its own resolution
 * ({@link ClassMap#normalized()}: ReLU, min-max), resized bilinearly to the input's resolution,
 * then combined pixel by pixel by their mean or their maximum. The mean is pytorch-grad-cam's
 * {@code aggregate_multi_layers} for a list of target layers.
 */
public enum LayerFusion {
  /** {@code (1/L) Σ_l up(ψ(M_l))}. */
  MEAN,
  /** {@code max_l up(ψ(M_l))}. */
  MAX;

  /** By name as on the command line: "mean" or "max". */
  public static LayerFusion parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CamkitException("unknown layer fusion '" + name + "'; choose mean or max");
    }
  }

  /**
   * Fuses maps computed at several layers for the same images and targets.
   *
   * @param perLayer for each layer, the maps in the same order (image-major, then target)
   * @param layer the name the fused maps carry, e.g. "layer3,layer4"
   * @return one map per position, at the input's resolution
   */
  public List<ClassMap> fuse(List<List<ClassMap>> perLayer, String layer) {
    if (perLayer.isEmpty()) {
      throw new IllegalArgumentException("no layers to fuse");
    }
    int n = perLayer.get(0).size();
    for (List<ClassMap> l : perLayer) {
      if (l.size() != n) {
        throw new IllegalArgumentException("layers gave " + l.size() + " and " + n + " maps");
      }
    }
    List<ClassMap> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ClassMap first = perLayer.get(0).get(i);
      int w = first.imageWidth();
      int h = first.imageHeight();
      float[] acc = new float[w * h];
      for (int l = 0; l < perLayer.size(); l++) {
        ClassMap m = perLayer.get(l).get(i);
        if (m.classIndex() != first.classIndex()) {
          throw new IllegalStateException("layer maps explain classes " + first.classIndex() + " and " + m.classIndex());
        }
        float[] v = m.normalized().resize(w, h).relu().values();
        for (int p = 0; p < acc.length; p++) {
          acc[p] = this == MEAN ? acc[p] + v[p] / perLayer.size() : l == 0 ? v[p] : Math.max(acc[p], v[p]);
        }
      }
      out.add(new ClassMap(first.method(), layer, first.classIndex(), first.score(), first.probability(),
          new HeatMap(w, h, acc), w, h));
    }
    return out;
  }
}
