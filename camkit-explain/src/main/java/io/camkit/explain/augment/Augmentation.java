package io.camkit.explain.augment;

import io.camkit.core.Options;
import io.camkit.core.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A known geometric augmentation of an image about its centre, as used by test-time augmentation
 * and by Augmented Grad-CAM (Morbidelli et al., ICASSP 2020): an optional horizontal flip, then a
 * rotation by {@code angleDeg}, then a translation by {@code (dx, dy)} pixels.
 *
 * <p>In pixel indices (pixel centres at integers, {@code x} to the right, {@code y} down) with the
 * centre {@code c = ((W − 1)/2, (H − 1)/2)}, the augmentation moves the content at {@code p} of the
 * original to
 *
 * <pre>
 *   T(p) = R(θ) F (p − c) + c + t,   R(θ) = [[cos θ, sin θ], [−sin θ, cos θ]],
 *   F = diag(−1, 1) if flipped else I,   t = (dx, dy).
 * </pre>
 *
 * so a positive angle turns the content counter-clockwise as displayed (the right edge moves to the
 * top). The augmented image samples the original at {@code T⁻¹(q)}, bilinearly; everything outside
 * the original frame reads as <b>zero</b> (black pixels, zero heat), see {@link BilinearWarp}.
 * Translations are in pixels of the frame being warped: for a map at another resolution than the
 * image use {@link #scaled(double)}.
 *
 * @param angleDeg rotation θ in degrees, in [−360, 360]
 * @param dx horizontal shift in pixels (positive to the right), finite
 * @param dy vertical shift in pixels (positive down), finite
 * @param flip whether the image is mirrored left-right (about the centre) before rotating
 */
public record Augmentation(double angleDeg, double dx, double dy, boolean flip) {

  public Augmentation {
    Options.check(
        angleDeg >= -360 && angleDeg <= 360, "augment-angle", angleDeg, "[-360, 360] degrees");
    Options.check(Double.isFinite(dx), "augment-dx", dx, "a finite number of pixels");
    Options.check(Double.isFinite(dy), "augment-dy", dy, "a finite number of pixels");
  }

  /** The augmentation that changes nothing; its warps are exact copies. */
  public static Augmentation identity() {
    return new Augmentation(0, 0, 0, false);
  }

  /**
   * {@code count} augmentations, the first the {@link #identity()}, the others with an angle and
   * shifts drawn uniformly from {@code [−maxAngleDeg, maxAngleDeg]} and {@code [−maxShiftPx,
   * maxShiftPx]} (no flips), from {@code java.util.Random(seed)}: the same seed gives the same set
   * on every JVM.
   */
  public static List<Augmentation> randomSet(
      int count, double maxAngleDeg, double maxShiftPx, long seed) {
    Options.check(count >= 1, "augment-count", count, ">= 1");
    Options.check(
        maxAngleDeg >= 0 && maxAngleDeg <= 180, "augment-max-angle", maxAngleDeg, "[0, 180]");
    Options.check(
        maxShiftPx >= 0 && Double.isFinite(maxShiftPx), "augment-max-shift", maxShiftPx,
        "a finite number >= 0");
    Random random = new Random(seed);
    List<Augmentation> set = new ArrayList<>(count);
    set.add(identity());
    for (int i = 1; i < count; i++) {
      double angle = (2 * random.nextDouble() - 1) * maxAngleDeg;
      double sx = (2 * random.nextDouble() - 1) * maxShiftPx;
      double sy = (2 * random.nextDouble() - 1) * maxShiftPx;
      set.add(new Augmentation(angle, sx, sy, false));
    }
    return List.copyOf(set);
  }

  /** Whether this is the identity (no flip, angle 0, no shift). */
  public boolean isIdentity() {
    return !flip && angleDeg == 0 && dx == 0 && dy == 0;
  }

  /**
   * The same augmentation for a frame {@code factor} times as large (a feature map of a smaller
   * resolution: {@code factor = w / W}): the shift is scaled, the angle and flip are kept.
   */
  public Augmentation scaled(double factor) {
    Options.check(factor > 0 && Double.isFinite(factor), "augment-scale", factor, "> 0");
    return new Augmentation(angleDeg, dx * factor, dy * factor, flip);
  }

  /**
   * The augmented image: each output pixel samples the original at {@code T⁻¹(q)} bilinearly,
   * rounded to the nearest byte; outside the original it is black (zero).
   */
  public RgbImage apply(RgbImage image) {
    int w = image.width();
    int h = image.height();
    BilinearWarp warp = forward(w, h);
    byte[] src = image.bytes();
    byte[] out = new byte[src.length];
    double[] plane = new double[w * h];
    double[] warped = new double[w * h];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < plane.length; i++) {
        plane[i] = src[i * 3 + c] & 0xFF;
      }
      warp.apply(plane, warped);
      for (int i = 0; i < warped.length; i++) {
        out[i * 3 + c] = (byte) Math.max(0, Math.min(255, Math.round(warped[i])));
      }
    }
    return new RgbImage(w, h, out);
  }

  /**
   * The map of the original frame carried into the augmented frame, as {@link #apply(RgbImage)}
   * carries the image: {@code out(q) = map(T⁻¹ q)}, bilinear, zero outside.
   *
   * @param map row-major {@code [h, w]}
   * @return a new {@code [h, w]} map
   */
  public float[] applyToMap(float[] map, int w, int h) {
    return warp(forward(w, h), map);
  }

  /**
   * The inverse of {@link #applyToMap}: a map computed on the augmented image brought back to the
   * original frame, {@code out(p) = map(T p)}, bilinear. Original pixels whose {@code T p} falls
   * outside the augmented frame get <b>0</b>, and those near its border a partial interpolation;
   * {@link #inverseCoverage(int, int)} says how much of each pixel is real data, and {@link
   * #averageInverted} uses it to average over augmentations.
   *
   * @param map row-major {@code [h, w]} in the augmented frame
   * @return a new {@code [h, w]} map in the original frame
   */
  public float[] invertMap(float[] map, int w, int h) {
    return warp(inverse(w, h), map);
  }

  /**
   * The validity weight of {@link #invertMap}: {@code invertMap(1)}, the part in [0, 1] of each
   * original pixel's bilinear footprint that lies inside the augmented frame. 1 is fully valid, 0
   * is pure fill; {@code invertMap(m) / inverseCoverage} (where it is not 0) is the unbiased
   * estimate.
   */
  public float[] inverseCoverage(int w, int h) {
    return toFloat(inverse(w, h).coverage());
  }

  /**
   * The test-time-augmentation average of maps computed on augmented images, in the original
   * frame: {@code Σ_l invertMap_l(m_l) / Σ_l inverseCoverage_l}, so that each augmentation counts
   * only where it saw the pixel; pixels that no augmentation saw are 0.
   *
   * @param maps one {@code [h, w]} map per augmentation, each in its augmented frame
   */
  public static float[] averageInverted(
      List<Augmentation> augmentations, List<float[]> maps, int w, int h) {
    if (augmentations.size() != maps.size() || augmentations.isEmpty()) {
      throw new IllegalArgumentException(
          augmentations.size() + " augmentations for " + maps.size() + " maps");
    }
    double[] sum = new double[w * h];
    double[] weight = new double[w * h];
    double[] back = new double[w * h];
    for (int l = 0; l < maps.size(); l++) {
      BilinearWarp inv = augmentations.get(l).inverse(w, h);
      inv.apply(toDouble(maps.get(l), w, h), back);
      double[] cov = inv.coverage();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += back[i];
        weight[i] += cov[i];
      }
    }
    float[] out = new float[w * h];
    for (int i = 0; i < out.length; i++) {
      // Weights are sums of float bilinear weights; below 1e-6 a pixel is effectively unseen.
      out[i] = weight[i] > 1e-6 ? (float) (sum[i] / weight[i]) : 0f;
    }
    return out;
  }

  /**
   * The warp {@code A} of the augmentation on a {@code w × h} frame: output {@code q} samples the
   * original at {@code T⁻¹ q = F Rᵀ (q − c − t) + c}. The operator of Augmented Grad-CAM's {@code
   * A_l}.
   */
  public BilinearWarp forward(int w, int h) {
    double[] m = linear();
    // F Rᵀ = (R F)ᵀ, and R F is a rotation or a reflection, whose inverse is its transpose.
    double m00 = m[0];
    double m01 = m[2];
    double m10 = m[1];
    double m11 = m[3];
    double cx = (w - 1) / 2.0;
    double cy = (h - 1) / 2.0;
    double ux = cx + dx;
    double uy = cy + dy;
    return new BilinearWarp(
        w, h, m00, m01, m10, m11, cx - (m00 * ux + m01 * uy), cy - (m10 * ux + m11 * uy));
  }

  /** The warp back to the original frame: output {@code p} samples at {@code T p}. */
  public BilinearWarp inverse(int w, int h) {
    double[] m = linear();
    double cx = (w - 1) / 2.0;
    double cy = (h - 1) / 2.0;
    return new BilinearWarp(
        w, h, m[0], m[1], m[2], m[3], cx + dx - (m[0] * cx + m[1] * cy),
        cy + dy - (m[2] * cx + m[3] * cy));
  }

  /** {@code R(θ) F} row-major; exact for multiples of 90°. */
  private double[] linear() {
    double cos;
    double sin;
    double quarter = angleDeg / 90;
    if (quarter == Math.rint(quarter)) {
      int k = (int) Math.floorMod((long) quarter, 4L);
      cos = new double[] {1, 0, -1, 0}[k];
      sin = new double[] {0, 1, 0, -1}[k];
    } else {
      double rad = Math.toRadians(angleDeg);
      cos = Math.cos(rad);
      sin = Math.sin(rad);
    }
    double f = flip ? -1 : 1;
    // R F = [[cos·f, sin], [−sin·f, cos]]
    return new double[] {cos * f, sin, -sin * f, cos};
  }

  private static float[] warp(BilinearWarp warp, float[] map) {
    double[] out = new double[map.length];
    warp.apply(toDouble(map, warp.width(), warp.height()), out);
    return toFloat(out);
  }

  private static double[] toDouble(float[] map, int w, int h) {
    if (map.length != w * h) {
      throw new IllegalArgumentException(
          "map of " + w + "x" + h + " needs " + (w * h) + " values, got " + map.length);
    }
    double[] d = new double[map.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = map[i];
    }
    return d;
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
