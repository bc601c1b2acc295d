package io.camkit.cli;

import io.camkit.dataset.shapes.ShapesOptions;
import picocli.CommandLine.Option;

/** The options of the built-in benchmark, shared by {@code generate}, {@code train} and {@code demo}. */
final class ShapesMixin {
  private static final ShapesOptions D = ShapesOptions.defaults();

  @Option(names = "--seed", description = "data seed (default: ${DEFAULT-VALUE})")
  long seed = D.seed();

  @Option(names = "--image-size", description = "image side in pixels (default: ${DEFAULT-VALUE})")
  int imageSize = D.imageSize();

  @Option(names = "--train-size", description = "training images (default: ${DEFAULT-VALUE})")
  int trainSize = D.trainSize();

  @Option(names = "--val-size", description = "validation images (default: ${DEFAULT-VALUE})")
  int valSize = D.valSize();

  @Option(names = "--test-size", description = "test images (default: ${DEFAULT-VALUE})")
  int testSize = D.testSize();

  @Option(names = "--max-objects", description = "objects per image, 1 = single-label (default: ${DEFAULT-VALUE})")
  int maxObjects = D.maxObjects();

  @Option(names = "--multi-object", description = "the multi-object benchmark: 1–3 objects of distinct classes per"
      + " image (multi-label); sets --max-objects to 3 unless given")
  boolean multiObject;

  @Option(names = "--min-object-size", description = "smallest object diameter, px (default: ${DEFAULT-VALUE})")
  int minObjectSize = D.minObjectSize();

  @Option(names = "--max-object-size", description = "largest object diameter, px (default: ${DEFAULT-VALUE})")
  int maxObjectSize = D.maxObjectSize();

  @Option(names = "--distractors", description = "fragments of other shapes per image (default: ${DEFAULT-VALUE})")
  int distractors = D.distractors();

  @Option(names = "--lines", description = "background line segments per image (default: ${DEFAULT-VALUE})")
  int lines = D.lines();

  ShapesOptions options() {
    int most = multiObject && maxObjects == 1 ? 3 : maxObjects;
    return new ShapesOptions(imageSize, minObjectSize, maxObjectSize, 1, most, distractors, lines,
        D.noiseSigma(), trainSize, valSize, testSize, seed);
  }
}
