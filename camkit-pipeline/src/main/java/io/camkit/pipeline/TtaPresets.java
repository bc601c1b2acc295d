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
   * The preset names of {@code spec} once each, in the order of {@link #NAMES}: "shift, flip,flip"
   * gives "flip,shift"; the name a calibration stores TTA under ({@link Calibration#key}).
   *
   * @throws CamkitException for a name that is not a preset
   */
  public static String canonical(String spec) {
    Set<String> names = new LinkedHashSet<>();
    for (String raw : spec.split(",")) {
      String name = raw.trim().toLowerCase(Locale.ROOT);
      if (!NAMES.contains(name)) {
        throw unknown(raw);
      }
      names.add(name);
    }
    return String.join(",", NAMES.stream().filter(names::contains).toList());
  }

  /** Whether {@code spec} is a {@link #canonical} name (what a calibration key holds for presets). */
  public static boolean isCanonical(String spec) {
    try {
      return canonical(spec).equals(spec);
    } catch (CamkitException e) {
      return false;
    }
  }

  /**
   * What {@code tta} is, as {@link #canonical} names it when it is a union of presets for this
   * input size ({@code describe(parse(s, size), size) = canonical(s)}); otherwise each augmentation
   * other than the identity, e.g. "angle 5°, dx 3, dy 0", joined by "; " (a set built in Java).
   */
  public static String describe(List<Augmentation> tta, int[] inputSize) {
    Set<Augmentation> asked = new java.util.HashSet<>(tta);
    asked.add(Augmentation.identity());
    for (int subset = 1; subset < 1 << NAMES.size(); subset++) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < NAMES.size(); i++) {
        if ((subset & 1 << i) != 0) {
          names.add(NAMES.get(i));
        }
      }
      String spec = String.join(",", names);
      if (new java.util.HashSet<>(parse(spec, inputSize)).equals(asked)) {
        return spec;
      }
    }
    return String.join("; ", tta.stream().filter(a -> !a.isIdentity()).map(a -> String.format(Locale.ROOT,
        "angle %s°, dx %s, dy %s%s", a.angleDeg(), a.dx(), a.dy(), a.flip() ? ", flipped" : "")).toList());
  }

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
        default -> throw unknown(raw);
      }
    }
    return new ArrayList<>(set);
  }

  private static CamkitException unknown(String raw) {
    return new CamkitException("unknown test-time augmentation '" + raw.trim() + "'; choose from "
        + String.join(", ", NAMES) + " (comma-separated)");
  }
}
