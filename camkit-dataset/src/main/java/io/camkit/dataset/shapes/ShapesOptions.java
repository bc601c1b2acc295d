package io.camkit.dataset.shapes;

import io.camkit.core.Options;
import io.camkit.dataset.Split;

/**
 * The options of the built-in cluttered-shapes benchmark. Every image is a pure function of these
 * options, its split and its index, so any image can be regenerated alone.
 *
 * @param imageSize width and height of every image, pixels (at least 32)
 * @param minObjectSize smallest object diameter, pixels
 * @param maxObjectSize largest object diameter, pixels (at most {@code imageSize})
 * @param minObjects fewest objects per image (1 for the single-label benchmark)
 * @param maxObjects most objects per image, each of a distinct class (at most the class count)
 * @param distractors fragments of other shapes drawn behind the objects, per image
 * @param lines random line segments in the background, per image
 * @param noiseSigma standard deviation of the per-pixel Gaussian noise, in units of full scale
 * @param trainSize images in the training split
 * @param valSize images in the validation split
 * @param testSize images in the test split
 * @param seed the seed every image derives from
 */
public record ShapesOptions(
    int imageSize,
    int minObjectSize,
    int maxObjectSize,
    int minObjects,
    int maxObjects,
    int distractors,
    int lines,
    double noiseSigma,
    int trainSize,
    int valSize,
    int testSize,
    long seed) {

  /** The default benchmark: 96×96, one object of 12–40 px, 8000/500/1000 images, seed 42. */
  public static ShapesOptions defaults() {
    return new ShapesOptions(96, 12, 40, 1, 1, 3, 4, 0.04, 8000, 500, 1000, 42L);
  }

  public ShapesOptions {
    Options.check(imageSize >= 32 && imageSize <= 4096, "image-size", imageSize, "32..4096");
    Options.check(minObjectSize >= 6, "min-object-size", minObjectSize, ">= 6");
    Options.check(
        maxObjectSize >= minObjectSize && maxObjectSize <= imageSize,
        "max-object-size",
        maxObjectSize,
        minObjectSize + ".." + imageSize);
    int classes = ShapeClass.values().length;
    Options.check(minObjects >= 1 && minObjects <= classes, "min-objects", minObjects, "1.." + classes);
    Options.check(
        maxObjects >= minObjects && maxObjects <= classes,
        "max-objects",
        maxObjects,
        minObjects + ".." + classes);
    Options.check(distractors >= 0 && distractors <= 50, "distractors", distractors, "0..50");
    Options.check(lines >= 0 && lines <= 50, "lines", lines, "0..50");
    Options.check(noiseSigma >= 0 && noiseSigma <= 0.5, "noise", noiseSigma, "0..0.5");
    Options.check(trainSize >= 0, "train-size", trainSize, ">= 0");
    Options.check(valSize >= 0, "val-size", valSize, ">= 0");
    Options.check(testSize >= 0, "test-size", testSize, ">= 0");
  }

  public int size(Split split) {
    return switch (split) {
      case TRAIN -> trainSize;
      case VAL -> valSize;
      case TEST -> testSize;
    };
  }

  public ShapesOptions withSizes(int train, int val, int test) {
    return new ShapesOptions(
        imageSize, minObjectSize, maxObjectSize, minObjects, maxObjects, distractors, lines,
        noiseSigma, train, val, test, seed);
  }

  public ShapesOptions withSeed(long newSeed) {
    return new ShapesOptions(
        imageSize, minObjectSize, maxObjectSize, minObjects, maxObjects, distractors, lines,
        noiseSigma, trainSize, valSize, testSize, newSeed);
  }

  public ShapesOptions withObjects(int min, int max) {
    return new ShapesOptions(
        imageSize, minObjectSize, maxObjectSize, min, max, distractors, lines, noiseSigma,
        trainSize, valSize, testSize, seed);
  }

  /** Whether images may hold several objects (a multi-label benchmark). */
  public boolean multiLabel() {
    return maxObjects > 1;
  }
}
