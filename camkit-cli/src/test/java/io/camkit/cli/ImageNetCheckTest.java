package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.camkit.core.testing.SharedData;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.io.ImageListFormat;
import io.camkit.evaluate.Evaluation;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import io.camkit.explain.method.Cam;
import io.camkit.interop.onnx.OnnxCard;
import io.camkit.interop.onnx.OnnxModel;
import io.camkit.interop.torchscript.TorchScriptCard;
import io.camkit.interop.torchscript.TorchScriptForwardModel;
import io.camkit.model.layers.LayeredModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ImageNet-pretrained models of {@code ../shared/data} on its 1300 annotated ILSVRC2012
 * validation images, against the Python cross-check recorded in their SOURCE.md: top-1, top-5 and
 * CAM GT-known localization (min-max of the raw map, τ = 0.4 for MobileNet, 0.15 for Darknet-tiny)
 * within 0.5 points, from the TorchScript files and from the ONNX files.
 */
@Tag("shared-data")
class ImageNetCheckTest {
  static Dataset data;

  @BeforeAll
  static void read() {
    Path dir = SharedData.root().resolve("data/imagenet_val_1300");
    data = ImageListFormat.read(dir, null).dataset();
    assertThat(data.size()).isEqualTo(1300);
  }

  static Evaluation.Result run(LayeredModel m, double tau) {
    return Evaluation.run(new Explainer(m, MapRequest.of(new Cam().batchSize(32)).withTau(tau).withRelu(false)), data);
  }

  @Test
  void mobileNetMatchesThePythonCrossCheck() {
    Path pt = SharedData.root().resolve("data/weights_mobilenet_v1_0.75_224/converted/mobilenet_v1_0.75_224.torchscript.pt");
    var card = new TorchScriptCard(224, 224, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}, null,
        null, List.of("features", "logits"), "classifier.weight", null);
    try (LayeredModel m = TorchScriptForwardModel.load(pt, card)) {
      Evaluation.Result r = run(m, 0.4);
      assertThat(r.metrics().top1Accuracy()).isCloseTo(0.768, within(0.005));
      assertThat(r.top5Accuracy()).isCloseTo(0.941, within(0.005));
      assertThat(r.metrics().gtKnownLocalization()).isCloseTo(0.588, within(0.005));
    }
  }

  static int[] darknetOrder(Path dir) throws Exception {
    int[] order = new int[1000];
    for (String line : Files.readAllLines(dir.resolve("darknet_to_standard_index.txt"))) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String[] f = line.trim().split("\\s+");
        order[Integer.parseInt(f[0])] = Integer.parseInt(f[1]);
      }
    }
    return order;
  }

  @Test
  void darknetTinyWithItsClassOrderMatchesThePythonCrossCheck() throws Exception {
    Path dir = SharedData.root().resolve("data/weights_darknet_tiny");
    int[] order = darknetOrder(dir);
    var card = new TorchScriptCard(224, 224, null, null, null, null, List.of("features", "logits"),
        "classifier.weight", order);
    try (LayeredModel m = TorchScriptForwardModel.load(dir.resolve("converted/darknet_tiny.torchscript.pt"), card)) {
      Evaluation.Result r = run(m, 0.15);
      assertThat(r.metrics().top1Accuracy()).isCloseTo(0.689, within(0.005));
      assertThat(r.top5Accuracy()).isCloseTo(0.895, within(0.005));
      assertThat(r.metrics().gtKnownLocalization()).isCloseTo(0.633, within(0.005));
    }
  }

  @Test
  void mobileNetFromOnnxMatchesThePythonCrossCheck() {
    Path onnx = SharedData.root().resolve("data/weights_mobilenet_v1_0.75_224/converted/mobilenet_v1_0.75_224.onnx");
    var card = OnnxCard.of(224, 224, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
    try (LayeredModel m = OnnxModel.load(onnx, card)) {
      assertThat(m.defaultLayer()).isEqualTo("features");
      Evaluation.Result r = run(m, 0.4);
      assertThat(r.metrics().top1Accuracy()).isCloseTo(0.768, within(0.005));
      assertThat(r.top5Accuracy()).isCloseTo(0.941, within(0.005));
      assertThat(r.metrics().gtKnownLocalization()).isCloseTo(0.588, within(0.005));
    }
  }

  @Test
  void darknetTinyFromOnnxWithItsClassOrderMatchesThePythonCrossCheck() throws Exception {
    Path dir = SharedData.root().resolve("data/weights_darknet_tiny");
    var card = OnnxCard.of(224, 224, null, null).withClassOrder(darknetOrder(dir));
    try (LayeredModel m = OnnxModel.load(dir.resolve("converted/darknet_tiny.onnx"), card)) {
      Evaluation.Result r = run(m, 0.15);
      assertThat(r.metrics().top1Accuracy()).isCloseTo(0.689, within(0.005));
      assertThat(r.top5Accuracy()).isCloseTo(0.895, within(0.005));
      assertThat(r.metrics().gtKnownLocalization()).isCloseTo(0.633, within(0.005));
    }
  }
}
