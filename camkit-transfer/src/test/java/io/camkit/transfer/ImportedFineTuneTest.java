package io.camkit.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.core.testing.SharedData;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.dataset.Split;
import io.camkit.dataset.io.CubFormat;
import io.camkit.interop.Models;
import io.camkit.model.HeadOptions;
import io.camkit.model.layers.LayeredModel;
import io.camkit.model.train.TrainOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning the TorchScript and the ONNX MobileNet v1 0.75 of {@code
 * ../shared/data/weights_mobilenet_v1_0.75_224} on 8 photos of two CUB-200 species: one epoch of
 * the head, one fine-tuning epoch (2 steps of 4 images) with the last groups unfrozen.
 *
 * <p>The saved module is compared with the imported one tensor storage by tensor storage (a
 * TorchScript file is a zip whose {@code data/N} entries are the raw storages): exactly the trained
 * tensors differ, {@code features.92.weight} (the last pointwise conv) and {@code features.93}'s
 * weight and bias (its batch norm's γ, β); every other storage, the batch norms' running means and
 * variances and their {@code num_batches_tracked} included, is byte for byte the imported one. Had
 * batch norm run in train mode, the running statistics of all 27 batch norms would have moved.
 */
@Tag("shared-data")
class ImportedFineTuneTest {
  @TempDir Path tmp;

  @Test
  void fineTuningKeepsRunningStatisticsChangesTheTrainedWeightsAndLeavesTheFileAlone() throws Exception {
    Path data = SharedData.root().resolve("data");
    Path pt = data.resolve("weights_mobilenet_v1_0.75_224/converted/mobilenet_v1_0.75_224.torchscript.pt");
    Path card = Path.of("..", "docs", "cards", "mobilenet_v1_0.75_224.json");
    String shaBefore = TransferCard.sha256(pt);
    Dataset train = eightBirds(data);
    // before any training, the trainable copy computes exactly the features camkit explains with
    try (LayeredModel imported = Models.open(pt, card);
        TorchScriptTrunk trunk = TorchScriptTrunk.open(pt, io.camkit.interop.torchscript.TorchScriptCard.read(card),
            "features", 2);
        NDManager scope = NDManager.newBaseManager()) {
      NDArray x = imported.input(scope, List.of(train.get(0).image(), train.get(5).image()));
      float[] want = imported.features(scope, x, "features").toFloatArray();
      float[] got = trunk.forward(new ai.djl.training.ParameterStore(scope, false), new ai.djl.ndarray.NDList(x), false)
          .singletonOrThrow().toFloatArray();
      assertThat(got).containsExactly(want);
    }
    TrainOptions t = new TrainOptions(1, 4, 1e-2f, 0f, 0, false, 0, 3L);
    TransferOptions o = new TransferOptions(null, HeadOptions.gap(), t, false, 1, 0.5, 2, 256);
    TransferTrainer.Result r = TransferTrainer.train(pt, card, train, new Dataset("none", train.classes(), List.of()),
        o, tmp.resolve("run"), TransferTrainer.Listener.NONE);

    assertThat(TransferCard.sha256(pt)).as("the imported file is only read").isEqualTo(shaBefore);
    assertThat(r.card().origin().sha256()).isEqualTo(shaBefore);
    assertThat(r.card().backbone().path()).isEqualTo(TransferTrainer.FINE_TUNED_TORCHSCRIPT);
    assertThat(r.card().fineTune().trainedGroups()).containsExactly("features.92", "features.93");
    assertThat(r.card().fineTune().batchNorm()).isEqualTo("running statistics (eval mode)");
    Path tuned = r.modelDir().resolve(TransferTrainer.FINE_TUNED_TORCHSCRIPT);

    Map<String, Integer> original = storages(pt);
    Map<String, Integer> saved = storages(tuned);
    List<Integer> changedSizes = new ArrayList<>();
    int same = 0;
    for (Map.Entry<String, Integer> e : saved.entrySet()) {
      if (original.containsKey(e.getKey())) {
        same++;
      } else {
        changedSizes.add(e.getValue());
      }
    }
    // features.92.weight: 768·768 floats; features.93 weight and bias: 768 floats each
    assertThat(changedSizes).containsExactlyInAnyOrder(768 * 768 * 4, 768 * 4, 768 * 4);
    assertThat(saved).hasSameSizeAs(original); // the same tensors (identical storages counted once)
    assertThat(same).isEqualTo(original.size() - 3);

    // the folder reopens self-contained: its backbone is the fine-tuned copy, whose features moved
    try (LayeredModel m = Models.open(r.modelDir()); LayeredModel imported = Models.open(pt, card)) {
      assertThat(((TransferModel) m).backbone().description()).isEqualTo(TransferTrainer.FINE_TUNED_TORCHSCRIPT);
      assertThat(m.layers().get(0).kind()).contains("fine-tuned backbone");
      float[] a = features(m, train);
      float[] b = features(imported, train);
      assertThat(a).hasSameSizeAs(b).isNotEqualTo(b);
      try (NDManager scope = NDManager.newBaseManager()) {
        assertThat(m.logits(scope, m.input(scope, List.of(train.get(0).image()))).getShape().get(1)).isEqualTo(2);
      }
    }
  }

  static float[] features(LayeredModel m, Dataset d) {
    try (NDManager scope = NDManager.newBaseManager()) {
      NDArray x = m.input(scope, d.samples().stream().map(Sample::image).toList());
      return m.features(scope, x, "features").toFloatArray();
    }
  }

  /** sha256 of each tensor storage ({@code …/data/N} entry) of a TorchScript zip → its size in bytes. */
  static Map<String, Integer> storages(Path file) throws IOException, java.security.NoSuchAlgorithmException {
    Map<String, Integer> out = new HashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (ZipEntry e : java.util.Collections.list(zip.entries())) {
        if (!e.getName().matches(".*/data/\\d+")) {
          continue;
        }
        try (InputStream in = zip.getInputStream(e)) {
          byte[] b = in.readAllBytes();
          out.put(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)), b.length);
        }
      }
    }
    return out;
  }

  @Test
  void onnxFineTuningTrainsTheLastConvOnlyAndWritesACopy() throws Exception {
    Path data = SharedData.root().resolve("data");
    Path onnx = data.resolve(ONNX);
    Path card = onnxCard();
    String shaBefore = TransferCard.sha256(onnx);
    Dataset train = eightBirds(data);
    TrainOptions t = new TrainOptions(1, 4, 1e-2f, 0f, 0, false, 0, 3L);
    TransferOptions o = new TransferOptions(null, HeadOptions.gap(), t, false, 1, 0.5, 1, 256);
    TransferTrainer.Result r = TransferTrainer.train(onnx, card, train, new Dataset("none", train.classes(), List.of()),
        o, tmp.resolve("onnx"), TransferTrainer.Listener.NONE);

    assertThat(TransferCard.sha256(onnx)).as("the imported file is only read").isEqualTo(shaBefore);
    assertThat(r.card().backbone().path()).isEqualTo(TransferTrainer.FINE_TUNED_ONNX);
    assertThat(r.card().fineTune().trainedGroups()).containsExactly("conv_pw_13");
    io.camkit.interop.onnx.OnnxGraph before = io.camkit.interop.onnx.OnnxGraph.read(onnx);
    io.camkit.interop.onnx.OnnxGraph after = io.camkit.interop.onnx.OnnxGraph.read(
        r.modelDir().resolve(TransferTrainer.FINE_TUNED_ONNX));
    List<String> changed = new ArrayList<>();
    for (var init : before.model().getGraph().getInitializerList()) {
      if (init.getDataType() == 1 && !java.util.Arrays.equals(before.floats(init.getName()),
          after.floats(init.getName()))) {
        changed.add(init.getName());
      }
    }
    assertThat(changed).containsExactlyInAnyOrder("conv_pw_13.weight", "conv_pw_13.bias");
    // reopened in ONNX Runtime from the folder alone; its features moved from the imported model's
    try (LayeredModel m = Models.open(r.modelDir());
        LayeredModel imported = Models.open(onnx, card)) {
      assertThat(features(m, train)).isNotEqualTo(features(imported, train));
    }
  }

  /**
   * {@code --remove-last-stride} on the ONNX MobileNet: its last stride-2 depthwise conv ({@code
   * conv_dw_13}, 14 → 7) runs at stride 1, so the head reads 14×14 maps; the edited copy is saved
   * in the model folder and reopens from it alone, and the imported file is only read.
   */
  @Test
  void onnxWithoutItsLastStrideGivesMapsTwiceAsFine() throws Exception {
    Path data = SharedData.root().resolve("data");
    Path onnx = data.resolve(ONNX);
    Path card = onnxCard();
    String shaBefore = TransferCard.sha256(onnx);
    Dataset train = eightBirds(data);
    TrainOptions t = new TrainOptions(1, 4, 1e-2f, 0f, 0, false, 0, 3L);
    TransferOptions o = new TransferOptions(null, HeadOptions.gap(), t, false, 0, 0.5, 0, 256)
        .withRemoveLastStride(true);
    TransferTrainer.Result r = TransferTrainer.train(onnx, card, train, new Dataset("none", train.classes(), List.of()),
        o, tmp.resolve("destrided"), TransferTrainer.Listener.NONE);
    assertThat(TransferCard.sha256(onnx)).as("the imported file is only read").isEqualTo(shaBefore);
    assertThat(r.card().featureShape()).containsExactly(768, 14, 14);
    assertThat(r.card().strideRemoved()).contains("at stride 1 (was [2, 2])");
    assertThat(r.card().origin().sha256()).isEqualTo(shaBefore);
    assertThat(r.card().backbone().path()).isEqualTo(TransferTrainer.FINE_TUNED_ONNX);
    try (LayeredModel m = Models.open(r.modelDir()); NDManager scope = NDManager.newBaseManager()) {
      NDArray x = m.input(scope, List.of(train.get(0).image()));
      assertThat(m.features(scope, x, "features").getShape().getShape()).containsExactly(1, 768, 14, 14);
      assertThat(m.logits(scope, x).getShape().getShape()).containsExactly(1, 2);
    }
  }

  private static final String ONNX = "weights_mobilenet_v1_0.75_224/converted/mobilenet_v1_0.75_224.onnx";

  /** The ONNX MobileNet's card: 224×224, pixels scaled to [−1, 1]. */
  private Path onnxCard() throws IOException {
    Path card = tmp.resolve("mobilenet.json");
    Files.writeString(card, "{\"height\": 224, \"width\": 224, \"mean\": [0.5, 0.5, 0.5], \"std\": [0.5, 0.5, 0.5]}");
    return card;
  }

  static Dataset eightBirds(Path data) {
    Dataset birds = CubFormat.read(data.resolve("cub200_dev10"), Split.TRAIN,
        new CubFormat.Selection(Set.of(2, 29), 0, 0), false).dataset();
    List<Sample> eight = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      int cls = c;
      eight.addAll(birds.samples().stream().filter(s -> s.label() == cls).limit(4).toList());
    }
    return new Dataset("birds", birds.classes(), eight);
  }
}
