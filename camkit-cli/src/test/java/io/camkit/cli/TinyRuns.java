package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** A tiny benchmark and a model trained on it through the CLI, for tests that need a real model folder. */
final class TinyRuns {
  private TinyRuns() {}

  /**
   * Generates 32-px shapes (seed 4) into {@code dir/data} and trains one epoch of a narrow camnet
   * into {@code dir/run}; returns {@code dir/data} (the model is {@code dir/run/model}).
   */
  static Path generateAndTrain(Path dir, int trainSize, int valSize, int testSize) {
    Path data = dir.resolve("data");
    assertThat(Camkit.execute("generate", "--out", data.toString(), "--train-size", Integer.toString(trainSize),
        "--val-size", Integer.toString(valSize), "--test-size", Integer.toString(testSize), "--image-size", "32",
        "--min-object-size", "10", "--max-object-size", "20", "--seed", "4")).isZero();
    assertThat(Camkit.execute("train", "--data", data.toString(), "--out", dir.resolve("run").toString(),
        "--epochs", "1", "--width", "4", "--feature-maps", "8")).isZero();
    return data;
  }
}
