package io.camkit.transfer;

import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.model.DataDescription;
import io.camkit.model.HeadOptions;
import io.camkit.model.ModelCard;
import io.camkit.model.train.EpochStats;
import io.camkit.model.train.TrainOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code transfer.json}, the card of a transfer model folder: which backbone (file, checksum, card)
 * is cut at which layer, the head trained on it, the classes, and how it was trained, so that the
 * folder can be reopened by {@code Models.open} and the run rebuilt.
 *
 * @param camkitVersion version that wrote it
 * @param createdAt ISO-8601 instant
 * @param backbone the backbone the head reads
 * @param origin for a fine-tuned model: the pretrained backbone it started from (its {@code
 *     backbone} is then the fine-tuned copy inside the folder); null when frozen
 * @param layer the backbone layer whose activations {@code A [K, h, w]} the head reads
 * @param featureShape {@code [K, h, w]} of that layer for one image
 * @param head the pooling head
 * @param classes class names, index = output column
 * @param training the head's training options (seed included)
 * @param flipViews whether mirrored images were cached as a second view of each training image
 * @param fineTune the fine-tuning run, or null
 * @param data the training data (pixel fingerprint)
 * @param history the head's learning curve
 * @param strideRemoved the backbone node set to stride 1 ({@code --remove-last-stride}) and its
 *     strides before, or null when the backbone runs as it was imported
 */
public record TransferCard(
    String camkitVersion,
    String createdAt,
    Backbone backbone,
    Backbone origin,
    String layer,
    long[] featureShape,
    HeadOptions head,
    List<String> classes,
    TrainOptions training,
    boolean flipViews,
    FineTune fineTune,
    DataDescription data,
    List<EpochStats> history,
    String strideRemoved) {

  public static final String FILE = "transfer.json";
  /** The head's weights beside the card. */
  public static final String HEAD_PARAMS = "head.params";

  /**
   * A backbone file or folder.
   *
   * @param path relative to the transfer model folder (portable when both move together)
   * @param absolutePath where it was when the model was saved (the fallback)
   * @param sha256 of the file, or of a folder's files ({@link #sha256(Path)}); checked at load
   * @param card the backbone's card copied into the model folder (a file name there), or null when
   *     the backbone needs none or finds its own beside it
   */
  public record Backbone(String path, String absolutePath, String sha256, String card) {}

  /**
   * @param epochs epochs of whole-net training after the head's
   * @param backboneLrFactor the backbone's learning rate ÷ the head's
   * @param history the learning curve of those epochs
   * @param unfreezeLast how many of the last parameter groups (blocks) of the backbone trained; 0:
   *     all that feed the layer
   * @param trainedGroups the backbone's parameter groups that trained, in order (empty in cards
   *     written before it was recorded)
   * @param batchNorm how the backbone's batch norm ran: {@code "running statistics (eval mode)"}
   *     for a TorchScript backbone, {@code "batch statistics (train mode)"} for a camkit model
   */
  public record FineTune(int epochs, double backboneLrFactor, List<EpochStats> history, int unfreezeLast,
      List<String> trainedGroups, String batchNorm) {
    public FineTune {
      history = history == null ? List.of() : List.copyOf(history);
      trainedGroups = trainedGroups == null ? List.of() : List.copyOf(trainedGroups);
    }
  }

  public TransferCard {
    classes = List.copyOf(classes);
    history = history == null ? List.of() : List.copyOf(history);
    featureShape = featureShape.clone();
  }

  @Override
  public long[] featureShape() {
    return featureShape.clone();
  }

  public void write(Path dir) throws IOException {
    AtomicFiles.writeString(dir.resolve(FILE), ModelCard.toJson(this));
  }

  public static TransferCard read(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      return ModelCard.fromJson(file, TransferCard.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new CamkitException("cannot read transfer model card " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code dir} is a transfer model folder. */
  public static boolean isTransferFolder(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE));
  }

  /**
   * SHA-256 (hex) of a file's bytes, or of a folder: for each regular file under it, in sorted
   * order of relative path, the path (UTF-8, '/'-separated), a 0 byte, then the file's bytes.
   */
  public static String sha256(Path path) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      if (Files.isDirectory(path)) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
          files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
          md.update(path.relativize(f).toString().replace('\\', '/').getBytes(java.nio.charset.StandardCharsets.UTF_8));
          md.update((byte) 0);
          digest(md, f);
        }
      } else {
        digest(md, path);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new CamkitException("cannot read " + path + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void digest(MessageDigest md, Path f) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
      while (in.read(buf) >= 0) {
        // digesting
      }
    }
  }
}
