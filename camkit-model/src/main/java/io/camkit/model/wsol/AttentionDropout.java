package io.camkit.model.wsol;

import ai.djl.ndarray.NDArray;

/**
 * The Attention-based Dropout Layer (Choe &amp; Shim, "Attention-based Dropout Layer for Weakly
 * Supervised Object Localization", CVPR 2019, Sec. 3), on feature maps {@code f = [N, K, h, w]}:
 *
 * <pre>
 *   A = (1/K) Σ_k f_k                      self-attention, [N, 1, h, w]
 *   D = 1[A &lt; γ · max_{x,y} A]            drop mask, per image: 0 on the most discriminative part
 *   I = sigmoid(A)                         importance map
 *   ADL(f) = f ⊙ D   with probability drop_rate,   f ⊙ I   otherwise   (one draw per step)
 * </pre>
 *
 * The drop mask hides the region the network relies on most, so that it learns the rest of the
 * object; the importance map rewards the discriminative region, so that classification does not
 * suffer. No parameters; identity at inference, so the CAM of an ADL network is its plain CAM.
 * camkit applies it to the last conv maps, the ones CAM weighs (the paper also inserts it in
 * earlier layers).
 */
public final class AttentionDropout {
  private AttentionDropout() {}

  /** The self-attention map {@code A = mean_k f_k}, {@code [N, 1, h, w]}, of {@code f = [N, K, h, w]}. */
  public static NDArray attention(NDArray f) {
    return f.mean(new int[] {1}, true);
  }

  /**
   * The drop mask {@code D = 1[A < γ · max A]}, {@code [N, 1, h, w]} of 0/1 floats, the max taken
   * per image over positions (with {@code A ≤ 0} everywhere, as for an all-zero map, every
   * position is dropped).
   */
  public static NDArray dropMask(NDArray attention, double gamma) {
    NDArray max = attention.max(new int[] {3}, true).max(new int[] {2}, true); // one axis at a time (PyTorch)
    return attention.lt(max.mul(gamma)).toType(attention.getDataType(), false);
  }

  /** The importance map {@code I = sigmoid(A)}, {@code [N, 1, h, w]}. */
  public static NDArray importanceMap(NDArray attention) {
    return attention.neg().exp().add(1).pow(-1);
  }

  /**
   * {@code ADL(f) = f ⊙ D} when {@code drop}, else {@code f ⊙ I}: {@code [N, K, h, w]}. Gradients
   * flow through f and through I; D is a constant.
   */
  public static NDArray apply(NDArray f, double gamma, boolean drop) {
    NDArray a = attention(f);
    return f.mul(drop ? dropMask(a.stopGradient(), gamma) : importanceMap(a));
  }
}
