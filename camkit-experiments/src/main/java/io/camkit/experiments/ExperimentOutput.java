package io.camkit.experiments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.camkit.core.AtomicFiles;
import io.camkit.core.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** What every experiment leaves behind: {@code NAME.md}, {@code NAME.json} and {@code NAME.png}, each atomically. */
final class ExperimentOutput {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ExperimentOutput() {}

  static void write(Path out, String name, String markdown, Object settings, Object rows, BufferedImage chart)
      throws IOException {
    Files.createDirectories(out);
    AtomicFiles.writeString(out.resolve(name + ".md"), markdown);
    AtomicFiles.writeString(out.resolve(name + ".json"),
        JSON.writeValueAsString(Map.of("settings", settings, "rows", rows)));
    ImageFiles.writePng(chart, out.resolve(name + ".png"));
  }
}
