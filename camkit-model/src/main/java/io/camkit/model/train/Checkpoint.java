package io.camkit.model.train;

import io.camkit.core.AtomicFiles;
import io.camkit.model.CamNetOptions;
import io.camkit.model.ModelCard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The pointer file of a checkpoint folder: {@code checkpoint.json} names the sub-folder holding
 * the weights and optimizer state after {@code epochsDone} epochs, with the options they were
 * made with and the learning curve so far. The sub-folder is written first, the pointer
 * atomically last, then older sub-folders are deleted: a crash at any moment leaves a consistent
 * checkpoint.
 *
 * <p>A checkpoint written on interruption ({@link io.camkit.core.Interruption}) also holds the
 * {@link Partial} epoch: how many batches of epoch {@code epochsDone + 1} are done and the running
 * sums of its statistics. Resuming replays that epoch's data order and augmentation draws up to
 * that batch without training on it, so the result equals an uninterrupted run's.
 *
 * @param partial the epoch in progress, or {@code null} when the checkpoint is at an epoch boundary
 *     (always so in checkpoints of older camkit versions)
 */
public record Checkpoint(
    int epochsDone, String folder, CamNetOptions net, TrainOptions training, List<EpochStats> history,
    Partial partial) {

  /**
   * The part of epoch {@code epochsDone + 1} done before an interruption.
   *
   * @param batches batches trained (of that epoch)
   * @param lossSum sum over the images seen of the training loss
   * @param correct images classified right
   * @param seen images seen
   * @param seconds time spent on the epoch so far
   */
  public record Partial(int batches, double lossSum, long correct, long seen, double seconds) {}

  /** A checkpoint at an epoch boundary. */
  public Checkpoint(int epochsDone, String folder, CamNetOptions net, TrainOptions training, List<EpochStats> history) {
    this(epochsDone, folder, net, training, history, null);
  }

  public static final String FILE = "checkpoint.json";
  static final String PARAMS = "model.params";
  static final String OPTIMIZER = "optimizer.bin";

  public Checkpoint {
    history = List.copyOf(history);
  }

  public static Optional<Checkpoint> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    return Files.isRegularFile(file) ? Optional.of(ModelCard.fromJson(file, Checkpoint.class)) : Optional.empty();
  }

  /** Writes the pointer atomically and deletes every other {@code epoch-*} folder. */
  void commit(Path dir) throws IOException {
    AtomicFiles.writeString(dir.resolve(FILE), ModelCard.toJson(this));
    try (Stream<Path> old = Files.list(dir)) {
      for (Path p : old.filter(p -> p.getFileName().toString().startsWith("epoch-"))
          .filter(p -> !p.getFileName().toString().equals(folder))
          .toList()) {
        deleteTree(p);
      }
    }
  }

  static void deleteTree(Path p) throws IOException {
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
