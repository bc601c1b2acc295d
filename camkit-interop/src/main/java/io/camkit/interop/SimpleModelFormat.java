package io.camkit.interop;

import io.camkit.model.layers.LayeredModel;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * A {@link ModelFormat} given by its parts: a subclass with a public no-argument constructor (what
 * {@link java.util.ServiceLoader} needs) passes its name, description, priority, test and opener.
 */
public abstract class SimpleModelFormat implements ModelFormat {
  private final String name;
  private final String description;
  private final int priority;
  private final Predicate<Path> accepts;
  private final BiFunction<Path, Path, LayeredModel> open;

  /**
   * @param name {@link #name()}
   * @param description {@link #describe()}
   * @param priority {@link #priority()}
   * @param accepts {@link #accepts}
   * @param open {@link #open}: (model path, card path or null) → model
   */
  protected SimpleModelFormat(String name, String description, int priority, Predicate<Path> accepts,
      BiFunction<Path, Path, LayeredModel> open) {
    this.name = name;
    this.description = description;
    this.priority = priority;
    this.accepts = accepts;
    this.open = open;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final boolean accepts(Path path) {
    return accepts.test(path);
  }

  @Override
  public final LayeredModel open(Path path, Path card) {
    return open.apply(path, card);
  }

  @Override
  public final String describe() {
    return description;
  }

  @Override
  public final int priority() {
    return priority;
  }
}
