package io.camkit.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.model.train.EpochStats;
import io.camkit.model.train.TrainOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything needed to rebuild and trust a trained model, saved as {@code model.json} beside its
 * weights: camkit version, architecture options, class names, training options (with the seed),
 * the data it saw and its learning curve, and which class, if any, is background ({@code camkit
 * train --background-class}): the class that counting ignores. Cards written before it read with
 * {@code backgroundClass = null}.
 */
public record ModelCard(
    String camkitVersion,
    String createdAt,
    String architecture,
    CamNetOptions options,
    List<String> classes,
    TrainOptions training,
    DataDescription data,
    List<EpochStats> history,
    String backgroundClass) {

  public static final String FILE = "model.json";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public ModelCard {
    classes = List.copyOf(classes);
    history = history == null ? List.of() : List.copyOf(history);
    if (classes.size() != options.classes()) {
      throw new IllegalArgumentException(
          classes.size() + " class names for a " + options.classes() + "-class network");
    }
    if (backgroundClass != null && !classes.contains(backgroundClass)) {
      throw new IllegalArgumentException("background class '" + backgroundClass + "' is not one of " + classes);
    }
  }

  /** A card without a background class. */
  public ModelCard(String camkitVersion, String createdAt, String architecture, CamNetOptions options,
      List<String> classes, TrainOptions training, DataDescription data, List<EpochStats> history) {
    this(camkitVersion, createdAt, architecture, options, classes, training, data, history, null);
  }

  /** This card with {@code name} (one of its classes, or null for none) as the background class. */
  public ModelCard withBackgroundClass(String name) {
    return new ModelCard(camkitVersion, createdAt, architecture, options, classes, training, data, history, name);
  }

  /** The index of the background class, or −1 when the model has none. */
  public int backgroundIndex() {
    return backgroundClass == null ? -1 : classes.indexOf(backgroundClass);
  }

  public void write(Path dir) throws IOException {
    AtomicFiles.writeString(dir.resolve(FILE), JSON.writeValueAsString(this));
  }

  public static ModelCard read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new CamkitException("not a camkit model folder (no " + FILE + "): " + dir);
    }
    try {
      return JSON.readValue(file.toFile(), ModelCard.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new CamkitException("cannot read model card " + file + ": " + e.getMessage(), e);
    }
  }

  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static <T> T fromJson(Path file, Class<T> type) throws IOException {
    return JSON.readValue(file.toFile(), type);
  }
}
