package io.camkit.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves a path a client sent against a served folder, refusing everything that could leave
 * it: an absolute path, {@code ..} (already URL-decoded by the server, so {@code %2e%2e%2f}
 * arrives here as {@code ../}), a NUL or backslash, a hidden file or folder, a folder, and a
 * symbolic link whose target lies outside the folder. Each refusal looks the same to the client
 * as a missing file (404), so nothing is learned about the disk.
 */
public final class SafePaths {
  private SafePaths() {}

  /**
   * The regular file {@code relative} names inside {@code root}, or empty.
   *
   * @param root the folder, a real path ({@link Path#toRealPath})
   * @param relative the client's path, '/'-separated
   */
  public static Optional<Path> resolve(Path root, String relative) {
    if (relative == null || relative.isEmpty() || relative.length() > 1024 || relative.startsWith("/")
        || relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) {
      return Optional.empty();
    }
    for (String part : relative.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..") || part.startsWith(".")) {
        return Optional.empty();
      }
    }
    try {
      Path p = root.resolve(relative).normalize();
      if (p.isAbsolute() && !p.startsWith(root)) {
        return Optional.empty();
      }
      Path real = p.toRealPath();
      if (!real.startsWith(root) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      return Optional.of(real);
    } catch (IOException | InvalidPathException e) {
      return Optional.empty();
    }
  }
}
