package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.camkit.core.CamkitException;
import io.camkit.explain.ClassActivationMaps;
import java.util.Optional;

/**
 * Class activation mapping (Zhou et al., "Learning Deep Features for Discriminative
 * Localization", CVPR 2016, Eq. 2): {@code M_c(x, y) = Σ_k w_k^c A_k(x, y)} with {@code w^c} the
 * weights of the linear layer after global average pooling. No gradient, no extra pass: the cost
 * of one forward. For a class-map head (1×1 conv, then GMP/LSE/WELDON/WILDCAT) the map is that
 * head's own class map. Only for a target layer directly followed by such a head.
 */
public final class Cam extends CamMethod {
  @Override
  public String name() {
    return "cam";
  }

  @Override
  public boolean needsGradients() {
    return false;
  }

  /** Also fails when the head after {@code layer} is neither GAP + linear nor a class-map head. */
  @Override
  public void check(io.camkit.model.layers.LayeredModel model, String layer) {
    super.check(model, layer);
    if (!model.supportsCam(layer)) {
      throw new CamkitException(model.whyNoCam(layer));
    }
  }

  @Override
  protected NDArray maps(LayerCapture c) {
    int n = c.batch();
    int[] cls = new int[n];
    for (int i = 0; i < n; i++) {
      cls[i] = c.target().classOf(i);
      if (cls[i] < 0) {
        throw new CamkitException("cam maps one class per image; for a target function use a gradient method");
      }
    }
    Optional<NDArray> w = c.model().classifierWeights(c.layer());
    if (w.isPresent()) {
      return ClassActivationMaps.cam(c.activations(), w.get(), cls);
    }
    Optional<NDArray> maps = c.model().classMaps(c.scope(), c.activations(), c.layer());
    if (maps.isEmpty()) {
      throw new CamkitException(c.model().whyNoCam(c.layer()));
    }
    NDArray m = maps.get(); // [N, C, h, w]
    long h = m.getShape().get(2);
    long wd = m.getShape().get(3);
    NDArray flat = m.reshape(n, m.getShape().get(1), h * wd);
    NDArray idx = c.scope().create(cls).toType(DataType.INT64, false);
    NDArray pick = idx.reshape(n, 1, 1).broadcast(n, 1, h * wd);
    return flat.gather(pick, 1).reshape(n, h, wd);
  }
}
