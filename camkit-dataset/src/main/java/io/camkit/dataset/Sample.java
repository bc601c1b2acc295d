package io.camkit.dataset;

import io.camkit.core.RgbImage;
import java.util.List;
import java.util.Objects;

/**
 * One image with its image-level label(s) and, for evaluation only, its object annotations.
 * Training sees only {@link #label()} (or {@link #labels()} for multi-label data), never boxes.
 */
public record Sample(String id, RgbImage image, List<ObjectAnnotation> objects) {
  public Sample {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(image, "image");
    objects = List.copyOf(objects);
    if (objects.isEmpty()) {
      throw new IllegalArgumentException("sample " + id + " has no labelled object");
    }
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
