package io.camkit.pipeline;

import io.camkit.core.CamkitException;
import io.camkit.explain.augment.Augmentation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Named sets of test-time augmentations for {@link MapRequest#tta()}, sized to the model's input:
 * {@code flip} (the image and its mirror), {@code shift} (the image and four shifts by 1/16 of the
 * input side), {@code rotate} (the image and ±10°); a comma-separated list takes the union, the
 * identity once and first.
 */
public final class TtaPresets {
  /** The preset names. */
  public static final List<String> NAMES = List.of("flip", "shift", "rotate");

  private TtaPresets() {}

  /**
   * @param spec e.g. "flip" or "flip,shift"
   * @param inputSize the model's input {@code [H, W]}
   */
  public static List<Augmentation> parse(String spec, int[] inputSize) {
    Set<Augmentation> set = new LinkedHashSet<>();
    set.add(Augmentation.identity());
    double sx = inputSize[1] / 16.0;
    double sy = inputSize[0] / 16.0;
    for (String raw : spec.split(",")) {
      String name = raw.trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "flip" -> set.add(new Augmentation(0, 0, 0, true));
        case "shift" -> {
          set.add(new Augmentation(0, sx, 0, false));
          set.add(new Augmentation(0, -sx, 0, false));
          set.add(new Augmentation(0, 0, sy, false));
          set.add(new Augmentation(0, 0, -sy, false));
        }
        case "rotate" -> {
          set.add(new Augmentation(10, 0, 0, false));
          set.add(new Augmentation(-10, 0, 0, false));
        }
        default -> throw new CamkitException("unknown test-time augmentation '" + raw.trim() + "'; choose from "
            + String.join(", ", NAMES) + " (comma-separated)");
      }
    }
    return new ArrayList<>(set);
  }
}
