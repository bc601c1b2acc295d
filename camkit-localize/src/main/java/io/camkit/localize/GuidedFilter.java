package io.camkit.localize;

import io.camkit.core.HeatMap;
import io.camkit.core.Options;
import io.camkit.core.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Edge-aware refinement of a normalised map with the image as guide: the guided filter of K. He,
 * J. Sun and X. Tang, "Guided Image Filtering" (ECCV 2010; TPAMI 35(6), 2013), colour form.
 *
 * <p>A CAM is coarse (one value per stride-4 or stride-32 cell) and spreads over the receptive
 * field: at the image's resolution its edges are blurred by tens of pixels and do not follow the
 * object's. The guided filter fits, in every window ω_k of (2r + 1)² pixels, a linear model of
 * the map {@code p} in the guide's colour {@code I} (RGB in [0, 1]):
 *
 * <pre>
 *   a_k = (Σ_k + ε U)⁻¹ (mean_ω(I p) − μ_k p̄_k)      (3-vector; Σ_k the 3×3 colour covariance in ω_k)
 *   b_k = p̄_k − a_kᵀ μ_k
 *   q_i = ā_iᵀ I_i + b̄_i                              (ā, b̄: means over the windows that hold i)
 * </pre>
 *
 * so the output {@code q} changes where the image's colour changes and is smooth where it does
 * not: a map that covers a uniformly coloured object in part is spread over the object, and the
 * halo of a map around a small object falls off at the object's edge. Where the colour does not
 * vary (Σ_k ≪ ε) the filter is a box mean of the map. Windows are clipped at the image border
 * (means over the pixels inside), as in the authors' code. O(N) in the pixels, whatever r.
 *
 * <p>{@code radius} is a fraction of the image's shorter side, so one setting serves images of any
 * size; {@code eps} is in squared colour units (0.01 ≈ a colour step of 0.1 counts as an edge).
 * Neither has a universal value: camkit chooses both on the validation split with τ ({@link
 * #candidates()}), and the choice "no refinement" competes with them.
 *
 * @param radius the window's half side as a fraction of min(width, height), in (0, 0.5]
 * @param eps the regularisation ε &gt; 0
 */
public record GuidedFilter(double radius, double eps) {
  public GuidedFilter {
    Options.check(radius > 0 && radius <= 0.5, "guided-filter radius", radius, "(0, 0.5] of the shorter side");
    Options.check(eps > 0 && Double.isFinite(eps), "guided-filter eps", eps, "> 0");
  }

  /** The settings the validation split chooses from: radius {0.04, 0.08, 0.16, 0.25} × ε {0.001, 0.01, 0.1}. */
  public static List<GuidedFilter> candidates() {
    List<GuidedFilter> out = new ArrayList<>();
    for (double r : new double[] {0.04, 0.08, 0.16, 0.25}) {
      for (double e : new double[] {0.001, 0.01, 0.1}) {
        out.add(new GuidedFilter(r, e));
      }
    }
    return out;
  }

  /**
   * Parses "R,EPS" (e.g. "0.16,0.01") as written by {@link #spec()}.
   *
   * @throws IllegalArgumentException with the expected form
   */
  public static GuidedFilter parse(String spec) {
    String[] parts = spec.trim().split(",");
    if (parts.length != 2) {
      throw new IllegalArgumentException("guided filter '" + spec + "': expected RADIUS,EPS, e.g. 0.16,0.01");
    }
    try {
      return new GuidedFilter(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("guided filter '" + spec + "': expected two numbers RADIUS,EPS, e.g. 0.16,0.01");
    }
  }

  /** "RADIUS,EPS", what {@link #parse} reads. */
  public String spec() {
    return String.format(Locale.ROOT, "%s,%s", trim(radius), trim(eps));
  }

  /** For reports: "guided filter, radius 0.16 of the shorter side, ε 0.01". */
  public String describe() {
    return String.format(Locale.ROOT, "guided filter, radius %s of the shorter side, ε %s", trim(radius), trim(eps));
  }

  /** For reports: "guided filter, radius 0.16 of the shorter side (15 px at 96×96), ε 0.01". */
  public String describe(int width, int height) {
    return String.format(Locale.ROOT, "guided filter, radius %s of the shorter side (%d px at %d×%d), ε %s",
        trim(radius), radiusPixels(width, height), width, height, trim(eps));
  }

  /** The window's half side in pixels for an image of {@code width × height}: round(radius · min), at least 1. */
  public int radiusPixels(int width, int height) {
    return Math.max(1, (int) Math.round(radius * Math.min(width, height)));
  }

  /**
   * The refined map: the guided filter of {@code map} with {@code guide}, then ReLU and division by
   * the maximum, so that it is again in [0, 1] with maximum 1 (all zeros stay zeros).
   *
   * @param guide the image, the map's size
   * @param map a normalised map at the image's resolution
   */
  public HeatMap apply(RgbImage guide, HeatMap map) {
    float[] q = filter(guide, map);
    float max = 0;
    for (float v : q) {
      max = Math.max(max, v);
    }
    if (!(max > 0)) {
      return new HeatMap(map.width(), map.height(), new float[q.length]);
    }
    for (int i = 0; i < q.length; i++) {
      q[i] = Math.max(0f, q[i]) / max;
    }
    return new HeatMap(map.width(), map.height(), q);
  }

  /**
   * The shorter side, in pixels, above which the linear coefficients are computed on a subsampled
   * grid and interpolated back: the "fast guided filter" of He and Sun (arXiv:1505.00996, 2015).
   * It bounds the filter's memory and time by about this side squared plus one pass over the
   * image, whatever the photo's size; below it the filter is exact.
   */
  public static final int EXACT_SIDE = 512;

  /**
   * The filter's output {@code q} itself (not normalised), row-major {@code [H, W]}: exact when the
   * shorter side is at most {@link #EXACT_SIDE}; otherwise the coefficients ā, b̄ are computed on
   * the image and map averaged over s×s blocks (s = ⌈min(w, h) / EXACT_SIDE⌉, radius r / s) and
   * interpolated bilinearly to every pixel, where {@code q = āᵀ I + b̄} uses the pixel's own colour.
   */
  public float[] filter(RgbImage guide, HeatMap map) {
    int w = map.width();
    int h = map.height();
    if (guide.width() != w || guide.height() != h) {
      throw new IllegalArgumentException("guide " + guide.width() + "x" + guide.height() + " and map " + w + "x" + h
          + " differ in size");
    }
    int r = radiusPixels(w, h);
    int step = (int) Math.ceil(Math.min(w, h) / (double) EXACT_SIDE);
    byte[] rgb = guide.bytes();
    float[] mv = map.values();
    int gw = (w + step - 1) / step;
    int gh = (h + step - 1) / step;
    int n = gw * gh;
    // colour planes in [0, 1] and the map, averaged over step×step blocks (step 1: the pixels themselves)
    double[][] c = new double[3][n];
    double[] p = new double[n];
    int[] count = new int[n];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        int g = (y / step) * gw + x / step;
        for (int k = 0; k < 3; k++) {
          c[k][g] += (rgb[3 * i + k] & 0xff) / 255.0;
        }
        p[g] += mv[i];
        count[g]++;
      }
    }
    for (int g = 0; g < n; g++) {
      for (int k = 0; k < 3; k++) {
        c[k][g] /= count[g];
      }
      p[g] /= count[g];
    }
    double[][] ab = coefficients(c, p, gw, gh, step == 1 ? r : Math.max(1, (int) Math.round(r / (double) step)));
    float[] q = new float[w * h];
    if (step == 1) {
      for (int i = 0; i < q.length; i++) {
        q[i] = (float) (ab[0][i] * c[0][i] + ab[1][i] * c[1][i] + ab[2][i] * c[2][i] + ab[3][i]);
      }
      return q;
    }
    for (int y = 0; y < h; y++) {
      // bilinear weights between block centres, clamped at the border
      double v = Math.min(gh - 1, Math.max(0, (y + 0.5) / step - 0.5));
      int y0 = (int) v;
      int y1 = Math.min(gh - 1, y0 + 1);
      double fy = v - y0;
      for (int x = 0; x < w; x++) {
        double u = Math.min(gw - 1, Math.max(0, (x + 0.5) / step - 0.5));
        int x0 = (int) u;
        int x1 = Math.min(gw - 1, x0 + 1);
        double fx = u - x0;
        int i = y * w + x;
        double out = 0;
        for (int k = 0; k < 4; k++) {
          double[] m = ab[k];
          double coef = (1 - fy) * ((1 - fx) * m[y0 * gw + x0] + fx * m[y0 * gw + x1])
              + fy * ((1 - fx) * m[y1 * gw + x0] + fx * m[y1 * gw + x1]);
          out += k < 3 ? coef * (rgb[3 * i + k] & 0xff) / 255.0 : coef;
        }
        q[i] = (float) out;
      }
    }
    return q;
  }

  /** ā (three colour planes) and b̄ of the filter on a grid of {@code w × h} with window radius {@code r}. */
  private double[][] coefficients(double[][] c, double[] p, int w, int h, int r) {
    int n = w * h;
    BoxMean box = new BoxMean(w, h, r);
    double[][] mean = {box.of(c[0]), box.of(c[1]), box.of(c[2])};
    double[] meanP = box.of(p);
    double[][] covIp = new double[3][];
    double[] prod = new double[n]; // one scratch for every product: box.of returns a new array
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < n; i++) {
        prod[i] = c[k][i] * p[i];
      }
      double[] m = box.of(prod);
      for (int i = 0; i < n; i++) {
        m[i] -= mean[k][i] * meanP[i];
      }
      covIp[k] = m;
    }
    // the six distinct entries of the symmetric 3×3 covariance: rr, rg, rb, gg, gb, bb
    int[][] pairs = {{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 2}};
    double[][] cov = new double[6][];
    for (int t = 0; t < 6; t++) {
      int u = pairs[t][0];
      int v = pairs[t][1];
      for (int i = 0; i < n; i++) {
        prod[i] = c[u][i] * c[v][i];
      }
      double[] m = box.of(prod);
      for (int i = 0; i < n; i++) {
        m[i] -= mean[u][i] * mean[v][i];
      }
      cov[t] = m;
    }
    double[][] a = new double[3][n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      double rr = cov[0][i] + eps;
      double rg = cov[1][i];
      double rb = cov[2][i];
      double gg = cov[3][i] + eps;
      double gb = cov[4][i];
      double bb = cov[5][i] + eps;
      // inverse of the symmetric matrix by cofactors; positive definite since ε > 0
      double i00 = gg * bb - gb * gb;
      double i01 = rb * gb - rg * bb;
      double i02 = rg * gb - rb * gg;
      double i11 = rr * bb - rb * rb;
      double i12 = rb * rg - rr * gb;
      double i22 = rr * gg - rg * rg;
      double det = rr * i00 + rg * i01 + rb * i02;
      double y0 = covIp[0][i];
      double y1 = covIp[1][i];
      double y2 = covIp[2][i];
      double a0 = (i00 * y0 + i01 * y1 + i02 * y2) / det;
      double a1 = (i01 * y0 + i11 * y1 + i12 * y2) / det;
      double a2 = (i02 * y0 + i12 * y1 + i22 * y2) / det;
      a[0][i] = a0;
      a[1][i] = a1;
      a[2][i] = a2;
      b[i] = meanP[i] - a0 * mean[0][i] - a1 * mean[1][i] - a2 * mean[2][i];
    }
    return new double[][] {box.of(a[0]), box.of(a[1]), box.of(a[2]), box.of(b)};
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * Mean over the (2r + 1)² window clipped to the image, separable running sums: O(N). Its row
   * sums and prefix sums are scratch kept between calls (14 calls per filtered map; one instance
   * per call of {@code coefficients}, so never shared between threads).
   */
  static final class BoxMean {
    private final int w;
    private final int h;
    private final int r;
    private final double[] rows;
    private final double[] prefix;

    BoxMean(int w, int h, int r) {
      this.w = w;
      this.h = h;
      this.r = r;
      this.rows = new double[w * h];
      this.prefix = new double[Math.max(w, h) + 1];
    }

    double[] of(double[] src) {
      for (int y = 0; y < h; y++) {
        int o = y * w;
        for (int x = 0; x < w; x++) {
          prefix[x + 1] = prefix[x] + src[o + x];
        }
        for (int x = 0; x < w; x++) {
          int lo = Math.max(0, x - r);
          int hi = Math.min(w, x + r + 1);
          rows[o + x] = (prefix[hi] - prefix[lo]) / (hi - lo);
        }
      }
      double[] out = new double[w * h];
      for (int x = 0; x < w; x++) {
        for (int y = 0; y < h; y++) {
          prefix[y + 1] = prefix[y] + rows[y * w + x];
        }
        for (int y = 0; y < h; y++) {
          int lo = Math.max(0, y - r);
          int hi = Math.min(h, y + r + 1);
          out[y * w + x] = (prefix[hi] - prefix[lo]) / (hi - lo);
        }
      }
      return out;
    }
  }
}
