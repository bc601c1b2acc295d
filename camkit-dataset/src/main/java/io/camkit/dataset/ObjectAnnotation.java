package io.camkit.dataset;

import io.camkit.core.Box;
import io.camkit.core.Mask;
import java.util.Objects;
import java.util.Optional;

/**
 * One annotated object: its class index (into {@link Dataset#classes()}), its box and, where the
 * source has one, its pixel mask.
 */
public record ObjectAnnotation(int classIndex, Box box, Optional<Mask> mask) {
  public ObjectAnnotation {
    if (classIndex < 0) {
      throw new IllegalArgumentException("class index must be >= 0, got " + classIndex);
    }
    Objects.requireNonNull(box, "box");
    Objects.requireNonNull(mask, "mask");
  }
}
