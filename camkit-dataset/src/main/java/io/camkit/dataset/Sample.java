package io.camkit.dataset;

import io.camkit.core.RgbImage;
import java.util.List;
import java.util.Objects;

/**
 * One image with its image-level label(s) and, for evaluation only, its object annotations.
 * Training sees only {@link #label()} (or {@link #labels()} for multi-label data), never boxes.
 *
 * @param pixels where the image's pixels are: in memory, or a file whose decoded pixels the JVM may
 *     drop and decode again ({@link ImageRef}), so that data sets larger than the heap can be read
 */
public record Sample(String id, ImageRef pixels, List<ObjectAnnotation> objects) {
  public Sample {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(pixels, "pixels");
    objects = List.copyOf(objects);
    if (objects.isEmpty()) {
      throw new IllegalArgumentException("sample " + id + " has no labelled object");
    }
  }

  /** A sample whose image is held in memory. */
  public Sample(String id, RgbImage image, List<ObjectAnnotation> objects) {
    this(id, ImageRef.of(image), objects);
  }

  /** The image (decoded again from its file if the JVM dropped its pixels). */
  public RgbImage image() {
    return pixels.get();
  }

  /** The image's width in pixels, without decoding it. */
  public int width() {
    return pixels.width();
  }

  /** The image's height in pixels, without decoding it. */
  public int height() {
    return pixels.height();
  }

  /** The image-level class: the class of the first object (single-label data has exactly one). */
  public int label() {
    return objects.get(0).classIndex();
  }

  /** The distinct classes present, in order of first appearance (multi-label data). */
  public List<Integer> labels() {
    return objects.stream().map(ObjectAnnotation::classIndex).distinct().toList();
  }

  /** The objects of one class. */
  public List<ObjectAnnotation> objectsOf(int classIndex) {
    return objects.stream().filter(o -> o.classIndex() == classIndex).toList();
  }
}
