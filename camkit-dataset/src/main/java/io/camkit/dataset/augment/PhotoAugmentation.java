package io.camkit.dataset.augment;

import io.camkit.core.Options;
import io.camkit.core.RgbImage;
import java.util.SplittableRandom;

/**
 * Data augmentation for photos, as the ImageNet and WSOL training recipes use it (Szegedy et al.
 * 2015's random-size crops as torchvision's {@code RandomResizedCrop}; {@code
 * RandomHorizontalFlip}; {@code ColorJitter}; wsolevaluation trains its backbones with the first
 * two): a random crop covering a fraction {@code s ~ U[minScale, 1]} of the image's area with
 * aspect ratio {@code r}, {@code log r ~ U[log minRatio, log maxRatio]}, resized (bilinear,
 * half-pixel centres) to the output size; a horizontal mirror with probability ½; then brightness,
 * contrast and saturation factors drawn from {@code U[1 − j, 1 + j]} for their {@code j}, applied in
 * that order, each clipped to [0, 255]:
 *
 * <pre>
 *   brightness  x' = b·x
 *   contrast    x' = c·x + (1 − c)·mean(gray(x))      (one mean gray per image)
 *   saturation  x' = s·x + (1 − s)·gray(x)            (per pixel; gray = 0.299 R + 0.587 G + 0.114 B)
 * </pre>
 *
 * As in torchvision, a crop is drawn up to 10 times until it fits the image; after that the whole
 * image, cut to the nearer ratio bound, is centred. Deterministic for a given {@link
 * SplittableRandom} state.
 *
 * @param minScale least fraction of the image's area a crop covers, in (0, 1]
 * @param minRatio least aspect ratio (width ÷ height) of a crop, &gt; 0
 * @param maxRatio greatest aspect ratio, ≥ minRatio
 * @param flip mirror horizontally with probability ½
 * @param brightness j of the brightness factor, in [0, 1)
 * @param contrast j of the contrast factor, in [0, 1)
 * @param saturation j of the saturation factor, in [0, 1)
 */
public record PhotoAugmentation(double minScale, double minRatio, double maxRatio, boolean flip, double brightness,
    double contrast, double saturation) {
  private static final int ATTEMPTS = 10;

  public PhotoAugmentation {
    Options.check(minScale > 0 && minScale <= 1, "augment-min-scale", minScale, "(0, 1]");
    Options.check(minRatio > 0 && maxRatio >= minRatio && Double.isFinite(maxRatio), "augment ratio",
        minRatio + ".." + maxRatio, "0 < min <= max");
    for (double j : new double[] {brightness, contrast, saturation}) {
      Options.check(j >= 0 && j < 1, "jitter", j, "[0, 1)");
    }
  }

  /**
   * Crops of at least a quarter of the area (torchvision's ImageNet default is 0.08; a crop that
   * leaves out most of the object teaches a localiser to look at parts), ratios 3/4 to 4/3, flips,
   * and brightness, contrast and saturation jitter of 0.2.
   */
  public static PhotoAugmentation standard() {
    return withJitter(0.25, 0.2);
  }

  /** {@link #standard()} with another least crop area and one jitter for all three factors. */
  public static PhotoAugmentation withJitter(double minScale, double jitter) {
    return new PhotoAugmentation(minScale, 3.0 / 4, 4.0 / 3, true, jitter, jitter, jitter);
  }

  /** One augmented copy of {@code src}, {@code outWidth × outHeight}. */
  public RgbImage apply(RgbImage src, int outWidth, int outHeight, SplittableRandom rng) {
    int[] box = cropBox(src.width(), src.height(), rng);
    RgbImage out = crop(src, box[0], box[1], box[2], box[3]).resize(outWidth, outHeight);
    byte[] px = out.bytes();
    if (flip && rng.nextBoolean()) {
      mirror(px, outWidth, outHeight);
    }
    double b = factor(brightness, rng);
    double c = factor(contrast, rng);
    double s = factor(saturation, rng);
    if (b != 1 || c != 1 || s != 1) {
      jitter(px, b, c, s);
    }
    return new RgbImage(outWidth, outHeight, px);
  }

  /** The crop {@code {x0, y0, width, height}} in pixels of a {@code w × h} image. */
  int[] cropBox(int w, int h, SplittableRandom rng) {
    double area = (double) w * h;
    double logLo = Math.log(minRatio);
    double logHi = Math.log(maxRatio);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      double target = area * (minScale + (1 - minScale) * rng.nextDouble());
      double ratio = Math.exp(logLo + (logHi - logLo) * rng.nextDouble());
      int cw = (int) Math.round(Math.sqrt(target * ratio));
      int ch = (int) Math.round(Math.sqrt(target / ratio));
      if (cw >= 1 && ch >= 1 && cw <= w && ch <= h) {
        int x0 = rng.nextInt(w - cw + 1);
        int y0 = rng.nextInt(h - ch + 1);
        return new int[] {x0, y0, cw, ch};
      }
    }
    double ratio = (double) w / h;
    int cw = w;
    int ch = h;
    if (ratio < minRatio) {
      ch = Math.max(1, (int) Math.round(w / minRatio));
    } else if (ratio > maxRatio) {
      cw = Math.max(1, (int) Math.round(h * maxRatio));
    }
    return new int[] {(w - cw) / 2, (h - ch) / 2, cw, ch};
  }

  private static double factor(double j, SplittableRandom rng) {
    return j == 0 ? 1 : 1 - j + 2 * j * rng.nextDouble();
  }

  static RgbImage crop(RgbImage src, int x0, int y0, int cw, int ch) {
    if (x0 == 0 && y0 == 0 && cw == src.width() && ch == src.height()) {
      return src;
    }
    byte[] all = src.bytes();
    byte[] out = new byte[cw * ch * 3];
    for (int y = 0; y < ch; y++) {
      System.arraycopy(all, ((y0 + y) * src.width() + x0) * 3, out, y * cw * 3, cw * 3);
    }
    return new RgbImage(cw, ch, out);
  }

  static void mirror(byte[] px, int w, int h) {
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w / 2; x++) {
        int a = (y * w + x) * 3;
        int b = (y * w + w - 1 - x) * 3;
        for (int c = 0; c < 3; c++) {
          byte t = px[a + c];
          px[a + c] = px[b + c];
          px[b + c] = t;
        }
      }
    }
  }

  /** Brightness, contrast, saturation in that order, each result clipped and kept in double until the end. */
  static void jitter(byte[] px, double b, double c, double s) {
    int n = px.length / 3;
    double[] v = new double[px.length];
    for (int i = 0; i < px.length; i++) {
      v[i] = clip(b * (px[i] & 0xFF));
    }
    double meanGray = 0;
    for (int i = 0; i < n; i++) {
      meanGray += gray(v, i);
    }
    meanGray /= n;
    for (int i = 0; i < px.length; i++) {
      v[i] = clip(c * v[i] + (1 - c) * meanGray);
    }
    for (int i = 0; i < n; i++) {
      double g = gray(v, i);
      for (int ch = 0; ch < 3; ch++) {
        v[i * 3 + ch] = clip(s * v[i * 3 + ch] + (1 - s) * g);
      }
    }
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) Math.round(v[i]);
    }
  }

  private static double gray(double[] v, int pixel) {
    return 0.299 * v[pixel * 3] + 0.587 * v[pixel * 3 + 1] + 0.114 * v[pixel * 3 + 2];
  }

  private static double clip(double x) {
    return x < 0 ? 0 : x > 255 ? 255 : x;
  }
}
