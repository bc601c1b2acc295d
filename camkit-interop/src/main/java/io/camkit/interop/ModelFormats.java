package io.camkit.interop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The registry of {@link ModelFormat}s: every implementation listed in a {@code
 * META-INF/services/io.camkit.interop.ModelFormat} on the class path that loaded {@code
 * camkit-interop}, loaded once through {@link ServiceLoader}, in the order they are asked
 * ({@link ModelFormat#priority()} highest first, then by name).
 */
public final class ModelFormats {
  private ModelFormats() {}

  private static final class Registered {
    static final List<ModelFormat> ALL = load();

    private static List<ModelFormat> load() {
      List<ModelFormat> found = new ArrayList<>();
      ServiceLoader.load(ModelFormat.class, ModelFormat.class.getClassLoader()).forEach(found::add);
      found.sort(Comparator.comparingInt(ModelFormat::priority).reversed().thenComparing(ModelFormat::name));
      return List.copyOf(found);
    }
  }

  /** The registered formats, in the order {@link #find} asks them. */
  public static List<ModelFormat> all() {
    return Registered.ALL;
  }

  /** The first registered format that {@linkplain ModelFormat#accepts accepts} {@code path}. */
  public static Optional<ModelFormat> find(Path path) {
    return all().stream().filter(f -> f.accepts(path)).findFirst();
  }

  /**
   * The registered formats for an error message: {@code "name: description"}, separated by
   * semicolons.
   */
  public static String describeAll() {
    return all().stream().map(f -> f.name() + ": " + f.describe()).collect(Collectors.joining("; "));
  }
}
