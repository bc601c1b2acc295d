package io.camkit.dataset;

import java.util.List;
import java.util.Objects;

/** A named list of samples and the class names their indices refer to. */
public record Dataset(String name, List<String> classes, List<Sample> samples) {
  public Dataset {
    Objects.requireNonNull(name, "name");
    classes = List.copyOf(classes);
    samples = List.copyOf(samples);
    for (Sample s : samples) {
      for (ObjectAnnotation o : s.objects()) {
        if (o.classIndex() >= classes.size()) {
          throw new IllegalArgumentException(
              "sample " + s.id() + " has class " + o.classIndex() + " but the dataset has "
                  + classes.size() + " classes");
        }
      }
    }
  }

  public int size() {
    return samples.size();
  }

  public Sample get(int i) {
    return samples.get(i);
  }

  /** Whether some image holds objects of two or more classes (multi-label data). */
  public boolean multiLabel() {
    return samples.stream().anyMatch(s -> s.labels().size() >= 2);
  }

  /** The first {@code n} samples (or all, when there are fewer). */
  public Dataset head(int n) {
    return new Dataset(name, classes, samples.subList(0, Math.min(n, samples.size())));
  }
}
