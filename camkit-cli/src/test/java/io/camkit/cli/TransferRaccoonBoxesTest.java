package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.testing.SharedData;
import io.camkit.model.supervised.SupervisedCard;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervised box head on a frozen pretrained backbone, on real photos: 60 raccoons (VOC boxes)
 * vs 20 other ImageNet photos (whole-frame boxes: they have none), seed 7, a third held out;
 * {@code train --backbone MobileNet --freeze --supervision boxes} on the cached features of its
 * default layer, then {@code evaluate} of the regressed boxes on the held-out raccoons beside the
 * centred-box baseline.
 */
@Tag("shared-data")
class TransferRaccoonBoxesTest {
  @TempDir Path tmp;

  @Test
  void boxHeadOnMobileNetFindsRaccoons() throws Exception {
    Path shared = SharedData.root().resolve("data");
    Path weights = shared.resolve("weights_mobilenet_v1_0.75_224/converted/mobilenet_v1_0.75_224.torchscript.pt");
    Path card = Path.of("..", "docs", "cards", "mobilenet_v1_0.75_224.json");
    Path data = tmp.resolve("data");
    Path run = tmp.resolve("run");
    assertThat(Camkit.execute("raccoon-data", "--raccoon", shared.resolve("raccoon").toString(), "--imagenet",
        shared.resolve("imagenet_val_1300").toString(), "--out", data.toString(), "--raccoons", "60", "--others", "20",
        "--test-fraction", "0.333", "--val-fraction", "0", "--seed", "7")).isZero();
    long t0 = System.nanoTime();
    assertThat(Camkit.execute("train", "--backbone", weights.toString(), "--card", card.toString(), "--freeze",
        "--supervision", "boxes", "--data", data.toString(), "--out", run.toString(), "--epochs", "30",
        "--batch-size", "16")).isZero();
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    SupervisedCard c = SupervisedCard.read(run.resolve("model"));
    assertThat(c.backbone().featureShape()).hasSize(3);

    Path eval = tmp.resolve("eval");
    assertThat(Camkit.execute("evaluate", "--model", run.resolve("model").toString(), "--data",
        data.resolve("test-raccoon").toString(), "--out", eval.toString())).isZero();
    JsonNode m = new ObjectMapper().readTree(eval.resolve("metrics.json").toFile()).get("metrics");
    double gtKnown = m.get("gtKnownLocalization").asDouble();
    double centred = m.get("centredBaseline").asDouble();
    System.out.printf("box head on MobileNet: GT-known %.4f (centred box %.4f), mean IoU %.4f, %d test raccoons,"
        + " train %.1f s%n", gtKnown, centred, m.get("meanIou").asDouble(), m.get("images").asInt(), trainSeconds);
    assertThat(m.get("images").asInt()).isEqualTo(20);
    assertThat(gtKnown).isGreaterThanOrEqualTo(FLOOR_GT_KNOWN);
  }

  // measured 0.65 GT-known, the centred box also 0.65, mean IoU 0.57 (20 test raccoons; 38 s of training on the
  // loaded VM, load ≈ 10): on 53 training images the head learns the raccoons' central prior, no more
  static final double FLOOR_GT_KNOWN = 0.45;
}
