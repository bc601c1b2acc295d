package io.camkit.pipeline;

import io.camkit.core.CamkitException;
import io.camkit.core.ImageFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The image files behind a list of paths: each path is a file (taken as it is) or a folder (its
 * files, sorted by name, not recursive). Hidden files and the companions images travel with
 * ({@link ImageFiles#isCompanionFile}: annotations, labels, notes) are left out silently; whether
 * the rest decode is found when they are read.
 */
public final class ImageInputs {
  private ImageInputs() {}

  /**
   * @return the files in order, each once
   * @throws CamkitException for a path that does not exist, or when no file is left
   */
  public static List<Path> list(List<Path> paths) {
    Set<Path> files = new LinkedHashSet<>();
    for (Path p : paths) {
      if (Files.isRegularFile(p)) {
        files.add(p);
      } else if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(Files::isRegularFile).filter(f -> !ImageFiles.isCompanionFile(f)).sorted().forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else {
        throw new CamkitException("no such image or folder: " + p);
      }
    }
    if (files.isEmpty()) {
      throw new CamkitException("no image file in " + paths);
    }
    return new ArrayList<>(files);
  }
}
