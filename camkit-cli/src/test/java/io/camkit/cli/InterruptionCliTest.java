package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.model.train.Checkpoint;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code camkit train} in a child JVM, stopped with SIGTERM (as {@code kill} or a scheduler does)
 * and with SIGKILL (as the OOM killer does), then resumed: both give the model an uninterrupted
 * run gives, to the last bit. SIGTERM also exits with a one-line message, writes a checkpoint of
 * the epoch in progress, and never crashes the JVM in native code (no {@code hs_err} file).
 */
class InterruptionCliTest {
  @TempDir static Path tmp;
  static Path data;
  static byte[] uninterrupted;

  static String[] train(Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(),
        "--epochs", "3", "--batch-size", "16", "--width", "8", "--feature-maps", "16"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @BeforeAll
  static void generateAndTrainOnce() throws Exception {
    data = tmp.resolve("data");
    assertThat(Camkit.execute("generate", "--out", data.toString(), "--train-size", "320", "--val-size", "32",
        "--test-size", "8", "--image-size", "32", "--min-object-size", "10", "--max-object-size", "20",
        "--seed", "4")).isZero();
    assertThat(Camkit.execute(train(tmp.resolve("whole")))).isZero();
    uninterrupted = Files.readAllBytes(tmp.resolve("whole/model/model.params"));
  }

  /** Starts camkit in a child JVM with this test's class path, working in {@code dir}. */
  private static Process start(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.camkit.cli.Camkit"));
    cmd.addAll(List.of(args));
    Files.createDirectories(dir);
    return new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(dir.resolve("stdout.txt").toFile())
        .redirectError(dir.resolve("stderr.txt").toFile())
        .start();
  }

  /** Waits until the first epoch's checkpoint exists: the child is then inside epoch 2. */
  private static void awaitFirstCheckpoint(Process p, Path out) throws Exception {
    Path pointer = out.resolve("checkpoints").resolve(Checkpoint.FILE);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!Files.exists(pointer)) {
      assertThat(p.isAlive()).as("child still running before its first checkpoint").isTrue();
      assertThat(System.nanoTime()).as("first checkpoint within 3 minutes").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Starts training in a child JVM and, a few steps into epoch 2, stops it with SIGTERM or SIGKILL. */
  private static Process trainAndStopInEpochTwo(Path dir, Path out, boolean kill) throws Exception {
    Process p = start(dir, train(out));
    awaitFirstCheckpoint(p, out);
    Thread.sleep(300);
    if (kill) {
      p.destroyForcibly(); // SIGKILL: no hook runs
    } else {
      p.destroy(); // SIGTERM
    }
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return p;
  }

  @Test
  void sigtermStopsAtAStepWritesACheckpointAndResumesToTheSameModel() throws Exception {
    Path dir = tmp.resolve("term");
    Path out = dir.resolve("run");
    Process p = trainAndStopInEpochTwo(dir, out, false);
    String err = Files.readString(dir.resolve("stderr.txt"));
    assertThat(p.exitValue()).as(err).isIn(Camkit.INTERRUPTED, 143);
    assertThat(err).contains("camkit: interrupted").contains("--resume").doesNotContain("\tat ");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("hs_err"));
    }
    Checkpoint cp = Checkpoint.read(out.resolve("checkpoints")).orElseThrow();
    assertThat(cp.epochsDone()).isBetween(1, 2);
    assertThat(Files.exists(out.resolve("model/model.params"))).as("no final model from a stopped run").isFalse();

    assertThat(Camkit.execute(train(out, "--resume"))).isZero();
    assertThat(Files.readAllBytes(out.resolve("model/model.params"))).isEqualTo(uninterrupted);
  }

  @Test
  void sigkillLosesAtMostTheEpochInProgressAndResumesToTheSameModel() throws Exception {
    Path dir = tmp.resolve("kill");
    Path out = dir.resolve("run");
    Process p = trainAndStopInEpochTwo(dir, out, true);
    assertThat(p.exitValue()).isEqualTo(137);
    assertThat(Checkpoint.read(out.resolve("checkpoints"))).isPresent();

    assertThat(Camkit.execute(train(out, "--resume"))).isZero();
    assertThat(Files.readAllBytes(out.resolve("model/model.params"))).isEqualTo(uninterrupted);
  }

  static {
    // the child's class path is this JVM's; Surefire may pass it as a manifest-only jar
    assertThat(System.getProperty("java.class.path")).isNotBlank();
    assertThat(new File(System.getProperty("java.home"))).isDirectory();
  }
}
