package io.camkit.explain.method;

import io.camkit.core.HeatMap;

/**
 * One explanation map: what a method says about one image and one target.
 *
 * @param method the method's name, e.g. "gradcam"
 * @param layer the target layer
 * @param classIndex the class explained, or -1 for a target that is not one class
 * @param score the target's score on the image (the raw logit for a class target)
 * @param probability the softmax probability of {@code classIndex} on the image (NaN for a target
 *     that is not one class)
 * @param raw the map as the method defines it, before ReLU and normalisation, at its own
 *     resolution (the layer's {@code h × w}; the image's for super-resolution methods)
 * @param imageWidth width of the network input the map explains
 * @param imageHeight height of the network input the map explains
 */
public record ClassMap(
    String method, String layer, int classIndex, float score, float probability, HeatMap raw, int imageWidth, int imageHeight) {

  /** "h×w" of {@link #raw}. */
  public String resolution() {
    return raw.height() + "×" + raw.width();
  }

  /**
   * {@code ReLU} then min-max to [0, 1] at the map's own resolution: the {@code norm7} stage of
   * pytorch-grad-cam's {@code scale_cam_image} ({@code (x − min) / (max − min + 1e-7)}). Only the
   * positive evidence counts (Selvaraju et al. 2017, Eq. 2). A NaN, infinite or all-zero map
   * gives zeros ({@link #isDegenerate()} tells which).
   */
  public HeatMap normalized() {
    return raw.relu().normalized();
  }

  /**
   * The map at the input's resolution: {@link #normalized()}, bilinear resize (half-pixel centres,
   * like {@code cv2.resize} and {@code F.interpolate(align_corners=False)}), ReLU and min-max
   * again, so that the maximum is exactly 1 (pytorch-grad-cam's public output).
   */
  public HeatMap upsampled() {
    return upsampled(imageWidth, imageHeight);
  }

  /** {@link #upsampled()} to another size, e.g. the original image's before the model resized it. */
  public HeatMap upsampled(int width, int height) {
    return normalized().resize(width, height).relu().normalized();
  }

  /**
   * The raw map min-max normalised <em>without</em> the ReLU, resized and min-max normalised again:
   * the convention of Zhou et al.'s code and of wsolevaluation, where negative evidence is part of
   * the range. For comparisons with results computed that way.
   */
  public HeatMap upsampledWithoutRelu(int width, int height) {
    return raw.normalized().resize(width, height).normalized();
  }

  /** True when the map is NaN/infinite somewhere or has no positive value: it normalises to zeros. */
  public boolean isDegenerate() {
    return !raw.isFinite() || raw.max() <= 0f;
  }
}
