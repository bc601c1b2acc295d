package io.camkit.cli;

import io.camkit.core.CamkitException;
import io.camkit.dataset.Split;
import io.camkit.dataset.io.CubFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The options of a CUB-200-2011 folder ({@link CubFormat}, detected by its {@code images.txt} and
 * {@code train_test_split.txt}): which classes, how the validation part is drawn from the training
 * split, and (evaluate, localize) which part to read. Other layouts ignore them.
 */
final class CubMixin {
  @Option(names = "--cub-classes", split = ",", description = "CUB-200-2011 folder: the class ids of classes.txt to"
      + " read, comma-separated (default: all)")
  List<Integer> classes = List.of();

  @Option(names = "--cub-val-per-class", description = "CUB-200-2011 folder: training images of each class set aside"
      + " as the validation part, where τ is chosen (default: ${DEFAULT-VALUE})")
  int valPerClass = CubFormat.Selection.defaults().valPerClass();

  @Option(names = "--cub-seed", description = "CUB-200-2011 folder: seed of the validation draw (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--cub-part", description = "CUB-200-2011 folder (evaluate, localize): train, val or test (default:"
      + " ${DEFAULT-VALUE}, the official test split)")
  String part = "test";

  CubFormat.Selection selection() {
    return new CubFormat.Selection(Set.copyOf(classes), valPerClass, seed);
  }

  Split part() {
    for (Split s : Split.values()) {
      if (s.label().equals(part.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new CamkitException("--cub-part " + part + ": expected train, val or test");
  }
}
