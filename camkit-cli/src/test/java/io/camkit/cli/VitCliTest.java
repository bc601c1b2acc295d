package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.core.testing.SharedData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code camkit layers} on the tiny vision transformers of {@code ../shared/refs/vit} (copied with
 * a card beside them): the token layer is listed as a map with its grid, and the grid options.
 */
@Tag("shared-data")
class VitCliTest {
  @TempDir static Path tmp;

  @BeforeAll
  static void copy() throws Exception {
    for (String m : new String[] {"vit_gap", "vit_cls"}) {
      Files.copy(SharedData.ref("vit/" + m + ".onnx"), tmp.resolve(m + ".onnx"));
      Files.writeString(tmp.resolve(m + ".json"), "{\"height\": 64, \"width\": 64}");
      Files.copy(SharedData.ref("vit/" + m + ".torchscript.pt"), tmp.resolve(m + ".pt"));
      Files.writeString(tmp.resolve(m + ".pt.json"), "{\"height\": 64, \"width\": 64, \"splits\": [{\"layer\":"
          + " \"tokens\", \"features\": \"features\", \"head\": \"head\"}]}");
    }
  }

  @Test
  void layersMarksTokenLayersWithTheirGrid() {
    String cls = ExplainCommandsTest.run(0, "layers", tmp.resolve("vit_cls.onnx").toString())[0];
    assertThat(cls).contains("vit_cls.onnx: input 3×64×64, 10 classes");
    assertThat(cls).containsPattern("tokens\\s+32×8×8\\s+-\\s+yes\\s+ONNX Add, tokens 65 → 1 class token \\+ 8×8 patch"
        + " tokens .*\\(auto: gradient methods\\)");
    // the int64 shape tensors are not layers (ONNX Runtime refused them declared as float)
    assertThat(cls).doesNotContain("Shape_output");
    String gap = ExplainCommandsTest.run(0, "layers", tmp.resolve("vit_gap.pt").toString())[0];
    assertThat(gap).containsPattern("tokens\\s+32×8×8\\s+-\\s+yes\\s+TorchScript features/head, tokens 64 → 8×8"
        + " patch tokens .*\\(auto: gradient methods\\)");
  }

  @Test
  void aGridThatDoesNotFitIsOneLine() {
    String err = ExplainCommandsTest.run(2, "layers", tmp.resolve("vit_cls.pt").toString(), "--tokens", "8x8",
        "--class-tokens", "0")[1];
    assertThat(err.strip()).isEqualTo("camkit: layer 'tokens' has 65 tokens, not 0 class tokens + 8×8 patches");
    String ok = ExplainCommandsTest.run(0, "layers", tmp.resolve("vit_cls.pt").toString(), "--tokens", "8x8")[0];
    assertThat(ok).contains("tokens 65 → 1 class token + 8×8 patch tokens");
  }

  @Test
  void gradCamLocalizesWithTheClassTokenModel() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("images"));
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | ((x + y) * 2));
      }
    }
    ImageIO.write(img, "png", images.resolve("a.png").toFile());
    Path out = tmp.resolve("out");
    ExplainCommandsTest.run(0, "localize", "--model", tmp.resolve("vit_cls.onnx").toString(), "--method", "gradcam",
        images.toString(), "--out", out.toString());
    assertThat(Files.readString(out.resolve("a.json"))).contains("\"layer\" : \"tokens\"");
  }
}
