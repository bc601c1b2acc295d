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
 * the data it saw and its learning curve.
 */
public record ModelCard(
    String camkitVersion,
    String createdAt,
    String architecture,
    CamNetOptions options,
    List<String> classes,
    TrainOptions training,
    DataDescription data,
    List<EpochStats> history) {

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
