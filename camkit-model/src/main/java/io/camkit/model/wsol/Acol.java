package io.camkit.model.wsol;

import ai.djl.ndarray.NDArray;

/**
 * Adversarial Complementary Learning (Zhang et al., "Adversarial Complementary Learning for Weakly
 * Supervised Object Localization", CVPR 2018, Sec. 3): two classifier branches A and B on the
 * shared features {@code f = [N, K, h, w]}. Branch A's class map of the true class, min-max
 * normalised per image, marks the most discriminative region; the features there are erased
 * before branch B, which must then classify from the rest of the object:
 *
 * <pre>
 *   Ã = (M_A,y − min M_A,y) / (max M_A,y − min M_A,y + ε)      [N, 1, h, w], ε = 1e-12
 *   f_B = f ⊙ 1[Ã &lt; δ]
 *   loss = CE(GAP-scores of A, y) + CE(GAP-scores of B on f_B, y)
 * </pre>
 *
 * At inference the localization map is {@code max(norm M_A,c, norm M_B,c)} ({@link #fuse}).
 *
 * <p>In camkit both branches are GAP + linear heads, so each branch's class map is its CAM
 * {@code M_c = Σ_k w_k^c f_k} (the bias drops out of the normalisation); branch A is the net's
 * {@code classifier} and gives the logits at inference, as in the wsolevaluation code, so every
 * CAM-family method sees an ACoL model as a plain GAP network whose features were trained to be
 * complementary; {@code classifierB} is used in training, and by {@link #fuse} for the paper's
 * fused map.
 */
public final class Acol {
  /** ε of the min-max normalisation. */
  public static final double EPS = 1e-12;

  private Acol() {}

  /** Min-max normalisation per map over positions: {@code (M − min) / (max − min + ε)}, same shape {@code [N, C, h, w]}. */
  public static NDArray normalise(NDArray maps) {
    NDArray min = maps.min(new int[] {3}, true).min(new int[] {2}, true); // one axis at a time (PyTorch)
    NDArray max = maps.max(new int[] {3}, true).max(new int[] {2}, true);
    return maps.sub(min).div(max.sub(min).add(EPS));
  }

  /**
   * The erased features {@code f ⊙ 1[norm(M) < δ]}: {@code f = [N, K, h, w]}, {@code map = [N, 1,
   * h, w]} (branch A's class map of each image's class), same shape as f. The mask is a constant
   * for the gradient.
   */
  public static NDArray erase(NDArray f, NDArray map, double delta) {
    NDArray keep = normalise(map.stopGradient()).lt(delta).toType(f.getDataType(), false);
    return f.mul(keep);
  }

  /**
   * Each image's class map of its class {@code y}: {@code M_y = Σ_k w_k^y f_k}, {@code [N, 1, h,
   * w]}, for weights {@code w = [C, K]} and labels {@code [N]} (int64).
   */
  public static NDArray classMap(NDArray f, NDArray weights, NDArray labels) {
    NDArray wy = labels.oneHot((int) weights.getShape().get(0)).toType(f.getDataType(), false).matMul(weights);
    return f.mul(wy.expandDims(2).expandDims(3)).sum(new int[] {1}, true);
  }

  /** The fused map {@code max(norm(M_A), norm(M_B))} of two branches' maps {@code [N, C, h, w]}. */
  public static NDArray fuse(NDArray mapsA, NDArray mapsB) {
    return normalise(mapsA).maximum(normalise(mapsB));
  }
}
