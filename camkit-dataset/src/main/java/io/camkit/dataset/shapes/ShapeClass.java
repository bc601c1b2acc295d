package io.camkit.dataset.shapes;

import java.util.Locale;

/**
 * The object classes of the built-in benchmark. Each is an inside-test in the shape's own unit
 * frame: {@code (u, v)} is the pixel position relative to the centre, rotated, and divided by the
 * radius (half the object's size), so every shape fits in the unit disc.
 */
public enum ShapeClass {
  DISC {
    @Override
    public boolean contains(double u, double v) {
      return u * u + v * v <= 1;
    }
  },
  RING {
    @Override
    public boolean contains(double u, double v) {
      double r2 = u * u + v * v;
      return r2 <= 1 && r2 >= 0.5 * 0.5;
    }
  },
  SQUARE {
    @Override
    public boolean contains(double u, double v) {
      return Math.abs(u) <= 0.75 && Math.abs(v) <= 0.75;
    }
  },
  TRIANGLE {
    @Override
    public boolean contains(double u, double v) {
      return Polygons.contains(TRIANGLE_VERTICES, u, v);
    }
  },
  CROSS {
    @Override
    public boolean contains(double u, double v) {
      double au = Math.abs(u);
      double av = Math.abs(v);
      return (au <= 0.3 && av <= 0.95) || (av <= 0.3 && au <= 0.95);
    }
  },
  STAR {
    @Override
    public boolean contains(double u, double v) {
      return Polygons.contains(STAR_VERTICES, u, v);
    }
  };

  private static final double[][] TRIANGLE_VERTICES = Polygons.regular(3, 1.0, 0.0);
  private static final double[][] STAR_VERTICES = Polygons.star(5, 1.0, 0.42);

  /** Whether the point {@code (u, v)} of the unit frame lies inside the shape. */
  public abstract boolean contains(double u, double v);

  /** The lower-case name used in annotation files. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
