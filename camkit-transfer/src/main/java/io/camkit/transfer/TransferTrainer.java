package io.camkit.transfer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.camkit.core.CamkitException;
import io.camkit.core.RgbImage;
import io.camkit.core.Version;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.interop.Models;
import io.camkit.interop.onnx.OnnxModel;
import io.camkit.interop.torchscript.TorchScriptCard;
import io.camkit.interop.torchscript.TorchScriptForwardModel;
import io.camkit.interop.torchscript.TorchScriptModel;
import io.camkit.model.DataDescription;
import io.camkit.model.ModelCard;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.model.layers.LayeredModel;
import io.camkit.model.train.ArrayTrainer;
import io.camkit.model.train.EpochStats;
import io.camkit.model.train.TrainOptions;
import io.camkit.model.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Transfer learning: a new head on a pretrained backbone's activations, the backbone frozen.
 *
 * <ol>
 *   <li>The backbone ({@link Models#open}) runs once over the training and validation images;
 *       the activations of the chosen layer are cached ({@link FeatureCache}: in memory, bounded,
 *       and on disk under {@code out/features/} for reruns).
 *   <li>The head ({@link TransferHead}) is trained on the cached activations with camkit's Adam,
 *       warm-up + cosine schedule and softmax cross-entropy ({@link ArrayTrainer}); the backbone is
 *       never run in training mode and its weights are not touched.
 *   <li>Optionally ({@code fineTuneEpochs > 0}) the backbone up to the layer and the head are
 *       trained together, the backbone at {@code backboneLrFactor} × the head's learning rate
 *       (only its last {@code unfreezeLast} blocks when that is set). A camkit model trains as in
 *       camkit's own training (batch norm on batch statistics). A TorchScript backbone trains
 *       through a second copy of its file ({@link TorchScriptTrunk}) kept in inference mode, so
 *       its batch norm uses and keeps its running statistics while its weights get gradients; the
 *       fine-tuned module is written into the model folder ({@code backbone.pt}, with the card
 *       beside it) and the imported file is only read. An ONNX backbone (ONNX Runtime has no
 *       gradients) trains as camkit's DJL run of its nodes, checked against ONNX Runtime first
 *       ({@link OnnxTrunk}); the copy with the trained initializers is {@code backbone.onnx}.
 * </ol>
 *
 * <p>The result is a folder {@link TransferModel#load} (and so {@code Models.open}) reopens.
 */
public final class TransferTrainer {
  /** Where the training run reports: feature extraction per split, then each training phase. */
  public interface Listener {
    /** Progress of feature extraction over {@code split} ("train", "val", "fine-tune inputs"). */
    default FeatureCache.Progress features(String split) {
      return FeatureCache.Progress.NONE;
    }

    /** The listener of a training phase ("head", "fine-tune"). */
    default TrainingListener training(String phase) {
      return TrainingListener.NONE;
    }

    Listener NONE = new Listener() {};
  }

  /**
   * What a run produced.
   *
   * @param modelDir the transfer model folder
   * @param card its card
   * @param featureSeconds wall time of feature extraction (0 when read from the disk cache)
   * @param headSeconds wall time of head training
   * @param fineTuneSeconds wall time of fine-tuning (0 without)
   */
  public record Result(Path modelDir, TransferCard card, double featureSeconds, double headSeconds,
      double fineTuneSeconds) {}

  private TransferTrainer() {}

  /**
   * Trains a head on {@code backbone} (with its TorchScript {@code card}, or null) for the classes
   * of {@code train}, validating on {@code val} (may be empty), and saves the model to {@code
   * out/model}.
   */
  public static Result train(Path backbonePath, Path card, Dataset train, Dataset val, TransferOptions options,
      Path out, Listener listener) throws IOException {
    return train(backbonePath, card, train, val, options, out, listener, m -> {});
  }

  /** As above; {@code inspect} sees the trained model after it was saved, before it is closed (tests). */
  static Result train(Path backbonePath, Path card, Dataset train, Dataset val, TransferOptions options,
      Path out, Listener listener, java.util.function.Consumer<TransferModel> inspect) throws IOException {
    if (train.size() < 2) {
      throw new CamkitException("training needs at least 2 images, got " + train.size());
    }
    if (train.multiLabel()) {
      throw new CamkitException("--backbone trains single-label heads; the data holds images of 2 or more classes");
    }
    if (val.size() > 0 && !val.classes().equals(train.classes())) {
      throw new CamkitException("validation classes " + val.classes() + " differ from training classes " + train.classes());
    }
    String sha = TransferCard.sha256(backbonePath);
    Path source = backbonePath;
    Path sourceCard = card;
    String strideRemoved = null;
    if (options.removeLastStride()) {
      Path edited = out.resolve("model").resolve(FINE_TUNED_ONNX);
      strideRemoved = removeLastStride(backbonePath, card, options.layer(), edited);
      source = edited;
      sourceCard = card != null ? card : cardBeside(backbonePath);
    }
    String sourceSha = source == backbonePath ? sha : TransferCard.sha256(source);
    try (LayeredModel backbone = Models.open(source, sourceCard)) {
      String layer = options.layer() == null ? backbone.defaultLayer() : backbone.layer(options.layer()).name();
      boolean torchScript = backbone instanceof TorchScriptForwardModel || backbone instanceof TorchScriptModel;
      boolean onnx = backbone instanceof OnnxModel;
      if (options.fineTuneEpochs() > 0 && !(backbone instanceof CamModelLayers) && !torchScript && !onnx) {
        throw new CamkitException("--fine-tune-epochs needs a backbone camkit can train (a camkit model folder, a"
            + " TorchScript or an ONNX file); " + backbone.description() + " is not one. Train the head alone (--freeze"
            + " without --fine-tune-epochs).");
      }
      boolean imported = options.fineTuneEpochs() > 0 && (torchScript || onnx);
      // a backbone saved into the model folder (fine-tuned or edited) takes a copy of its card along
      Path tsCard = card != null ? card : imported ? io.camkit.interop.CardFiles.besides(backbonePath,
          "the backbone's card") : strideRemoved != null ? sourceCard : null;
      long[] shape = backbone.layer(layer).shape();
      FeatureCache.checkLimit((long) train.size() * options.views() + val.size(), shape,
          options.cacheLimitBytes());
      long t0 = System.nanoTime();
      String key = "backbone=" + sourceSha + "|layer=" + layer + "|data=" + DataDescription.fingerprint(train);
      String viewsKey = options.augment() == null ? "|flip=" + options.flipViews()
          : "|augment=" + options.augment() + "|views=" + options.augmentViews() + "|seed=" + options.training().seed();
      FeatureCache.Features trainF = FeatureCache.cached(out.resolve("features").resolve("train.bin"),
          key + viewsKey, backbone, layer, trainViews(train, options, backbone.inputSize()), options.flipViews(),
          options.cacheLimitBytes(), listener.features("train"));
      FeatureCache.Features valF = val.size() == 0 ? new FeatureCache.Features(shape, List.of())
          : FeatureCache.cached(out.resolve("features").resolve("val.bin"),
              "backbone=" + sourceSha + "|layer=" + layer + "|data=" + DataDescription.fingerprint(val) + "|flip=false",
              backbone, layer, images(val), false, options.cacheLimitBytes(), listener.features("val"));
      double featureSeconds = (System.nanoTime() - t0) / 1e9;
      int views = options.views();
      Shape item = new Shape(shape);
      ArrayTrainer.Data trainData = new ArrayTrainer.Data(item, trainF.items(), labels(train, views));
      ArrayTrainer.Data valData = new ArrayTrainer.Data(item, valF.items(), labels(val, 1));

      Engine.getInstance().setRandomSeed((int) options.training().seed());
      TransferModel model = TransferModel.newHead(backbone, layer, options.head(), train.classes());
      try {
        long t1 = System.nanoTime();
        List<EpochStats> history = ArrayTrainer.fitInitialized(model.headBlock(), model.manager(), trainData, valData,
            options.training(), listener.training("head"), name -> 1.0);
        double headSeconds = (System.nanoTime() - t1) / 1e9;
        Path dir = out.resolve("model");
        Files.createDirectories(dir);
        TransferCard.Backbone from = backboneRecord(dir, backbonePath, sha, tsCard);
        TransferCard.Backbone saved = from;
        TransferCard.FineTune fine = null;
        double fineSeconds = 0;
        if (imported) {
          long t2 = System.nanoTime();
          Path copy = dir.resolve(onnx ? FINE_TUNED_ONNX : FINE_TUNED_TORCHSCRIPT);
          try (ImportedTrunk trunk = onnx ? new OnnxTrunk((OnnxModel) backbone, layer, options.unfreezeLast())
              : TorchScriptTrunk.open(backbonePath, TorchScriptCard.read(tsCard), layer, options.unfreezeLast());
              NDManager adam = NDManager.newBaseManager()) {
            List<EpochStats> ft = fineTune(trunk, adam, backbone, model, train, val, options, listener);
            trunk.save(copy);
            fine = new TransferCard.FineTune(options.fineTuneEpochs(), options.backboneLrFactor(), ft,
                options.unfreezeLast(), trunk.trainedGroups(), trunk.batchNorm());
          }
          fineSeconds = (System.nanoTime() - t2) / 1e9;
          saved = new TransferCard.Backbone(copy.getFileName().toString(), copy.toAbsolutePath().normalize().toString(),
              TransferCard.sha256(copy), from.card());
        } else if (strideRemoved != null) {
          saved = new TransferCard.Backbone(FINE_TUNED_ONNX, source.toAbsolutePath().normalize().toString(),
              sourceSha, from.card());
        } else if (options.fineTuneEpochs() > 0) {
          long t2 = System.nanoTime();
          CamModelLayers c = (CamModelLayers) backbone;
          SequentialBlock trunk = camkitTrunk(c, layer, options.unfreezeLast());
          List<EpochStats> ft = fineTune(trunk, c.model().manager(), backbone, model, train, val, options, listener);
          fineSeconds = (System.nanoTime() - t2) / 1e9;
          Path copy = dir.resolve("backbone");
          c.model().save(copy, ModelCard.read(backbonePath));
          saved = new TransferCard.Backbone("backbone", copy.toAbsolutePath().normalize().toString(),
              TransferCard.sha256(copy), null);
          fine = new TransferCard.FineTune(options.fineTuneEpochs(), options.backboneLrFactor(), ft,
              options.unfreezeLast(), trainedLayers(trunk, options.unfreezeLast()), "batch statistics (train mode)");
        }
        model.saveHead(dir);
        TransferCard tc = new TransferCard(Version.get(), Instant.now().toString(), saved,
            fine == null && strideRemoved == null ? null : from,
            layer, shape, options.head(), train.classes(), options.training(), options.flipViews(), fine,
            DataDescription.of(train, presentation(options)), history, strideRemoved);
        tc.write(dir); // last: a folder with a card is whole
        if (imported) {
          try (TransferModel reopened = TransferModel.load(dir)) { // the fine-tuned weights live in the file
            inspect.accept(reopened);
          }
        } else {
          inspect.accept(model);
        }
        return new Result(dir, tc, featureSeconds, headSeconds, fineSeconds);
      } finally {
        model.manager().close();
      }
    }
  }

  /**
   * Writes the ONNX {@code backbone} with its last stride before the layer removed to {@code
   * edited} ({@link io.camkit.interop.onnx.OnnxGraph#withoutLastStride}).
   *
   * @return the edit, for the card: the node and its strides before
   */
  private static String removeLastStride(Path backbone, Path card, String layerOption, Path edited)
      throws IOException {
    try (LayeredModel original = Models.open(backbone, card)) {
      if (!(original instanceof OnnxModel)) {
        throw new CamkitException("--remove-last-stride edits ONNX graphs, and " + original.description()
            + " is not an ONNX model: export it to ONNX, or train without --remove-last-stride");
      }
      String layer = layerOption == null ? original.defaultLayer() : original.layer(layerOption).name();
      io.camkit.interop.onnx.OnnxGraph.Destrided d =
          io.camkit.interop.onnx.OnnxGraph.read(backbone).withoutLastStride(layer);
      Files.createDirectories(edited.getParent());
      Path tmp = Files.createTempFile(edited.getParent(), ".backbone", ".tmp");
      try {
        Files.write(tmp, d.bytes());
        io.camkit.core.AtomicFiles.move(tmp, edited);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return d.node() + " at stride 1 (was " + java.util.Arrays.toString(d.strides()) + ")";
    }
  }

  /** The card beside {@code model}, or null when it has none. */
  private static Path cardBeside(Path model) {
    try {
      return io.camkit.interop.CardFiles.besides(model, "the backbone's card");
    } catch (CamkitException e) {
      return null;
    }
  }

  /** The backbone as the card records it; a TorchScript card is copied into {@code dir}. */
  private static TransferCard.Backbone backboneRecord(Path dir, Path backbone, String sha, Path card)
      throws IOException {
    String cardName = null;
    if (card != null) {
      cardName = "backbone-card.json";
      Path tmp = Files.createTempFile(dir, ".backbone-card", ".tmp");
      try {
        Files.copy(card, tmp, StandardCopyOption.REPLACE_EXISTING);
        io.camkit.core.AtomicFiles.move(tmp, dir.resolve(cardName));
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    Path abs = backbone.toAbsolutePath().normalize();
    String rel = dir.toAbsolutePath().normalize().relativize(abs).toString().replace('\\', '/');
    return new TransferCard.Backbone(rel, abs.toString(), sha, cardName);
  }

  private static List<RgbImage> images(Dataset d) {
    return d.samples().stream().map(Sample::image).toList();
  }

  /**
   * The training images the head's features are computed from: each image once, or with {@code
   * augment} each image then {@code augmentViews − 1} augmented copies at the backbone's input
   * size, image i's view v drawn from its own stream seeded by {@code (seed, i, v)}: the same data
   * and seed give the same views, whatever else changes in the run.
   */
  static List<RgbImage> trainViews(Dataset d, TransferOptions options, int[] inputSize) {
    if (options.augment() == null) {
      return images(d);
    }
    List<RgbImage> out = new ArrayList<>(d.size() * options.augmentViews());
    for (int i = 0; i < d.size(); i++) {
      RgbImage img = d.get(i).image();
      out.add(img);
      for (int v = 1; v < options.augmentViews(); v++) {
        java.util.SplittableRandom rng =
            new java.util.SplittableRandom(options.training().seed() * 1_000_003L + i * 997L + v);
        out.add(options.augment().apply(img, inputSize[1], inputSize[0], rng));
      }
    }
    return out;
  }

  /** How the training images were presented, for the card: views per image and the augmentation. */
  private static java.util.Map<String, Object> presentation(TransferOptions options) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("views", options.views());
    if (options.augment() != null) {
      m.put("augmentation", options.augment());
      m.put("fineTuneAugmentation", options.fineTuneEpochs() > 0 ? "fresh crops at every step" : "none");
    }
    return m;
  }

  private static long[] labels(Dataset d, int views) {
    long[] out = new long[d.size() * views];
    for (int i = 0; i < d.size(); i++) {
      for (int v = 0; v < views; v++) {
        out[i * views + v] = d.get(i).label();
      }
    }
    return out;
  }

  /** The fine-tuned model's TorchScript file inside the model folder. */
  static final String FINE_TUNED_TORCHSCRIPT = "backbone.pt";

  /** The fine-tuned model's ONNX file inside the model folder. */
  static final String FINE_TUNED_ONNX = "backbone.onnx";

  /**
   * A camkit model's layers {@code features.0 … layer} as one block; with {@code unfreezeLast = k
   * > 0} the parameters of all but the last k of them are frozen.
   */
  private static SequentialBlock camkitTrunk(CamModelLayers backbone, String layer, int unfreezeLast) {
    SequentialBlock trunk = new SequentialBlock();
    int last = Integer.parseInt(layer.substring("features.".length()));
    List<Block> children = backbone.model().net().features().getChildren().values();
    if (unfreezeLast > last + 1) {
      throw new CamkitException("--unfreeze-last " + unfreezeLast + " asks for more blocks than the " + (last + 1)
          + " up to " + layer);
    }
    for (int i = 0; i <= last; i++) {
      trunk.add(children.get(i));
      if (unfreezeLast > 0 && i <= last - unfreezeLast) {
        children.get(i).freezeParameters(true);
      }
    }
    return trunk;
  }

  /** The names {@code features.i} of the trunk's layers that train. */
  private static List<String> trainedLayers(SequentialBlock trunk, int unfreezeLast) {
    int n = trunk.getChildren().size();
    List<String> out = new ArrayList<>();
    for (int i = unfreezeLast == 0 ? 0 : n - unfreezeLast; i < n; i++) {
      out.add("features." + i);
    }
    return out;
  }

  /**
   * Trains {@code trunk} (the backbone up to {@code layer}) and the head together on the scaled
   * images, the trunk's parameters at {@code backboneLrFactor} × the learning rate; the optimiser's
   * state lives in {@code manager}.
   */
  private static List<EpochStats> fineTune(Block trunk, NDManager manager, LayeredModel backbone, TransferModel model,
      Dataset train, Dataset val, TransferOptions options, Listener listener) {
    FineTuneNet net = new FineTuneNet(trunk, model.headBlock());
    int[] in = backbone.inputSize();
    long[] item = {3, in[0], in[1]};
    String trunkName = net.getChildren().get(0).getKey();
    double factor = options.backboneLrFactor();
    java.util.function.ToDoubleFunction<String> lr = name -> name.startsWith(trunkName) ? factor : 1.0;
    if (options.augment() != null) { // a fresh crop of each image at every step: nothing to cache but the val split
      FeatureCache.checkLimit(val.size(), item, options.cacheLimitBytes());
      List<float[]> unread = java.util.Collections.nCopies(train.size(), new float[0]);
      ArrayTrainer.Data t = new ArrayTrainer.Data(new Shape(item), unread, labels(train, 1));
      ArrayTrainer.Data v = new ArrayTrainer.Data(new Shape(item), scaledImages(backbone, val, false), labels(val, 1));
      List<RgbImage> images = images(train);
      int plane = 3 * in[0] * in[1];
      ArrayTrainer.ItemSampler crops = (j, rng) -> {
        float[] chw = new float[plane];
        options.augment().apply(images.get(j), in[1], in[0], rng).toChw(chw, 0);
        try (NDManager scope = NDManager.newBaseManager()) {
          return backbone.scaled(scope, chw, 1).toFloatArray();
        }
      };
      return ArrayTrainer.fitInitialized(net, manager, t, v, fineTuneSchedule(options, t.size()),
          listener.training("fine-tune"), lr, crops);
    }
    int views = options.flipViews() ? 2 : 1;
    FeatureCache.checkLimit((long) train.size() * views + val.size(), item, options.cacheLimitBytes());
    ArrayTrainer.Data t = new ArrayTrainer.Data(new Shape(item), scaledImages(backbone, train, options.flipViews()),
        labels(train, views));
    ArrayTrainer.Data v = new ArrayTrainer.Data(new Shape(item), scaledImages(backbone, val, false), labels(val, 1));
    return ArrayTrainer.fitInitialized(net, manager, t, v, fineTuneSchedule(options, t.size()),
        listener.training("fine-tune"), lr);
  }

  /**
   * The head's training options for {@code fineTuneEpochs} over {@code items} training views, with
   * the warm-up cut to at most a tenth of the fine-tuning steps (at least 1): the head's warm-up
   * (100 steps by default) would otherwise outlast a short fine-tuning run, whose learning rate
   * would then only rise and never decay.
   */
  static TrainOptions fineTuneSchedule(TransferOptions options, int items) {
    TrainOptions o = options.training().withEpochs(options.fineTuneEpochs());
    long steps = (long) (items / Math.max(1, Math.min(o.batchSize(), items))) * o.epochs();
    int warmup = (int) Math.min(o.warmupSteps(), Math.max(1, steps / 10));
    return new TrainOptions(o.epochs(), o.batchSize(), o.learningRate(), o.weightDecay(), warmup, o.flip(),
        o.maxShift(), o.seed(), o.multiLabel());
  }

  /** Each image resized and scaled as {@code backbone} expects, {@code [3, H, W]} flat (and its mirror). */
  private static List<float[]> scaledImages(LayeredModel backbone, Dataset d, boolean flipViews) {
    int[] in = backbone.inputSize();
    int plane = 3 * in[0] * in[1];
    List<float[]> out = new ArrayList<>();
    try (NDManager scope = NDManager.newBaseManager()) {
      for (Sample s : d.samples()) {
        float[] chw = new float[plane * (flipViews ? 2 : 1)];
        s.image().resize(in[1], in[0]).toChw(chw, 0);
        if (flipViews) {
          FeatureCache.mirror(chw, 0, chw, plane, in[0], in[1]);
        }
        float[] x = backbone.scaled(scope, chw, flipViews ? 2 : 1).toFloatArray();
        out.add(java.util.Arrays.copyOfRange(x, 0, plane));
        if (flipViews) {
          out.add(java.util.Arrays.copyOfRange(x, plane, 2 * plane));
        }
      }
    }
    return out;
  }

  /** Backbone trunk then head, {@code x [N, 3, H, W] → y [N, C]}, both trainable. */
  static final class FineTuneNet extends AbstractBlock {
    private final Block trunk;
    private final Block head;

    FineTuneNet(Block trunk, Block head) {
      this.trunk = addChildBlock("backbone", trunk);
      this.head = addChildBlock("head", head);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      return head.forward(ps, trunk.forward(ps, inputs, training, params), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return head.getOutputShapes(trunk.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
      trunk.initialize(manager, dataType, inputShapes);
      head.initialize(manager, dataType, trunk.getOutputShapes(inputShapes));
    }
  }
}
