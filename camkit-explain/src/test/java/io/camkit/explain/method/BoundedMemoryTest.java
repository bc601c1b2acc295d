package io.camkit.explain.method;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.core.Box;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.explain.target.TargetSelector;
import io.camkit.interop.Models;
import io.camkit.transfer.TransferModel;
import io.camkit.transfer.TransferOptions;
import io.camkit.transfer.TransferTrainer;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.DataDescription;
import io.camkit.model.HeadOptions;
import io.camkit.model.ModelCard;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.model.layers.ForwardingLayeredModel;
import io.camkit.model.layers.LayeredModel;
import io.camkit.model.train.TrainOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory is flat in the number of images (issue 11, "bounded memory on long jobs"): the
 * arrays under PyTorch's root manager are counted (all live native tensors DJL knows of, the
 * models' weights included) after one batch and after many more, and must be the same number; and
 * Score-CAM, which runs K masked inputs per image, must not keep earlier images' masks while it
 * works on later ones. Counts and bytes, not timings.
 */
class BoundedMemoryTest {
  private static final int SIZE = 32;
  private static final List<String> CLASSES = List.of("red", "blue");

  @TempDir static Path tmp;
  static Path transfer;

  @BeforeAll
  static void transferModel() throws Exception {
    Engine.getEngine("PyTorch").setRandomSeed(5);
    CamNetOptions net = new CamNetOptions(SIZE, 2, 4, 8, 0.5f, 0.25f, HeadOptions.gap());
    Path backbone = tmp.resolve("backbone");
    try (CamModel m = CamModel.create(net, CLASSES)) {
      m.save(backbone, new ModelCard("test", "now", "camnet", net, CLASSES, TrainOptions.defaults(),
          new DataDescription("none", 0, "", null), List.of()));
    }
    TrainOptions once = new TrainOptions(1, 8, 5e-2f, 0f, 5, false, 0, 11L);
    transfer = TransferTrainer.train(backbone, null, images(8, 1), new Dataset("none", CLASSES, List.of()),
        new TransferOptions(null, HeadOptions.gap(), once, false, 0, 0.1, 64), tmp.resolve("transfer"),
        TransferTrainer.Listener.NONE).modelDir();
  }

  @Test
  void everyMethodLeavesNoArrayBehindOnACamkitAndATransferModel() {
    List<RgbImage> many = images(24, 2).samples().stream().map(Sample::image).toList();
    Engine.getEngine("PyTorch").setRandomSeed(5);
    try (CamModel m = CamModel.create(new CamNetOptions(SIZE, 2, 4, 8, 0.5f, 0.25f, HeadOptions.gap()), CLASSES);
        LayeredModel t = Models.open(transfer)) {
      assertThat(t).isInstanceOf(TransferModel.class);
      for (LayeredModel model : List.of(new CamModelLayers(m), t)) {
        for (String name : CamMethods.names()) {
          CamMethod method = CamMethods.byName(name).batchSize(8);
          if (method instanceof ScoreCam s) {
            s.maskBatch(4);
          }
          String layer = model.defaultLayer();
          // the first batch may fill caches that live as long as the model (measured CAM weights)
          method.explain(model, many.subList(0, 8), layer, TargetSelector.predicted());
          int level = liveArrays().size();
          List<ClassMap> maps = method.explain(model, many.subList(8, 24), layer, TargetSelector.predicted());
          assertThat(maps).hasSize(16);
          assertThat(liveArrays().size()).as("%s on %s: arrays after 2 more batches", name, model.description())
              .isEqualTo(level);
        }
      }
    }
  }

  @Test
  void scoreCamKeepsOneImagesMasksAtATime() {
    List<RgbImage> eight = images(8, 3).samples().stream().map(Sample::image).toList();
    Engine.getEngine("PyTorch").setRandomSeed(5);
    try (CamModel m = CamModel.create(new CamNetOptions(SIZE, 2, 4, 8, 0.5f, 0.25f, HeadOptions.gap()), CLASSES)) {
      CamModelLayers layers = new CamModelLayers(m);
      String layer = layers.defaultLayer();
      long k = layers.layer(layer).shape()[0];
      int maskBatch = 4;
      int passes = (int) ((k + maskBatch - 1) / maskBatch);
      Recording model = new Recording(layers);
      new ScoreCam().maskBatch(maskBatch).batchSize(8).explain(model, eight, layer, TargetSelector.predicted());
      // one more forward pass for the model's channels-last check (image 0's first mask batch in NCHW too)
      assertThat(model.liveBytes).hasSize(8 * passes + 1);
      // one image's K masks at the input's size: what an image left behind would hold at the least
      long masks = k * SIZE * SIZE * Float.BYTES;
      long first = model.liveBytes.get(0); // image 0, first mask batch
      long last = model.liveBytes.get(7 * passes + 1); // image 7, first mask batch
      // what may stay: one row of K weights per earlier image
      assertThat(last - first).isLessThan(masks).isLessThanOrEqualTo(7 * k * Float.BYTES);
    }
  }

  /** All arrays under PyTorch's root manager (every base manager hangs from it). */
  static List<NDArray> liveArrays() {
    try (NDManager probe = NDManager.newBaseManager("PyTorch")) {
      return probe.getParentManager().getManagedArrays();
    }
  }

  static long liveBytes() {
    long bytes = 0;
    for (NDArray a : liveArrays()) {
      bytes += a.getShape().size() * a.getDataType().getNumOfBytes();
    }
    return bytes;
  }

  /** n 32×32 images: a red or blue square on dark noise. */
  static Dataset images(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int cls = i % 2;
      byte[] rgb = new byte[SIZE * SIZE * 3];
      for (int p = 0; p < rgb.length; p++) {
        rgb[p] = (byte) rng.nextInt(60);
      }
      int x0 = rng.nextInt(0, 22);
      int y0 = rng.nextInt(0, 22);
      for (int y = y0; y < y0 + 10; y++) {
        for (int x = x0; x < x0 + 10; x++) {
          rgb[(y * SIZE + x) * 3 + 2 * cls] = (byte) 230;
        }
      }
      samples.add(new Sample("i" + i, new RgbImage(SIZE, SIZE, rgb),
          List.of(new ObjectAnnotation(cls, new Box(x0, y0, x0 + 10, y0 + 10), Optional.empty()))));
    }
    return new Dataset("blobs", CLASSES, samples);
  }

  /** A model that records the bytes of all live arrays at each plain forward pass. */
  private static final class Recording extends ForwardingLayeredModel {
    final List<Long> liveBytes = new ArrayList<>();

    Recording(LayeredModel m) {
      super(m);
    }

    @Override
    public NDArray logits(NDManager scope, NDArray x) {
      liveBytes.add(liveBytes());
      return super.logits(scope, x);
    }
  }
}
