package io.camkit.dataset.shapes;

/** Polygon helpers for the shape rasterizer; trigonometry is {@link StrictMath} for reproducibility. */
final class Polygons {
  private Polygons() {}

  /** A regular n-gon of circumradius r, first vertex pointing up (-v) rotated by {@code phase}. */
  static double[][] regular(int n, double r, double phase) {
    double[][] p = new double[n][];
    for (int i = 0; i < n; i++) {
      double a = phase - StrictMath.PI / 2 + 2 * StrictMath.PI * i / n;
      p[i] = new double[] {r * StrictMath.cos(a), r * StrictMath.sin(a)};
    }
    return p;
  }

  /** A star with n points: vertices alternate between radius {@code outer} and {@code inner}. */
  static double[][] star(int n, double outer, double inner) {
    double[][] p = new double[2 * n][];
    for (int i = 0; i < 2 * n; i++) {
      double a = -StrictMath.PI / 2 + StrictMath.PI * i / n;
      double r = (i % 2 == 0) ? outer : inner;
      p[i] = new double[] {r * StrictMath.cos(a), r * StrictMath.sin(a)};
    }
    return p;
  }

  /** Even-odd point-in-polygon test. */
  static boolean contains(double[][] poly, double x, double y) {
    boolean inside = false;
    for (int i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      double xi = poly[i][0];
      double yi = poly[i][1];
      double xj = poly[j][0];
      double yj = poly[j][1];
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }
}
