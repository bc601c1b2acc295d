package io.camkit.model.supervised;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.Options;
import io.camkit.model.CamNetOptions;
import io.camkit.model.DataDescription;
import io.camkit.model.ModelCard;
import io.camkit.model.seg.SegmenterOptions;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code supervised.json}, the card of a fully supervised model folder ({@code camkit train
 * --supervision boxes|masks}), beside its weights ({@value #PARAMS}): the supervision kind, the
 * network (a box net on camnet's trunk, a box head on a frozen backbone, or a segmenter), the
 * classes, the training recipe, the data and the loss curve, so that {@code evaluate} and {@code
 * localize} reopen it and score its boxes or masks.
 *
 * @param camkitVersion version that wrote it
 * @param createdAt ISO-8601 instant
 * @param supervision {@value #BOXES} or {@value #MASKS}
 * @param classes class names, index = output column
 * @param net boxes from scratch: the trunk's options ({@link BoxRegressionNet}); else null
 * @param backbone boxes on a frozen backbone: where the backbone is and which layer the head reads;
 *     else null
 * @param segmenter masks: the segmenter's options; else null
 * @param training how it was trained
 * @param tau masks: the threshold of the class probability maps chosen on the validation split
 *     (their MaxBoxAcc τ; 0.5 without validation images); null for boxes (a regressed box has no τ)
 * @param data the training data (pixel fingerprint)
 * @param losses the mean training loss of each epoch
 */
public record SupervisedCard(
    String camkitVersion,
    String createdAt,
    String supervision,
    List<String> classes,
    CamNetOptions net,
    Backbone backbone,
    SegmenterOptions segmenter,
    Training training,
    Double tau,
    DataDescription data,
    List<Double> losses) {

  public static final String FILE = "supervised.json";
  public static final String PARAMS = "supervised.params";
  public static final String BOXES = "boxes";
  public static final String MASKS = "masks";

  /**
   * A frozen backbone the box head reads.
   *
   * @param path relative to the model folder (portable when both move together)
   * @param absolutePath where it was when the model was saved (the fallback)
   * @param sha256 of the file or folder, checked when the model is opened
   * @param card the backbone's card copied into the model folder (a file name there), or null
   * @param layer the layer whose activations the head reads
   * @param featureShape {@code [K, h, w]} of that layer for one image
   */
  public record Backbone(String path, String absolutePath, String sha256, String card, String layer,
      long[] featureShape) {
    public Backbone {
      featureShape = featureShape.clone();
    }

    @Override
    public long[] featureShape() {
      return featureShape.clone();
    }
  }

  /**
   * @param epochs passes over the training set
   * @param batchSize images per step
   * @param learningRate Adam's η (constant)
   * @param alpha boxes: α of L = α·CE + (1 − α)·R; 0 for masks
   * @param boxLoss boxes: R, {@code smooth-l1} or {@code giou}; null for masks
   * @param seed seeds the initial weights and the batch order
   */
  public record Training(int epochs, int batchSize, float learningRate, float alpha, String boxLoss, long seed) {}

  public SupervisedCard {
    Options.check(supervision.equals(BOXES) || supervision.equals(MASKS), "supervision", supervision, "boxes, masks");
    classes = List.copyOf(classes);
    losses = losses == null ? List.of() : List.copyOf(losses);
    if (supervision.equals(BOXES) && (net == null) == (backbone == null)) {
      throw new IllegalArgumentException("a box model has either a camnet trunk or a backbone");
    }
    if (supervision.equals(MASKS) && segmenter == null) {
      throw new IllegalArgumentException("a mask model has a segmenter");
    }
  }

  /** Whether this is a box model (else a mask model). */
  public boolean boxes() {
    return supervision.equals(BOXES);
  }

  /** Writes the card atomically to {@code dir/supervised.json}. */
  public void write(Path dir) throws IOException {
    AtomicFiles.writeString(dir.resolve(FILE), ModelCard.toJson(this));
  }

  public static SupervisedCard read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new CamkitException("not a supervised camkit model folder (no " + FILE + "): " + dir);
    }
    try {
      return ModelCard.fromJson(file, SupervisedCard.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new CamkitException("cannot read supervised model card " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code path} is a supervised model folder. */
  public static boolean isSupervised(Path path) {
    return path != null && Files.isRegularFile(path.resolve(FILE));
  }

  /** Writes {@code block}'s weights atomically to {@code dir/supervised.params}. */
  public static void saveWeights(Path dir, Block block) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.write(dir.resolve(PARAMS), out -> {
      DataOutputStream dos = new DataOutputStream(out);
      block.saveParameters(dos);
      dos.flush();
    });
  }

  /** Loads {@code dir/supervised.params} into {@code block} (initialised, same shape). */
  public static void loadWeights(Path dir, Block block, NDManager manager) {
    Path file = dir.resolve(PARAMS);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      block.loadParameters(manager, new DataInputStream(in));
    } catch (IOException | MalformedModelException e) {
      throw new CamkitException("cannot load weights " + file + ": " + e.getMessage(), e);
    }
  }
}
