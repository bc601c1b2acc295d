package io.camkit.model.fcn;

import io.camkit.core.HeatMap;

/**
 * Per-location class values {@code [C, H', W']} (row-major, class planes) of a fully convolutional
 * pass over one image: raw scores (logits) or their per-location softmax over the classes.
 *
 * @param classes C
 * @param width W', output locations per row
 * @param height H', output rows
 * @param values {@code C·H'·W'} values; value {@code (c, y', x')} at {@code (c·H' + y')·W' + x'}
 */
public record ScoreGrid(int classes, int width, int height, float[] values) {
  public ScoreGrid {
    if ((long) classes * width * height != values.length) {
      throw new IllegalArgumentException(classes + "×" + height + "×" + width + " grid of " + values.length + " values");
    }
  }

  /** A zero grid. */
  public static ScoreGrid zeros(int classes, int width, int height) {
    return new ScoreGrid(classes, width, height, new float[classes * width * height]);
  }

  public float get(int c, int x, int y) {
    return values[(c * height + y) * width + x];
  }

  /** Class {@code c}'s plane as a {@code W'×H'} map. */
  public HeatMap plane(int c) {
    float[] v = new float[width * height];
    System.arraycopy(values, c * width * height, v, 0, v.length);
    return new HeatMap(width, height, v);
  }

  /**
   * The softmax over classes at every location, {@code p_c = exp(s_c − m) / Σ_j exp(s_j − m)} with
   * {@code m = max_j s_j} (subtracted so that no exponential overflows).
   */
  public ScoreGrid softmax() {
    int plane = width * height;
    float[] p = new float[values.length];
    for (int i = 0; i < plane; i++) {
      float m = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        m = Math.max(m, values[c * plane + i]);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(values[c * plane + i] - m);
      }
      for (int c = 0; c < classes; c++) {
        p[c * plane + i] = (float) (Math.exp(values[c * plane + i] - m) / sum);
      }
    }
    return new ScoreGrid(classes, width, height, p);
  }

  /**
   * Each class's mean over the {@code k×k} locations around each location: columns {@code x − ⌊(k −
   * 1)/2⌋ … x + ⌊k/2⌋} (rows likewise), clipped to the grid (the mean of the locations inside). For a
   * GAP head's class maps, {@code k} = training size ÷ stride gives, away from the borders, the
   * classifier's logits on the training-size window there (its GAP over that window); smaller k
   * smooths. {@code k = 1} is this grid.
   */
  public ScoreGrid windowMean(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("window " + k);
    }
    if (k == 1) {
      return this;
    }
    int lo = (k - 1) / 2;
    int hi = k / 2;
    int plane = width * height;
    float[] out = new float[values.length];
    double[] integral = new double[(width + 1) * (height + 1)];
    for (int c = 0; c < classes; c++) {
      int base = c * plane;
      for (int y = 0; y < height; y++) {
        double row = 0;
        for (int x = 0; x < width; x++) {
          row += values[base + y * width + x];
          integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1] + row;
        }
      }
      for (int y = 0; y < height; y++) {
        int y0 = Math.max(0, y - lo);
        int y1 = Math.min(height, y + hi + 1);
        for (int x = 0; x < width; x++) {
          int x0 = Math.max(0, x - lo);
          int x1 = Math.min(width, x + hi + 1);
          double sum = integral[y1 * (width + 1) + x1] - integral[y0 * (width + 1) + x1]
              - integral[y1 * (width + 1) + x0] + integral[y0 * (width + 1) + x0];
          out[base + y * width + x] = (float) (sum / ((long) (x1 - x0) * (y1 - y0)));
        }
      }
    }
    return new ScoreGrid(classes, width, height, out);
  }

  /**
   * Class {@code c}'s values at image pixels, for drawing: a {@code width}×{@code height} map whose
   * pixel {@code (u, v)} stands for image pixel {@code (f·u, f·v)} (a preview subsampled by
   * {@code f}), bilinear between the locations' window centres {@code rf.centre(o)} and held
   * constant beyond the first and last centre.
   */
  public HeatMap atPixels(int c, ReceptiveField rf, int width, int height, double f) {
    float[] out = new float[width * height];
    double c0 = rf.centre(0);
    for (int v = 0; v < height; v++) {
      double gy = clamp((f * v - c0) / rf.stride(), this.height - 1);
      int y0 = (int) gy;
      int y1 = Math.min(y0 + 1, this.height - 1);
      double ty = gy - y0;
      for (int u = 0; u < width; u++) {
        double gx = clamp((f * u - c0) / rf.stride(), this.width - 1);
        int x0 = (int) gx;
        int x1 = Math.min(x0 + 1, this.width - 1);
        double tx = gx - x0;
        double top = get(c, x0, y0) * (1 - tx) + get(c, x1, y0) * tx;
        double bottom = get(c, x0, y1) * (1 - tx) + get(c, x1, y1) * tx;
        out[v * width + u] = (float) (top * (1 - ty) + bottom * ty);
      }
    }
    return new HeatMap(width, height, out);
  }

  private static double clamp(double g, int last) {
    return Math.max(0, Math.min(last, g));
  }
}
