package io.camkit.cli;

import static io.camkit.cli.ArchAndMultiLabelCliTest.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.Box;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.model.supervised.SupervisedCard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --supervision boxes|masks} round trips on a tiny generated benchmark: train, the card
 * read back, evaluate (the same figures as CAM's, "–" where a box head has none), localize; the
 * box head on a frozen backbone (a tiny camkit model folder); and the option checks, each one line
 * with exit code 2 before any work.
 */
class SupervisedCliTest {
  @TempDir static Path tmp;
  static Path data;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void generate() {
    data = TinyRuns.generateAndTrain(tmp, 24, 8, 8); // the benchmark, and a camnet in tmp/run/model (a backbone)
  }

  private static JsonNode read(Path file) throws Exception {
    return JSON.readTree(file.toFile());
  }

  @Test
  void boxHeadTrainsEvaluatesAndLocalizes() throws Exception {
    Path run = tmp.resolve("boxes");
    String out = ArchAndMultiLabelCliTest.captureOut(() -> assertThat(Camkit.execute("train", "--data",
        data.toString(), "--out", run.toString(), "--supervision", "boxes", "--box-alpha", "0.7", "--box-loss", "giou",
        "--epochs", "2", "--width", "4", "--feature-maps", "8")).isZero());
    assertThat(out).contains("box head epoch 2/2").contains("validation (8 images)");
    Path model = run.resolve("model");
    SupervisedCard card = SupervisedCard.read(model);
    assertThat(card.supervision()).isEqualTo("boxes");
    assertThat(card.net().width()).isEqualTo(4);
    assertThat(card.training().alpha()).isEqualTo(0.7f);
    assertThat(card.training().boxLoss()).isEqualTo("giou");
    assertThat(card.losses()).hasSize(2);
    assertThat(card.classes()).hasSize(6);

    Path eval = tmp.resolve("boxes-eval");
    String table = ArchAndMultiLabelCliTest.captureOut(() -> assertThat(Camkit.execute("evaluate", "--model",
        model.toString(), "--data", data.resolve("test").toString(), "--out", eval.toString())).isZero());
    assertThat(table).contains("GT-known localization (IoU ≥ 0.5, regressed box)")
        .contains("box accuracy at IoU 0.3 / 0.5 / 0.7").contains("baseline: centred box")
        .contains("| MaxBoxAcc, MaxBoxAccV2, τ* | – (no map, no τ) |").doesNotContain("NaN");
    JsonNode m = read(eval.resolve("metrics.json"));
    assertThat(m.get("provenance").get("supervision").asText()).isEqualTo("boxes");
    assertThat(m.get("metrics").get("images").asInt()).isEqualTo(8);
    assertThat(m.get("metrics").get("gtKnownLocalization").asDouble()).isBetween(0.0, 1.0);
    assertThat(m.get("metrics").get("boxAccuracy")).hasSize(3);
    assertThat(m.get("metrics").get("centredBaseline").asDouble()).isBetween(0.0, 1.0);
    assertThat(m.get("images")).hasSize(8);
    assertThat(Files.readString(eval.resolve("report.md"))).contains("no τ to sweep");

    Path loc = tmp.resolve("boxes-loc");
    assertThat(Camkit.execute("localize", "--model", model.toString(), "--out", loc.toString(),
        data.resolve("test/images").toString())).isZero();
    JsonNode all = read(loc.resolve("localizations.json"));
    assertThat(all).hasSize(8);
    assertThat(all.get(0).get("box")).hasSize(4);
    assertThat(all.get(0).get("predictions")).hasSize(6);
    String stem = all.get(0).get("image").asText().replaceFirst(".*/", "").replaceFirst("\\.[^.]*$", "");
    assertThat(loc.resolve(stem + "-box.png")).exists();
    // a supervised model has no CAM methods to compare
    assertOneLineError(new String[] {"evaluate", "--model", model.toString(), "--data", data.resolve("test").toString(),
        "--out", tmp.resolve("m").toString(), "--method", "gradcam"}, "--method does not apply");
  }

  @Test
  void segmenterTrainsEvaluatesWithMasksAndLocalizes() throws Exception {
    Path run = tmp.resolve("masks");
    String out = ArchAndMultiLabelCliTest.captureOut(() -> assertThat(Camkit.execute("train", "--data",
        data.toString(), "--out", run.toString(), "--supervision", "masks", "--seg-arch", "fcn", "--seg-width", "4",
        "--seg-depth", "2", "--epochs", "1")).isZero());
    assertThat(out).contains("segmenter epoch 1/1").contains("for the masks on the validation split");
    Path model = run.resolve("model");
    SupervisedCard card = SupervisedCard.read(model);
    assertThat(card.supervision()).isEqualTo("masks");
    assertThat(card.segmenter().variant()).isEqualTo("fcn");
    assertThat(card.tau()).isBetween(0.0, 1.0);

    Path eval = tmp.resolve("masks-eval");
    String table = ArchAndMultiLabelCliTest.captureOut(() -> assertThat(Camkit.execute("evaluate", "--model",
        model.toString(), "--data", data.resolve("test").toString(), "--out", eval.toString())).isZero());
    assertThat(table).contains("PxAP").contains("mIoU").contains("MaxBoxAccV2").contains("baseline: centred box");
    JsonNode m = read(eval.resolve("metrics.json"));
    assertThat(m.get("metrics").get("pxap").asDouble()).isBetween(0.0, 1.0);
    assertThat(m.get("masks").get("mIoU").asDouble()).isBetween(0.0, 1.0);
    assertThat(m.get("metrics").get("tau").asDouble()).isEqualTo(card.tau());

    Path loc = tmp.resolve("masks-loc");
    assertThat(Camkit.execute("localize", "--model", model.toString(), "--out", loc.toString(), "--tau", "0.3",
        data.resolve("test/images").toString())).isZero();
    JsonNode all = read(loc.resolve("localizations.json"));
    assertThat(all).hasSize(8);
    assertThat(all.get(0).get("tau").asDouble()).isEqualTo(0.3);
    String stem = all.get(0).get("image").asText().replaceFirst(".*/", "").replaceFirst("\\.[^.]*$", "");
    assertThat(loc.resolve(stem + "-mask.png")).exists();
  }

  @Test
  void boxHeadOnAFrozenBackbone() throws Exception {
    Path run = tmp.resolve("transfer-boxes");
    assertThat(Camkit.execute("train", "--backbone", tmp.resolve("run/model").toString(), "--freeze", "--data",
        data.toString(), "--out", run.toString(), "--supervision", "boxes", "--epochs", "2")).isZero();
    SupervisedCard card = SupervisedCard.read(run.resolve("model"));
    assertThat(card.net()).isNull();
    assertThat(card.backbone().layer()).isNotBlank();
    assertThat(card.backbone().featureShape()).hasSize(3);
    assertThat(run.resolve("features/train.bin")).exists();
    Path eval = tmp.resolve("transfer-boxes-eval");
    assertThat(Camkit.execute("evaluate", "--model", run.resolve("model").toString(), "--data",
        data.resolve("test").toString(), "--out", eval.toString())).isZero();
    JsonNode m = read(eval.resolve("metrics.json"));
    assertThat(m.get("provenance").get("description").asText()).contains("frozen backbone");
    assertThat(m.get("metrics").get("images").asInt()).isEqualTo(8);
  }

  @Test
  void badOptionsAndDataFailInOneLine() throws Exception {
    Path out = tmp.resolve("refused");
    String[] base = {"train", "--data", data.toString(), "--out", out.toString(), "--supervision", "boxes"};
    assertOneLineError(concat(base, "--box-alpha", "0"), "option --box-alpha = 0.0 is out of range (allowed: (0, 1])");
    assertOneLineError(concat(base, "--box-alpha", "1.5"), "--box-alpha = 1.5");
    assertOneLineError(concat(base, "--box-loss", "l2"), "--box-loss = l2");
    assertOneLineError(new String[] {"train", "--data", data.toString(), "--out", out.toString(), "--supervision",
        "points"}, "--supervision = points");
    assertOneLineError(concat(base, "--pooling", "wildcat"), "--pooling, --arch and --wsol do not apply");
    assertOneLineError(concat(base, "--tau-data", data.resolve("val").toString()), "--tau-data does not apply");
    assertOneLineError(concat(base, "--resume"), "no checkpoints to resume");
    assertOneLineError(new String[] {"train", "--data", data.toString(), "--out", out.toString(), "--supervision",
        "masks", "--seg-arch", "segnet"}, "--seg-arch = segnet");
    assertOneLineError(new String[] {"train", "--data", data.toString(), "--out", out.toString(), "--supervision",
        "masks", "--backbone", tmp.resolve("run/model").toString(), "--freeze"}, "a segmenter trains from scratch");
    assertThat(out.resolve("model")).doesNotExist();

    // data without boxes (class folders, no VOC XML: the whole frame) and without masks
    Path folders = tmp.resolve("folders");
    for (String c : List.of("a", "b")) {
      Files.createDirectories(folders.resolve(c));
      for (int i = 0; i < 3; i++) {
        io.camkit.core.ImageFiles.writePng(new RgbImage(16, 16, new byte[16 * 16 * 3]).toBufferedImage(),
            folders.resolve(c).resolve(c + i + ".png"));
      }
    }
    assertOneLineError(new String[] {"train", "--data", folders.toString(), "--out", out.toString(), "--supervision",
        "boxes"}, "--supervision boxes needs box annotations");
    Path noMasks = tmp.resolve("no-masks");
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      samples.add(new Sample("s" + i, new RgbImage(16, 16, new byte[16 * 16 * 3]),
          List.of(new ObjectAnnotation(i % 2, new Box(2, 2, 9, 9), Optional.empty()))));
    }
    CocoFormat.write(new Dataset("no-masks", List.of("a", "b"), samples), noMasks.resolve("train"));
    assertOneLineError(new String[] {"train", "--data", noMasks.toString(), "--out", out.toString(), "--supervision",
        "masks"}, "--supervision masks needs object masks");
    assertThat(out.resolve("model")).doesNotExist();
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
