package io.camkit.pipeline;

import io.camkit.core.CamkitException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The image files behind a list of paths: each path is a file (taken as it is) or a folder (its
 * files, sorted by name, not recursive). Hidden files and the companions images travel with
 * (annotations, labels, notes: {@code .xml .json .txt .csv .md}) are left out silently; whether
 * the rest decode is found when they are read.
 */
public final class ImageInputs {
  private static final Set<String> COMPANIONS = Set.of("xml", "json", "txt", "csv", "md", "npy", "tsv", "yaml", "yml");

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
          s.filter(Files::isRegularFile).filter(f -> !hidden(f) && !companion(f)).sorted().forEach(files::add);
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

  /** Whether a folder walk leaves {@code file} out as an image's companion (annotation, label, note). */
  public static boolean companion(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && COMPANIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static boolean hidden(Path file) {
    return file.getFileName().toString().startsWith(".");
  }
}
