package io.camkit.explain;

import io.camkit.core.HeatMap;
import java.util.List;

/**
 * What an explainer says about one image: the class probabilities, the predicted class and the
 * raw class activation map of every class at the feature resolution.
 *
 * @param probabilities softmax of the scores, length C
 * @param predicted the top-1 class
 * @param rawMaps {@code M_c} for every class c, at feature-map resolution {@code [h, w]}, before
 *     any normalisation
 * @param imageWidth width of the image the maps explain
 * @param imageHeight height of the image the maps explain
 * @param scores the raw scores (logits) of every class, length C: what per-class rankings (average
 *     precision of a multi-label model) read
 */
public record Explanation(
    float[] probabilities, int predicted, List<HeatMap> rawMaps, int imageWidth, int imageHeight, float[] scores) {

  public Explanation {
    probabilities = probabilities.clone();
    scores = scores.clone();
    rawMaps = List.copyOf(rawMaps);
  }

  @Override
  public float[] probabilities() {
    return probabilities.clone();
  }

  @Override
  public float[] scores() {
    return scores.clone();
  }

  public float confidence() {
    return probabilities[predicted];
  }

  /**
   * The map of class {@code c} as localization reads it: {@code ReLU(M_c)} (negative values are
   * evidence against the class, not for it), bilinearly upsampled to the image (half-pixel
   * centres), then min-max normalised to [0, 1] (see {@link HeatMap#normalized()} for ε and for
   * non-finite maps). Because the ReLU puts the minimum at 0 wherever some position has no
   * positive evidence, "τ of the normalised map" is then "τ · max" of the map, the rule of Zhou et
   * al. 2016. This is pytorch-grad-cam's convention ({@code scale_cam_image}: ReLU, then min-max);
   * Zhou's code and wsolevaluation min-max the raw map, which lets a strongly negative region lift
   * the whole background above τ.
   */
  public HeatMap map(int c) {
    return rawMaps.get(c).relu().resize(imageWidth, imageHeight).normalized();
  }

  /** The map of the predicted class. */
  public HeatMap predictedMap() {
    return map(predicted);
  }
}
