package io.camkit.dataset.shapes;

import io.camkit.core.Box;
import io.camkit.core.RgbImage;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Split;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Training crops for counting with a patch classifier that has a background class (the sea-lion
 * recipe): images of a split are laid edge to edge as in {@link ShapesMosaic} (so crops see cell
 * seams, neighbours and clutter exactly as on a counted mosaic), then cut into {@code s×s} crops,
 * {@code s} the image size:
 *
 * <ul>
 *   <li>{@link Kind#OBJECT}: one per object, centred on its box centre (the crop's centre {@code
 *       (x + s/2, y + s/2)} lies within half a pixel of it), labelled with the object's class;
 *   <li>{@link Kind#OFF_CENTRE}: at a uniformly random place where no object's box centre lies in
 *       the crop's central square of side {@code 2·⌊CENTRE_FRACTION·s⌋} (the central half, within 12
 *       px of the centre at 48 px), labelled {@link #BACKGROUND}: objects off centre, cut by the
 *       crop's edge, parts of neighbours, seams, lines and fragments;
 *   <li>{@link Kind#CLUTTER}: pictures of clutter alone ({@link ShapesGenerator#clutter}: gradient,
 *       lines, fragments, noise), labelled {@link #BACKGROUND}.
 * </ul>
 *
 * <p>So the classifier learns "an object of this class is centred here", and everything else is
 * background. Pixels of a crop that fall outside the mosaic are mid grey, like the mosaic's strips.
 * Deterministic: a function of the generator's options, the split and the counts.
 */
public final class CountingCrops {
  /** The class name of the background crops. */
  public static final String BACKGROUND = "background";

  /** A background crop has no object centre within {@code ⌊CENTRE_FRACTION · s⌋} of its centre in x and y. */
  public static final double CENTRE_FRACTION = 0.25;

  private static final long CROP_SALT = 0x2545F4914F6CDD1DL;
  private static final int GREY = 0x80;

  /** What a crop shows. */
  public enum Kind { OBJECT, OFF_CENTRE, CLUTTER }

  /**
   * One crop.
   *
   * @param id file stem, e.g. {@code train-obj-000012}
   * @param classIndex index into {@link #classNames()}
   * @param x left of the crop in the source mosaic (clutter: 0)
   * @param y top of the crop in the source mosaic (clutter: 0)
   * @param object the centred object's box in crop pixels (object crops), else empty
   */
  public record Crop(String id, int classIndex, Kind kind, RgbImage image, int x, int y, Optional<Box> object) {}

  /** The crops of one split and the mosaic they were cut from. */
  public record Result(List<Crop> crops, ShapesMosaic source) {}

  private CountingCrops() {}

  /** The shape classes in class-index order, then {@link #BACKGROUND}. */
  public static List<String> classNames() {
    List<String> out = new ArrayList<>(ShapesGenerator.classNames());
    out.add(BACKGROUND);
    return List.copyOf(out);
  }

  /** Half the side of the central square that holds no object centre in a background crop. */
  public static int centreHalfSide(int cropSize) {
    return (int) Math.floor(CENTRE_FRACTION * cropSize);
  }

  /**
   * The crops of {@code split}: the split's first {@code c·r ≥ images} images as a mosaic of
   * {@code c = ⌈√images⌉} columns, every object's centred crop, then {@code round(objects ·
   * backgroundPerObject)} background crops of which a share {@code clutterShare} are clutter pictures.
   */
  public static Result of(ShapesGenerator g, Split split, int images, double backgroundPerObject, double clutterShare) {
    if (images < 1 || !(backgroundPerObject >= 0) || !(clutterShare >= 0 && clutterShare <= 1)) {
      throw new IllegalArgumentException("images " + images + ", background per object " + backgroundPerObject
          + ", clutter share " + clutterShare);
    }
    int s = g.options().imageSize();
    int cols = (int) Math.ceil(Math.sqrt(images));
    int rows = (images + cols - 1) / cols;
    ShapesMosaic m = ShapesMosaic.of(g, cols * s, rows * s, split);
    BufferedImage img = m.image();
    List<Crop> crops = new ArrayList<>();
    int background = classNames().size() - 1;
    String prefix = split.label();
    int n = 0;
    double[][] centres = new double[m.objects().size()][];
    for (ObjectAnnotation o : m.objects()) {
      Box b = o.box();
      double cx = (b.x0() + b.x1()) / 2.0;
      double cy = (b.y0() + b.y1()) / 2.0;
      centres[n] = new double[] {cx, cy};
      int x = (int) Math.round(cx - s / 2.0);
      int y = (int) Math.round(cy - s / 2.0);
      Box inCrop = new Box(b.x0() - x, b.y0() - y, b.x1() - x, b.y1() - y);
      crops.add(new Crop(String.format(java.util.Locale.ROOT, "%s-obj-%06d", prefix, n), o.classIndex(), Kind.OBJECT,
          cut(img, x, y, s), x, y, Optional.of(inCrop)));
      n++;
    }
    int nBackground = (int) Math.round(m.objects().size() * backgroundPerObject);
    int nClutter = (int) Math.round(nBackground * clutterShare);
    SplittableRandom rng = new SplittableRandom(ShapesGenerator.mix(g.options().seed() ^ CROP_SALT, split.ordinal(), images));
    int h = centreHalfSide(s);
    int made = 0;
    int tries = 0;
    while (made < nBackground - nClutter) {
      if (++tries > 1000 * (nBackground + 1)) {
        throw new IllegalStateException("no place without an object centre after " + tries + " tries");
      }
      int x = rng.nextInt(img.getWidth() - s + 1);
      int y = rng.nextInt(img.getHeight() - s + 1);
      if (hasCentreNear(centres, x + s / 2.0, y + s / 2.0, h)) {
        continue;
      }
      crops.add(new Crop(String.format(java.util.Locale.ROOT, "%s-off-%06d", prefix, made), background,
          Kind.OFF_CENTRE, cut(img, x, y, s), x, y, Optional.empty()));
      made++;
    }
    for (int i = 0; i < nClutter; i++) {
      crops.add(new Crop(String.format(java.util.Locale.ROOT, "%s-clutter-%06d", prefix, i), background, Kind.CLUTTER,
          g.clutter(split, i), 0, 0, Optional.empty()));
    }
    return new Result(List.copyOf(crops), m);
  }

  /** Whether a centre lies within {@code half} of {@code (cx, cy)} in both x and y (a closed square). */
  static boolean hasCentreNear(double[][] centres, double cx, double cy, int half) {
    for (double[] c : centres) {
      if (Math.abs(c[0] - cx) <= half && Math.abs(c[1] - cy) <= half) {
        return true;
      }
    }
    return false;
  }

  /** The {@code s×s} window at {@code (x, y)}, grey where it leaves the image. */
  private static RgbImage cut(BufferedImage img, int x, int y, int s) {
    byte[] rgb = new byte[s * s * 3];
    for (int j = 0; j < s; j++) {
      for (int i = 0; i < s; i++) {
        int px = x + i;
        int py = y + j;
        int k = (j * s + i) * 3;
        if (px < 0 || py < 0 || px >= img.getWidth() || py >= img.getHeight()) {
          rgb[k] = (byte) GREY;
          rgb[k + 1] = (byte) GREY;
          rgb[k + 2] = (byte) GREY;
        } else {
          int v = img.getRGB(px, py);
          rgb[k] = (byte) (v >> 16);
          rgb[k + 1] = (byte) (v >> 8);
          rgb[k + 2] = (byte) v;
        }
      }
    }
    return new RgbImage(s, s, rgb);
  }
}
