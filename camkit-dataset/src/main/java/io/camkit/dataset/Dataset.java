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

  /**
   * Several datasets read as one, in order, e.g. the folders of several {@code --data} options.
   * Their classes must be the same list; each sample's id becomes {@code name/id} so that ids
   * stay unique and say where an image came from. One dataset comes back unchanged.
   *
   * @throws io.camkit.core.CamkitException when the class lists differ, naming both
   */
  public static Dataset concat(List<Dataset> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no dataset to join");
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    Dataset first = parts.get(0);
    List<Sample> all = new java.util.ArrayList<>();
    for (Dataset d : parts) {
      if (!d.classes().equals(first.classes())) {
        throw new io.camkit.core.CamkitException("the classes of " + d.name() + " " + d.classes() + " differ from those"
            + " of " + first.name() + " " + first.classes() + "; data read together must have the same classes");
      }
      for (Sample s : d.samples()) {
        all.add(new Sample(d.name() + "/" + s.id(), s.pixels(), s.objects()));
      }
    }
    return new Dataset(String.join(" + ", parts.stream().map(Dataset::name).toList()), first.classes(), all);
  }

  /** The first {@code n} samples (or all, when there are fewer). */
  public Dataset head(int n) {
    return new Dataset(name, classes, samples.subList(0, Math.min(n, samples.size())));
  }
}
