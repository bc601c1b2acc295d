package io.camkit.core.testing;

import io.camkit.core.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code ../shared} folder of real data and references, for tests tagged {@code shared-data}
 * (Maven profile {@code -Pshared-data}). They fail, never skip, when it is missing.
 */
public final class SharedData {
  private SharedData() {}

  public static Path root() {
    String p = System.getProperty("camkit.shared");
    Path root = p == null ? Path.of("..", "..", "shared") : Path.of(p);
    if (!Files.isDirectory(root.resolve("data"))) {
      throw new AssertionError(
          "../shared is missing (looked for " + root.toAbsolutePath().normalize()
              + "/data): the shared-data profile needs the shared folder beside the repository");
    }
    return root;
  }

  /** {@code ../shared/refs/NAME}. */
  public static Path ref(String name) {
    Path f = root().resolve("refs").resolve(name);
    if (!Files.isRegularFile(f)) {
      throw new AssertionError("reference file missing: " + f.toAbsolutePath().normalize());
    }
    return f;
  }

  public static Npy npy(String name) {
    return Npy.read(ref(name));
  }
}
