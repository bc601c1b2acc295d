package io.camkit.transfer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.camkit.core.CamkitException;
import io.camkit.core.RgbImage;
import io.camkit.core.Version;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.interop.Models;
import io.camkit.model.CamNetOptions;
import io.camkit.model.DataDescription;
import io.camkit.model.layers.LayerInfo;
import io.camkit.model.layers.LayeredModel;
import io.camkit.model.seg.Segmenter;
import io.camkit.model.seg.SegmenterOptions;
import io.camkit.model.supervised.BoxHead;
import io.camkit.model.supervised.BoxRegressionNet;
import io.camkit.model.supervised.SupervisedCard;
import io.camkit.model.train.BoxTrainer;
import io.camkit.model.train.SegmentationTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A fully supervised model folder ({@link SupervisedCard}) opened for prediction, and the runs that
 * write one: a box net on camnet's trunk ({@link BoxRegressionNet}), a {@link BoxHead} on a frozen
 * pretrained backbone's activations (the backbone read in place, its checksum checked, as a
 * transfer folder's), or a segmenter ({@link Segmenter}). Close it to free the weights.
 */
public final class SupervisedModel implements AutoCloseable {
  private final SupervisedCard card;
  private final NDManager manager;
  private final Block block;
  private final LayeredModel backbone; // boxes on a backbone; else null

  private SupervisedModel(SupervisedCard card, NDManager manager, Block block, LayeredModel backbone) {
    this.card = card;
    this.manager = manager;
    this.block = block;
    this.backbone = backbone;
  }

  public SupervisedCard card() {
    return card;
  }

  public List<String> classes() {
    return card.classes();
  }

  /** What it is, for reports. */
  public String description() {
    if (!card.boxes()) {
      return card.segmenter().variant() + " segmenter (" + card.segmenter().imageSize() + " px, width "
          + card.segmenter().width() + ", depth " + card.segmenter().depth() + ")";
    }
    return "box head (L = α·CE + (1 − α)·" + card.training().boxLoss() + ", α = " + card.training().alpha() + ") on "
        + (backbone == null ? "camnet's trunk" : "the frozen backbone " + card.backbone().path() + " @ "
            + card.backbone().layer());
  }

  /** Opens a supervised model folder. */
  public static SupervisedModel load(Path dir) {
    SupervisedCard card = SupervisedCard.read(dir);
    NDManager manager = NDManager.newBaseManager("PyTorch");
    LayeredModel backbone = null;
    try {
      Block block;
      if (!card.boxes()) {
        SegmenterOptions o = card.segmenter();
        block = new Segmenter(o);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, o.imageSize(), o.imageSize()));
      } else if (card.net() != null) {
        CamNetOptions o = card.net();
        block = new BoxRegressionNet(o);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, o.imageSize(), o.imageSize()));
      } else {
        SupervisedCard.Backbone b = card.backbone();
        Path file = TransferModel.locate(dir, b.path(), b.absolutePath());
        String sha = TransferCard.sha256(file);
        if (!sha.equals(b.sha256())) {
          throw new CamkitException("the backbone " + file + " is not the one the box head in " + dir + " was trained"
              + " on (sha256 " + sha + ", expected " + b.sha256() + ")");
        }
        backbone = Models.open(file, b.card() == null ? null : dir.resolve(b.card()));
        LayerInfo l = backbone.layer(b.layer());
        if (!Arrays.equals(l.shape(), b.featureShape())) {
          throw new CamkitException("layer " + b.layer() + " of " + file + " gives " + l.shapeText() + ", but the box"
              + " head was trained on " + Arrays.toString(b.featureShape()));
        }
        long[] s = b.featureShape();
        block = new BoxHead(card.classes().size());
        block.initialize(manager, DataType.FLOAT32, new Shape(1, s[0], s[1], s[2]));
      }
      SupervisedCard.loadWeights(dir, block, manager);
      return new SupervisedModel(card, manager, block, backbone);
    } catch (RuntimeException e) {
      manager.close();
      if (backbone != null) {
        backbone.close();
      }
      throw e;
    }
  }

  /** A box model's class scores and boxes (in each image's pixels), in inference mode. */
  public List<BoxTrainer.Prediction> boxes(List<RgbImage> images) {
    if (!card.boxes()) {
      throw new IllegalStateException("a mask model predicts masks");
    }
    try (NDManager scope = manager.newSubManager()) {
      if (backbone == null) {
        return BoxTrainer.predict((BoxRegressionNet) block, scope, images);
      }
      NDArray a = backbone.features(scope, backbone.input(scope, images), card.backbone().layer());
      a.attach(scope);
      NDList out = block.forward(new ParameterStore(scope, false), new NDList(a), false);
      return BoxTrainer.predictions(out, card.classes().size(), images);
    }
  }

  /** A mask model's side: its maps are {@link #side()} × {@link #side()}. */
  public int side() {
    return card.segmenter().imageSize();
  }

  /**
   * A mask model's softmax probabilities {@code [N, C + 1, S, S]} flat (plane 0 the background,
   * plane c + 1 class c) of the images resized to its side.
   */
  public float[] probabilities(List<RgbImage> images) {
    if (card.boxes()) {
      throw new IllegalStateException("a box model predicts boxes");
    }
    try (NDManager scope = manager.newSubManager()) {
      return SegmentationTrainer.probabilities((Segmenter) block, scope, images).toFloatArray();
    }
  }

  @Override
  public void close() {
    manager.close();
    if (backbone != null) {
      backbone.close();
    }
  }

  // ---------------------------------------------------------------- training runs

  /** The checks every supervised run makes first: at least 2 images, one class each. */
  private static void checkData(Dataset train) {
    if (train.size() < 2) {
      throw new CamkitException("training needs at least 2 images, got " + train.size());
    }
    if (train.multiLabel()) {
      throw new CamkitException("--supervision trains single-label models; the data holds images of 2 or more"
          + " classes");
    }
  }

  /**
   * Checks that the training data has boxes to regress: every image has a box of its class, and not
   * every one of them is the image's whole frame (what a folder of class subfolders without VOC
   * XML gets).
   */
  public static void checkBoxes(Dataset train, String where) {
    long whole = 0;
    for (Sample s : train.samples()) {
      if (s.objectsOf(s.label()).isEmpty()) {
        throw new CamkitException("--supervision boxes needs a box for every training image; " + s.id() + " in "
            + where + " has none");
      }
      io.camkit.core.Box b = s.objectsOf(s.label()).get(0).box();
      whole += b.x0() == 0 && b.y0() == 0 && b.x1() == s.width() && b.y1() == s.height() ? 1 : 0;
    }
    if (whole == train.size()) {
      throw new CamkitException("--supervision boxes needs box annotations, and " + where + " has none (every"
          + " image's box is its whole frame): use COCO annotations.json or VOC XML beside the images");
    }
  }

  /** Checks that every object of every training image has a mask. */
  public static void checkMasks(Dataset train, String where) {
    for (Sample s : train.samples()) {
      if (s.objects().isEmpty() || s.objects().stream().anyMatch(o -> o.mask().isEmpty())) {
        throw new CamkitException("--supervision masks needs object masks, and " + where + " has none for "
            + s.id() + " (the built-in benchmark's COCO annotations carry them: camkit generate)");
      }
    }
  }

  /** Trains a box net (camnet's trunk and a {@link BoxHead}) and saves it to {@code dir}. */
  public static SupervisedCard trainBoxes(Dataset train, CamNetOptions net, BoxTrainer.Options o, Object source,
      Path dir, Consumer<String> log) throws IOException {
    checkData(train);
    checkBoxes(train, train.name());
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      BoxRegressionNet model = BoxTrainer.newNet(net, manager, o.seed());
      List<Double> losses = new BoxTrainer(o, log).fit(model, manager, train);
      SupervisedCard card = new SupervisedCard(Version.get(), Instant.now().toString(), SupervisedCard.BOXES,
          train.classes(), net, null, null, training(o), null, DataDescription.of(train, source), losses);
      save(dir, model, card);
      return card;
    }
  }

  /**
   * Trains a {@link BoxHead} on a frozen backbone's activations of {@code layer} (null: its default
   * layer), cached under {@code out/features/} as a transfer run's, and saves it to {@code
   * out/model}.
   */
  public static SupervisedCard trainBoxesOnBackbone(Path backbonePath, Path backboneCard, String layer,
      Dataset train, BoxTrainer.Options o, long cacheLimitBytes, Path out, FeatureCache.Progress progress,
      Consumer<String> log) throws IOException {
    checkData(train);
    checkBoxes(train, train.name());
    String sha = TransferCard.sha256(backbonePath);
    Path dir = out.resolve("model");
    try (LayeredModel backbone = Models.open(backbonePath, backboneCard);
        NDManager manager = NDManager.newBaseManager("PyTorch")) {
      String l = layer == null ? backbone.defaultLayer() : backbone.layer(layer).name();
      long[] shape = backbone.layer(l).shape();
      FeatureCache.Features f = FeatureCache.cached(out.resolve("features").resolve("train.bin"),
          "backbone=" + sha + "|layer=" + l + "|data=" + DataDescription.fingerprint(train) + "|flip=false", backbone,
          l, train.samples().stream().map(Sample::image).toList(), false, cacheLimitBytes, progress);
      BoxHead head = BoxTrainer.newHead(train.classes().size(), shape, manager, o.seed());
      List<Double> losses = new BoxTrainer(o, log).fitHead(head, manager, shape, f.items(), train);
      Files.createDirectories(dir);
      String cardName = null;
      if (backboneCard != null) {
        cardName = "backbone-card.json";
        Files.copy(backboneCard, dir.resolve(cardName), StandardCopyOption.REPLACE_EXISTING);
      }
      Path abs = backbonePath.toAbsolutePath().normalize();
      String rel = dir.toAbsolutePath().normalize().relativize(abs).toString().replace('\\', '/');
      SupervisedCard card = new SupervisedCard(Version.get(), Instant.now().toString(), SupervisedCard.BOXES,
          train.classes(), null, new SupervisedCard.Backbone(rel, abs.toString(), sha, cardName, l, shape), null,
          training(o), null, DataDescription.of(train, java.util.Map.of("backbone", abs.toString())), losses);
      save(dir, head, card);
      return card;
    }
  }

  /**
   * Trains a segmenter on the objects' masks and saves it to {@code dir} with τ = 0.5 (the caller
   * chooses τ on the validation split and rewrites the card, {@link #withTau}).
   */
  public static SupervisedCard trainMasks(Dataset train, SegmenterOptions so, SegmentationTrainer.Options o,
      Object source, Path dir, Consumer<String> log) throws IOException {
    checkData(train);
    checkMasks(train, train.name());
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Segmenter seg = SegmentationTrainer.newSegmenter(so, manager, o.seed());
      List<Double> losses = new SegmentationTrainer(o, log).fit(seg, manager, train);
      SupervisedCard card = new SupervisedCard(Version.get(), Instant.now().toString(), SupervisedCard.MASKS,
          train.classes(), null, null, so, new SupervisedCard.Training(o.epochs(), o.batchSize(), o.learningRate(), 0f,
              null, o.seed()), DEFAULT_MASK_TAU, DataDescription.of(train, source), losses);
      save(dir, seg, card);
      return card;
    }
  }

  /** A mask model's τ before one is chosen on validation images. */
  public static final double DEFAULT_MASK_TAU = 0.5;

  /** Rewrites {@code dir}'s card with the mask threshold {@code tau}. */
  public static SupervisedCard withTau(Path dir, double tau) throws IOException {
    SupervisedCard c = SupervisedCard.read(dir);
    SupervisedCard t = new SupervisedCard(c.camkitVersion(), c.createdAt(), c.supervision(), c.classes(), c.net(),
        c.backbone(), c.segmenter(), c.training(), tau, c.data(), c.losses());
    t.write(dir);
    return t;
  }

  private static SupervisedCard.Training training(BoxTrainer.Options o) {
    return new SupervisedCard.Training(o.epochs(), o.batchSize(), o.learningRate(), o.alpha(), o.boxLoss(), o.seed());
  }

  private static void save(Path dir, Block block, SupervisedCard card) throws IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(SupervisedCard.FILE));
    SupervisedCard.saveWeights(dir, block);
    card.write(dir); // last: a folder with a card is whole
  }
}
