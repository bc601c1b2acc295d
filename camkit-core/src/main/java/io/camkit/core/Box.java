package io.camkit.core;

/**
 * An axis-aligned box in pixel coordinates, half-open: it covers the pixels {@code x0 <= x < x1},
 * {@code y0 <= y < y1}. This is the convention of COCO's {@code [x, y, width, height]} with {@code
 * width = x1 - x0}; a Pascal VOC box (1-based, inclusive) converts with {@link #fromVoc}.
 *
 * <p>A box always has a positive area: a zero-size box is a user error and is rejected with a
 * message naming the coordinates.
 */
public record Box(int x0, int y0, int x1, int y1) {

  public Box {
    if (x1 <= x0 || y1 <= y0) {
      throw new IllegalArgumentException(
          "a box needs a positive width and height, got [x0="
              + x0 + ", y0=" + y0 + ", x1=" + x1 + ", y1=" + y1 + ")");
    }
  }

  /** From COCO {@code [x, y, width, height]} (rounded to whole pixels). */
  public static Box fromXywh(double x, double y, double w, double h) {
    int x0 = (int) Math.round(x);
    int y0 = (int) Math.round(y);
    return new Box(x0, y0, (int) Math.round(x + w), (int) Math.round(y + h));
  }

  /** From Pascal VOC {@code xmin, ymin, xmax, ymax}: 1-based and inclusive. */
  public static Box fromVoc(int xmin, int ymin, int xmax, int ymax) {
    return new Box(xmin - 1, ymin - 1, xmax, ymax);
  }

  public int width() {
    return x1 - x0;
  }

  public int height() {
    return y1 - y0;
  }

  public long area() {
    return (long) width() * height();
  }

  /** The overlap with another box, in pixels (0 when they do not overlap). */
  public long intersectionArea(Box o) {
    long w = Math.min(x1, o.x1) - Math.max(x0, o.x0);
    long h = Math.min(y1, o.y1) - Math.max(y0, o.y0);
    return (w <= 0 || h <= 0) ? 0 : w * h;
  }

  /**
   * Intersection over union, {@code |A ∩ B| / |A ∪ B|}, in [0, 1]; symmetric; 1 only for equal
   * boxes.
   */
  public double iou(Box o) {
    long inter = intersectionArea(o);
    return (double) inter / (area() + o.area() - inter);
  }


  /** COCO {@code [x, y, width, height]}. */
  public int[] toXywh() {
    return new int[] {x0, y0, width(), height()};
  }

  /** The centred box of the given fraction of an image's width and height (a baseline). */
  public static Box centred(int imageW, int imageH, double fraction) {
    int w = Math.max(1, (int) Math.round(imageW * fraction));
    int h = Math.max(1, (int) Math.round(imageH * fraction));
    int x0 = (imageW - w) / 2;
    int y0 = (imageH - h) / 2;
    return new Box(x0, y0, x0 + w, y0 + h);
  }
}
