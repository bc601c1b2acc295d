package io.camkit.interop;

import io.camkit.core.CamkitException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A model card's labels file: one class name per line, in output order; blank and {@code #} lines skipped. */
public final class LabelsFile {
  private LabelsFile() {}

  /** Reads {@code labels}, a path relative to the folder of {@code card}. */
  public static List<String> read(Path card, String labels) {
    Path file = card.toAbsolutePath().resolveSibling(labels);
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new CamkitException("cannot read the labels file " + file + " named by card " + card + ": "
          + e.getMessage(), e);
    }
  }
}
