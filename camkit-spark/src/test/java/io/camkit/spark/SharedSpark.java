package io.camkit.spark;

import ai.djl.engine.Engine;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.ModelCard;
import io.camkit.model.train.TrainOptions;
import io.camkit.pipeline.testing.TinyModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * What the Spark tests share, made once per test JVM: one session ({@code local[2,2]}: two task
 * threads, a failed task tried twice; loopback, no UI), a saved 32-px camnet (untrained, seeded) and
 * a COCO folder of 24 shapes images with boxes and masks.
 */
final class SharedSpark {
  private static SparkSession session;
  private static Path dir;

  private SharedSpark() {}

  static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSessions.getOrCreate("local[2,2]");
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
    }
    return session;
  }

  /** The folder holding {@code model/} and {@code data/} (COCO). */
  static synchronized Path dir() {
    if (dir == null) {
      try {
        dir = Files.createTempDirectory("camkit-spark-test");
        Dataset data = TinyModels.shapes(24);
        CocoFormat.write(data, dir.resolve("data"));
        Engine.getEngine("PyTorch").setRandomSeed(3);
        try (CamModel m = CamModel.create(new CamNetOptions(32, 6, 4, 8, 0.5f, 0.25f, null), data.classes())) {
          m.save(dir.resolve("model"), new ModelCard("test", "2026-11-30T00:00:00Z", "camnet", m.options(),
              m.classes(), TrainOptions.defaults(), null, List.of()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  static Path model() {
    return dir().resolve("model");
  }

  static Path data() {
    return dir().resolve("data");
  }
}
