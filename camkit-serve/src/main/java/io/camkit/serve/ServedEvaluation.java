package io.camkit.serve;

import io.camkit.core.CamkitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A folder {@code camkit evaluate --out} wrote ({@code EvaluationReport}): the server reads its
 * {@code metrics.json} and {@code methods.json} and hands out only the files named in {@link #FILES}.
 *
 * @param name the name in the API (the folder's name)
 * @param dir the folder, as a real path
 */
public record ServedEvaluation(String name, Path dir) {
  /** The files of an evaluation folder the server hands out; nothing else of the folder is reachable. */
  public static final List<String> FILES = List.of("metrics.json", "methods.json", "successes.png", "failures.png",
      "report.md", "methods.md");

  /** Checks that {@code dir} holds a {@code metrics.json}. */
  public static ServedEvaluation of(Path dir) {
    if (!Files.isRegularFile(dir.resolve("metrics.json"))) {
      throw new CamkitException("no metrics.json in " + dir + " (is it a folder camkit evaluate --out wrote?)");
    }
    try {
      Path real = dir.toRealPath();
      return new ServedEvaluation(real.getFileName().toString(), real);
    } catch (IOException e) {
      throw new CamkitException("cannot resolve " + dir + ": " + e.getMessage(), e);
    }
  }
}
