package io.camkit.transfer;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.interop.ImportedModel;
import io.camkit.interop.Models;
import io.camkit.model.layers.BiasTap;
import io.camkit.model.layers.LayerInfo;
import io.camkit.model.layers.LayeredModel;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A pretrained backbone cut at one layer with a new head trained on its activations:
 *
 * <pre>  x [N, 3, H, W] --backbone.features(layer)--> A [N, K, h, w] --TransferHead--> y [N, C]</pre>
 *
 * <p>Any {@link LayeredModel} can be the backbone (a camkit model folder, a TorchScript file with
 * its card, later ONNX): only its {@code input}, {@code scaled} and {@code features} are used, so
 * a forward-only backbone is enough. The one targetable layer is {@code layer}, named as in the
 * backbone; the head is a DJL block, so gradient methods work through it, and a GAP + linear head
 * gives CAM from its weights ({@link #classifierWeights}).
 *
 * <p>A folder holds {@code transfer.json} ({@link TransferCard}), {@code head.params} and, if the
 * backbone needs one, a copy of its card. The backbone file is found by its path relative to the
 * folder, else by the absolute path it had, and refused when its sha256 differs from the one
 * recorded: a head is only valid on the activations it was trained on.
 */
public final class TransferModel extends ImportedModel {
  private final LayeredModel backbone;
  private final String layer;
  private final LayerInfo info;
  private final TransferHead head;
  private final NDManager manager; // owns the head's parameters

  /**
   * Wraps {@code backbone} (owned: closed with this model) and an initialised {@code head} whose
   * parameters live in {@code manager} (owned).
   */
  TransferModel(LayeredModel backbone, String layer, TransferHead head, NDManager manager, List<String> classes,
      String description) {
    this(backbone, layer, head, manager, classes, description, false);
  }

  /** As above; {@code fineTuned}: the backbone is a fine-tuned copy (its layer's kind says so). */
  TransferModel(LayeredModel backbone, String layer, TransferHead head, NDManager manager, List<String> classes,
      String description, boolean fineTuned) {
    super(description, Inputs.of(backbone));
    this.backbone = backbone;
    this.layer = layer;
    LayerInfo b = backbone.layer(layer);
    this.info = new LayerInfo(layer, b.kind() + (fineTuned ? ", fine-tuned backbone" : ", frozen backbone") + " → new "
        + head.options().pooling() + " head", b.shape());
    this.head = head;
    this.manager = manager;
    setClasses(classes);
  }

  /** A fresh head for {@code classes} on {@code backbone}'s {@code layer}, parameters drawn from the engine's seed. */
  static TransferModel newHead(LayeredModel backbone, String layer, io.camkit.model.HeadOptions options,
      List<String> classes) {
    long[] s = backbone.layer(layer).shape();
    NDManager manager = NDManager.newBaseManager();
    try {
      TransferHead head = new TransferHead(options, classes.size());
      head.setInitializer(new ai.djl.training.initializer.XavierInitializer(
          ai.djl.training.initializer.XavierInitializer.RandomType.GAUSSIAN,
          ai.djl.training.initializer.XavierInitializer.FactorType.IN, 2), ai.djl.nn.Parameter.Type.WEIGHT);
      head.initialize(manager, DataType.FLOAT32, new Shape(1, s[0], s[1], s[2]));
      return new TransferModel(backbone, layer, head, manager, classes,
          "transfer: " + options.pooling() + " head on " + backbone.description() + " @ " + layer);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Opens a transfer model folder: checks the backbone's checksum, opens it, loads the head. */
  public static TransferModel load(Path dir) {
    TransferCard card = TransferCard.read(dir);
    Path file = locate(dir, card.backbone().path(), card.backbone().absolutePath());
    String sha = TransferCard.sha256(file);
    if (!sha.equals(card.backbone().sha256())) {
      throw new CamkitException("the backbone " + file + " is not the one the head in " + dir + " was trained on"
          + " (sha256 " + sha + ", expected " + card.backbone().sha256() + ")");
    }
    Path backboneCard = card.backbone().card() == null ? null : dir.resolve(card.backbone().card());
    LayeredModel backbone = Models.open(file, backboneCard);
    NDManager manager = NDManager.newBaseManager();
    try {
      LayerInfo l = backbone.layer(card.layer());
      if (!Arrays.equals(l.shape(), card.featureShape())) {
        throw new CamkitException("layer " + card.layer() + " of " + file + " gives " + l.shapeText() + ", but the head"
            + " was trained on " + Arrays.toString(card.featureShape()));
      }
      TransferHead head = new TransferHead(card.head(), card.classes().size());
      long[] s = card.featureShape();
      head.initialize(manager, DataType.FLOAT32, new Shape(1, s[0], s[1], s[2]));
      try (InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve(TransferCard.HEAD_PARAMS)))) {
        head.loadParameters(manager, new DataInputStream(in));
      } catch (IOException | MalformedModelException e) {
        throw new CamkitException("cannot load head weights " + dir.resolve(TransferCard.HEAD_PARAMS) + ": "
            + e.getMessage(), e);
      }
      return new TransferModel(backbone, card.layer(), head, manager, card.classes(),
          "transfer: " + card.head().pooling() + " head on " + backbone.description() + " @ " + card.layer(),
          card.fineTune() != null);
    } catch (RuntimeException e) {
      manager.close();
      backbone.close();
      throw e;
    }
  }

  /**
   * A backbone a model folder {@code dir} records: {@code path} relative to the folder, else
   * {@code absolutePath} (where it was when the model was saved).
   */
  static Path locate(Path dir, String path, String absolutePath) {
    Path rel = dir.resolve(path).normalize();
    if (Files.exists(rel)) {
      return rel;
    }
    if (absolutePath != null && Files.exists(Path.of(absolutePath))) {
      return Path.of(absolutePath);
    }
    throw new CamkitException("the backbone of " + dir + " is missing: neither " + rel + " nor " + absolutePath
        + " exists");
  }

  /** Writes the head's weights atomically to {@code dir/head.params}. */
  void saveHead(Path dir) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.write(dir.resolve(TransferCard.HEAD_PARAMS), out -> {
      DataOutputStream dos = new DataOutputStream(out);
      head.saveParameters(dos);
      dos.flush();
    });
  }

  /** The new head (a DJL block; parameters owned by this model). */
  public TransferHead headBlock() {
    return head;
  }

  /** The backbone (owned by this model). */
  public LayeredModel backbone() {
    return backbone;
  }

  NDManager manager() {
    return manager;
  }

  /** The backbone layer the head reads. */
  public String layerName() {
    return layer;
  }

  /** One layer: the backbone layer the head was trained on (earlier layers have no path to this head). */
  @Override
  public List<LayerInfo> layers() {
    return List.of(info);
  }

  @Override
  public NDArray logits(NDManager scope, NDArray x) {
    return head(scope, features(scope, x, layer), layer);
  }

  @Override
  public NDArray features(NDManager scope, NDArray x, String name) {
    layer(name);
    return backbone.features(scope, x, layer);
  }

  @Override
  public NDArray inputDifferentiableFeatures(NDManager scope, NDArray x, String name, BiasTap biases) {
    layer(name);
    return backbone.inputDifferentiableFeatures(scope, x, layer, biases);
  }

  @Override
  public boolean supportsInputGradients() {
    return backbone.supportsInputGradients();
  }

  @Override
  public boolean seesBiases() {
    return backbone.seesBiases();
  }

  /** {@code A [N, K, h, w] → y [N, C]} through the new head, recorded inside a gradient collector. */
  @Override
  public NDArray head(NDManager scope, NDArray a, String name) {
    layer(name);
    return head.forward(new ParameterStore(scope, false), new NDList(a), false).singletonOrThrow();
  }

  @Override
  public boolean supportsGradients() {
    return true;
  }

  @Override
  public Optional<NDArray> classifierWeights(String name) {
    layer(name);
    return head.isGap() ? Optional.of(head.classWeights()) : Optional.empty();
  }

  @Override
  public Optional<NDArray> classMaps(NDManager scope, NDArray a, String name) {
    layer(name);
    return head.isGap() ? Optional.empty() : Optional.of(head.classMaps(new ParameterStore(scope, false), a));
  }

  @Override
  public boolean supportsCam(String name) {
    layer(name);
    return true;
  }

  @Override
  public void close() {
    manager.close();
    backbone.close();
  }
}
