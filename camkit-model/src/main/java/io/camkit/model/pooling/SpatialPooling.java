package io.camkit.model.pooling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;

/**
 * A global spatial pooling: region scores {@code z = [N, C, H, W]} to class scores {@code y = [N,
 * C']}, differentiable through DJL's autograd. Each scheme is a pure function on tensors; {@link
 * #block()} wraps it as a parameter-free block.
 */
public interface SpatialPooling {
  /** {@code [N, C, H, W] → [N, C']} ({@code C' = C} except for WILDCAT's maps per class). */
  NDArray apply(NDArray z);

  /**
   * The class maps the scores are pooled from, {@code [N, C, H, W]}: the input itself, except for
   * WILDCAT, which first averages its M maps per class.
   */
  default NDArray classMaps(NDArray z) {
    return z;
  }

  /** A short name for reports, e.g. {@code "weldon(k+=3, k-=3)"}. */
  String name();

  /** The pooling as a block without parameters. */
  default Block block() {
    return new LambdaBlock(x -> new NDList(apply(x.singletonOrThrow())), name());
  }

  /** {@code [N, C, H, W] → [N, C, H·W]}: DJL's PyTorch binding reduces over one axis at a time. */
  static NDArray flatten(NDArray z) {
    Shape s = z.getShape();
    if (s.dimension() != 4) {
      throw new IllegalArgumentException("pooling expects [N, C, H, W], got " + s);
    }
    return z.reshape(s.get(0), s.get(1), s.get(2) * s.get(3));
  }
}
