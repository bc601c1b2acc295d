package io.camkit.evaluate.faithfulness;

import io.camkit.core.HeatMap;
import java.util.List;

/**
 * Average drop and increase in confidence (Chattopadhay et al., "Grad-CAM++: Generalized
 * Gradient-Based Visual Explanations for Deep Convolutional Networks", WACV 2018, Sec. 6.1.1).
 *
 * <p>The explanation map of an image I and a saliency map M in [0, 1] is {@code E = M ⊙ I}
 * (every channel of pixel (x, y) times {@code M(x, y)}; see {@link #explanationMap}). With
 * {@code Y_i} the probability of the class on image i and {@code O_i} that on its explanation map:
 *
 * <ul>
 *   <li>average drop % = {@code 100 · (1/N) Σ_i max(0, Y_i − O_i) / Y_i} (lower is better); a
 *       term with {@code Y_i = 0} counts 0 (nothing to drop; the formula's 0/0).
 *   <li>increase in confidence % = {@code 100 · (1/N) Σ_i [O_i > Y_i]} (higher is better).
 * </ul>
 *
 * <p>An accumulator: {@link #add} images one at a time or through a scorer, {@link #merge} partial
 * accumulators from parallel workers or Spark partitions (the counts merge exactly, the drop sum up
 * to floating-point rounding), {@link #snapshot} an immutable result. Not thread-safe on its own.
 */
public final class ConfidenceChange {
  private long images;
  private double dropSum;
  private long increases;

  /**
   * A snapshot; both figures are NaN when no image was added.
   *
   * @param images the number of images N
   * @param averageDropPercent {@code 100 · (1/N) Σ max(0, Y − O) / Y}, in [0, 100]
   * @param increaseInConfidencePercent {@code 100 · (1/N) · #{O > Y}}, in [0, 100]
   */
  public record Metrics(long images, double averageDropPercent, double increaseInConfidencePercent) {}

  /**
   * Adds one image from its two probabilities.
   *
   * @param y Y, the class probability on the image, in [0, 1]
   * @param o O, the class probability on the explanation map, in [0, 1]
   * @throws IllegalArgumentException when either is NaN or outside [0, 1]
   */
  public ConfidenceChange add(double y, double o) {
    if (!(y >= 0 && y <= 1) || !(o >= 0 && o <= 1)) {
      throw new IllegalArgumentException(
          "probabilities must be in [0, 1], got Y = " + y + " (image) and O = " + o
              + " (explanation map)");
    }
    images++;
    if (y > 0) {
      dropSum += Math.max(0, y - o) / y;
    }
    if (o > y) {
      increases++;
    }
    return this;
  }

  /**
   * Scores each image and its explanation map with {@code scorer} and adds them. The {@code 2N}
   * images go in consecutive batches of at most {@code batchSize}: the N images first, then the N
   * explanation maps. The N explanation maps are held in memory while scoring: feed a large
   * dataset in chunks (one call per chunk adds to the same sums).
   *
   * @param images N images of one shape {@code [C, H, W]}, values in [0, 1]
   * @param maps N saliency maps at image resolution, values in [0, 1] (NaN counts as 0)
   * @param classes N class indices, ≥ 0
   * @throws IllegalArgumentException on mismatched counts or shapes, or a map value outside [0, 1]
   */
  public ConfidenceChange add(
      ClassScorer scorer, List<ChwImage> images, List<HeatMap> maps, int[] classes, int batchSize) {
    int n = images.size();
    if (maps.size() != n || classes.length != n) {
      throw new IllegalArgumentException(
          n + " images, " + maps.size() + " maps and " + classes.length
              + " classes: one map and one class per image are needed");
    }
    if (n == 0) {
      return this;
    }
    ChwImage first = images.get(0);
    float[][] explained = new float[n][];
    int[] both = new int[2 * n];
    for (int i = 0; i < n; i++) {
      if (!images.get(i).sameShape(first)) {
        throw new IllegalArgumentException(
            "image " + i + " is " + images.get(i).shape() + " but image 0 is " + first.shape()
                + " (CxHxW); one batch needs one shape");
      }
      if (classes[i] < 0) {
        throw new IllegalArgumentException("class " + classes[i] + " of image " + i + " must be ≥ 0");
      }
      explained[i] = explanationMap(images.get(i), maps.get(i)).raw();
      both[i] = classes[i];
      both[n + i] = classes[i];
    }
    float[] p =
        BatchedScoring.score(
            scorer, first.channels(), first.height(), first.width(), both, batchSize,
            (k, dst, offset) -> {
              float[] src = k < n ? images.get(k).raw() : explained[k - n];
              System.arraycopy(src, 0, dst, offset, src.length);
            });
    for (int i = 0; i < n; i++) {
      add(p[i], p[n + i]);
    }
    return this;
  }

  /**
   * {@code E = M ⊙ I}: {@code E[c, y, x] = M(x, y) · I[c, y, x]}. A NaN in M counts as 0 (the lowest
   * saliency: the pixel is masked out).
   *
   * @param map at image resolution, values in [0, 1] (normalise first, e.g. {@link
   *     HeatMap#normalized()})
   * @throws IllegalArgumentException when the sizes differ or a map value lies outside [0, 1]
   */
  public static ChwImage explanationMap(ChwImage image, HeatMap map) {
    int w = image.width();
    int h = image.height();
    if (map.width() != w || map.height() != h) {
      throw new IllegalArgumentException(
          "the map is " + map.width() + "x" + map.height() + " (WxH) but the image is " + w + "x" + h
              + "; resize the map to the image first (HeatMap.resize)");
    }
    float[] m = map.values();
    float[] x = image.raw();
    float[] e = new float[x.length];
    int plane = w * h;
    for (int i = 0; i < plane; i++) {
      float mi = m[i];
      if (Float.isNaN(mi)) {
        mi = 0f;
      } else if (!(mi >= 0f && mi <= 1f)) {
        throw new IllegalArgumentException(
            "map value " + mi + " at x=" + (i % w) + ", y=" + (i / w)
                + " is outside [0, 1]; normalise the map first (HeatMap.normalized)");
      }
      for (int c = 0; c < image.channels(); c++) {
        e[c * plane + i] = mi * x[c * plane + i];
      }
    }
    return ChwImage.wrap(image.channels(), h, w, e);
  }

  /** Adds another accumulator's sums into this one. */
  public ConfidenceChange merge(ConfidenceChange other) {
    images += other.images;
    dropSum += other.dropSum;
    increases += other.increases;
    return this;
  }

  public long images() {
    return images;
  }

  /** An immutable snapshot; both percentages are NaN when no image was added. */
  public Metrics snapshot() {
    double n = images;
    return new Metrics(images, 100 * dropSum / n, 100 * increases / n);
  }
}
