package io.camkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code ../shared} folder of real data; tests tagged {@code shared-data} fail without it. */
final class SharedData {
  private SharedData() {}

  static Path root() {
    String p = System.getProperty("camkit.shared");
    Path root = p == null ? Path.of("..", "..", "shared") : Path.of(p);
    if (!Files.isDirectory(root.resolve("data"))) {
      throw new AssertionError(
          "../shared is missing (looked for " + root.toAbsolutePath().normalize()
              + "/data): the shared-data profile needs the shared folder beside the repository");
    }
    return root;
  }
}
