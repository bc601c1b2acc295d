package io.camkit.dataset.shapes;

import io.camkit.core.Box;
import io.camkit.core.Mask;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.dataset.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The built-in cluttered-shapes benchmark: each image holds one (or, for the multi-label variant,
 * several) whole objects of the {@link ShapeClass} classes at random size, position, rotation and
 * colour, over a background of colour gradients, line segments, fragments of other shapes and
 * per-pixel noise. Colour and brightness carry no class information: every object's colour is
 * drawn independently, and distractors use the same colour distribution.
 *
 * <p>Ground truth is exact: an object's mask is the set of pixels it covers by at least half
 * (estimated with 4×4 sub-samples), and its box is the mask's bounding box.
 *
 * <p>Deterministic: image {@code i} of a split is a pure function of the options' seed, the split
 * and {@code i} (trigonometry through {@link StrictMath}), so the same seed gives the same bytes
 * on every JVM.
 */
public final class ShapesGenerator {
  /** An object keeps at least this fraction of its area inside the image. */
  private static final double MIN_VISIBLE = 0.6;

  /**
   * Smallest difference of luma (Rec. 601, 0..1) between an object's colour and the mean of the
   * background under it: every object is visible in grey, darker or lighter than its surround
   * with equal chance, so polarity carries no class information.
   */
  private static final double MIN_CONTRAST = 0.3;

  private static final int MAX_TRIES = 200;

  private final ShapesOptions options;

  public ShapesGenerator(ShapesOptions options) {
    this.options = options;
  }

  public ShapesOptions options() {
    return options;
  }

  /** The class names, in class-index order. */
  public static List<String> classNames() {
    return Arrays.stream(ShapeClass.values()).map(ShapeClass::label).toList();
  }

  /** All images of one split, generated in parallel, in index order. */
  public Dataset generate(Split split) {
    List<Sample> samples =
        IntStream.range(0, options.size(split)).parallel().mapToObj(i -> sample(split, i)).toList();
    return new Dataset("shapes-" + split.label(), classNames(), samples);
  }

  /** Image {@code index} of {@code split}. */
  public Sample sample(Split split, int index) {
    SplittableRandom rng = new SplittableRandom(mix(options.seed(), split.ordinal(), index));
    int s = options.imageSize();
    Canvas canvas = new Canvas(s);
    paintBackground(canvas, rng);

    int nObjects = options.minObjects() + rng.nextInt(options.maxObjects() - options.minObjects() + 1);
    List<ShapeClass> classes = pickDistinct(rng, nObjects);

    for (int i = 0; i < options.lines(); i++) {
      paintLine(canvas, rng);
    }
    for (int i = 0; i < options.distractors(); i++) {
      paintFragment(canvas, rng, classes);
    }
    List<ObjectAnnotation> objects = new ArrayList<>();
    for (ShapeClass cls : classes) {
      objects.add(paintObject(canvas, rng, cls, objects));
    }
    addNoise(canvas, rng);
    String id = String.format(java.util.Locale.ROOT, "%s-%06d", split.label(), index);
    return new Sample(id, canvas.toImage(), objects);
  }

  /**
   * A picture of clutter only, the same size as the images: background gradient, {@code lines}
   * line segments, {@code distractors} shape fragments (of any class) and noise, drawn as in {@link
   * #sample} but with no object. Image {@code index} of {@code split}, from its own random stream
   * (not image {@code index}'s), deterministic like the samples.
   */
  public io.camkit.core.RgbImage clutter(Split split, int index) {
    SplittableRandom rng = new SplittableRandom(mix(options.seed() ^ CLUTTER_SALT, split.ordinal(), index));
    Canvas canvas = new Canvas(options.imageSize());
    paintBackground(canvas, rng);
    for (int i = 0; i < options.lines(); i++) {
      paintLine(canvas, rng);
    }
    for (int i = 0; i < options.distractors(); i++) {
      paintFragment(canvas, rng, List.of());
    }
    addNoise(canvas, rng);
    return canvas.toImage();
  }

  /** Separates the clutter pictures' random streams from the samples'. */
  private static final long CLUTTER_SALT = 0x5DEECE66DL;

  private List<ShapeClass> pickDistinct(SplittableRandom rng, int n) {
    List<ShapeClass> all = new ArrayList<>(List.of(ShapeClass.values()));
    List<ShapeClass> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(all.remove(rng.nextInt(all.size())));
    }
    return out;
  }

  private static float[] randomColour(SplittableRandom rng) {
    return new float[] {(float) rng.nextDouble(), (float) rng.nextDouble(), (float) rng.nextDouble()};
  }

  /** A linear gradient between two random colours in a random direction. */
  private void paintBackground(Canvas canvas, SplittableRandom rng) {
    float[] c0 = randomColour(rng);
    float[] c1 = randomColour(rng);
    double angle = rng.nextDouble() * 2 * StrictMath.PI;
    double dx = StrictMath.cos(angle);
    double dy = StrictMath.sin(angle);
    int s = canvas.size;
    double half = s / 2.0;
    double extent = Math.abs(dx) * half + Math.abs(dy) * half;
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        double t = ((x + 0.5 - half) * dx + (y + 0.5 - half) * dy) / (2 * extent) + 0.5;
        for (int c = 0; c < 3; c++) {
          canvas.rgb[(y * s + x) * 3 + c] = (float) (c0[c] * (1 - t) + c1[c] * t);
        }
      }
    }
  }

  /** A line segment 1–2.5 px wide across a random part of the image. */
  private void paintLine(Canvas canvas, SplittableRandom rng) {
    int s = canvas.size;
    double ax = rng.nextDouble() * s;
    double ay = rng.nextDouble() * s;
    double bx = rng.nextDouble() * s;
    double by = rng.nextDouble() * s;
    double halfWidth = 0.5 + rng.nextDouble() * 0.75;
    double lx = bx - ax;
    double ly = by - ay;
    double len2 = Math.max(1e-9, lx * lx + ly * ly);
    Canvas.Region segment =
        (x, y) -> {
          double t = Math.max(0, Math.min(1, ((x - ax) * lx + (y - ay) * ly) / len2));
          double ex = x - (ax + t * lx);
          double ey = y - (ay + t * ly);
          return ex * ex + ey * ey <= halfWidth * halfWidth;
        };
    int x0 = (int) Math.floor(Math.min(ax, bx) - 2);
    int y0 = (int) Math.floor(Math.min(ay, by) - 2);
    int x1 = (int) Math.ceil(Math.max(ax, bx) + 2);
    int y1 = (int) Math.ceil(Math.max(ay, by) + 2);
    canvas.paint(canvas.coverage(segment, x0, y0, x1, y1), randomColour(rng));
  }

  /**
   * A fragment of a shape of a class absent from the image: the shape cut by a disc ("a bite")
   * centred on its rim, so that only a piece of the outline (a corner, an arc, an arm) is visible.
   */
  private void paintFragment(Canvas canvas, SplittableRandom rng, List<ShapeClass> present) {
    ShapeClass[] all = ShapeClass.values();
    ShapeClass cls;
    do {
      cls = all[rng.nextInt(all.length)];
    } while (present.contains(cls) && present.size() < all.length);
    int s = canvas.size;
    double r = (options.minObjectSize() + rng.nextDouble() * (options.maxObjectSize() - options.minObjectSize())) / 2;
    double cx = rng.nextDouble() * s;
    double cy = rng.nextDouble() * s;
    double theta = rng.nextDouble() * 2 * StrictMath.PI;
    double biteAngle = rng.nextDouble() * 2 * StrictMath.PI;
    double bx = cx + r * StrictMath.cos(biteAngle);
    double by = cy + r * StrictMath.sin(biteAngle);
    double biteR = r * (0.35 + 0.2 * rng.nextDouble());
    Canvas.Region shape = shapeRegion(cls, cx, cy, r, theta);
    Canvas.Region fragment =
        (x, y) -> (x - bx) * (x - bx) + (y - by) * (y - by) <= biteR * biteR && shape.contains(x, y);
    canvas.paint(
        canvas.coverage(
            fragment,
            (int) Math.floor(bx - biteR - 1),
            (int) Math.floor(by - biteR - 1),
            (int) Math.ceil(bx + biteR + 1),
            (int) Math.ceil(by + biteR + 1)),
        randomColour(rng));
  }

  /** Paints one whole object, retrying the placement until it is visible enough and apart. */
  private ObjectAnnotation paintObject(
      Canvas canvas, SplittableRandom rng, ShapeClass cls, List<ObjectAnnotation> placed) {
    int s = canvas.size;
    for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
      double r = (options.minObjectSize() + rng.nextDouble() * (options.maxObjectSize() - options.minObjectSize())) / 2;
      // Centre at least 0.3 r inside the border: at least ~69% of a disc stays visible.
      double cx = 0.3 * r + rng.nextDouble() * (s - 0.6 * r);
      double cy = 0.3 * r + rng.nextDouble() * (s - 0.6 * r);
      double theta = rng.nextDouble() * 2 * StrictMath.PI;
      float[] colour = randomColour(rng);
      Canvas.Region region = shapeRegion(cls, cx, cy, r, theta);
      int x0 = (int) Math.floor(cx - r - 1);
      int y0 = (int) Math.floor(cy - r - 1);
      int x1 = (int) Math.ceil(cx + r + 1);
      int y1 = (int) Math.ceil(cy + r + 1);
      float[] cov = canvas.coverage(region, x0, y0, x1, y1);
      Mask mask = maskOf(cov, s);
      Optional<Box> box = mask.boundingBox();
      if (box.isEmpty() || mask.count() < MIN_VISIBLE * fullArea(cls, r)) {
        continue;
      }
      if (placed.stream().anyMatch(o -> o.box().intersectionArea(box.get()) > 0)) {
        continue;
      }
      if (Math.abs(luma(colour) - luma(canvas.meanColour(cov))) < MIN_CONTRAST) {
        continue;
      }
      canvas.paint(cov, colour);
      return new ObjectAnnotation(cls.ordinal(), box.get(), Optional.of(mask));
    }
    // A user setting, not a bug: one line naming the options to change.
    throw new io.camkit.core.CamkitException(
        "could not place a " + cls.label() + " after " + MAX_TRIES
            + " tries: the image is too small for this many objects of this size; lower --max-objects or"
            + " --max-object-size, or raise --image-size");
  }

  /** Fraction of the unit square [-1, 1]² each class covers, estimated once on a 64×64 grid. */
  private static final double[] UNIT_COVER = unitCover();

  /** The area in pixels of the whole shape of radius {@code r}. */
  private static double fullArea(ShapeClass cls, double r) {
    return UNIT_COVER[cls.ordinal()] * 4 * r * r;
  }

  private static double[] unitCover() {
    double[] out = new double[ShapeClass.values().length];
    for (ShapeClass cls : ShapeClass.values()) {
      out[cls.ordinal()] = unitCover(cls);
    }
    return out;
  }

  private static double unitCover(ShapeClass cls) {
    int n = 64;
    int inside = 0;
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        if (cls.contains(-1 + (i + 0.5) * 2 / n, -1 + (j + 0.5) * 2 / n)) {
          inside++;
        }
      }
    }
    return inside / (double) (n * n);
  }

  private static Mask maskOf(float[] cov, int size) {
    boolean[] bits = new boolean[cov.length];
    for (int i = 0; i < cov.length; i++) {
      bits[i] = cov[i] >= 0.5f;
    }
    return new Mask(size, size, bits);
  }

  /** Rec. 601 luma of an RGB colour in [0, 1]. */
  private static double luma(float[] c) {
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
  }

  /** The shape in image coordinates: centre {@code (cx, cy)}, radius {@code r}, rotation θ. */
  private static Canvas.Region shapeRegion(ShapeClass cls, double cx, double cy, double r, double theta) {
    double cos = StrictMath.cos(theta);
    double sin = StrictMath.sin(theta);
    return (x, y) -> {
      double dx = x - cx;
      double dy = y - cy;
      return cls.contains((dx * cos + dy * sin) / r, (-dx * sin + dy * cos) / r);
    };
  }

  private void addNoise(Canvas canvas, SplittableRandom rng) {
    double sigma = options.noiseSigma();
    if (sigma == 0) {
      return;
    }
    for (int i = 0; i < canvas.rgb.length; i++) {
      canvas.rgb[i] += (float) (sigma * gaussian(rng));
    }
  }

  /** A standard normal draw by the Box–Muller transform ({@link StrictMath}, reproducible). */
  private static double gaussian(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble(); // in (0, 1]
    double u2 = rng.nextDouble();
    return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
  }

  /** A 64-bit mix of seed, split and index (SplitMix64 finaliser), so nearby seeds decorrelate. */
  static long mix(long seed, int split, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + split * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
