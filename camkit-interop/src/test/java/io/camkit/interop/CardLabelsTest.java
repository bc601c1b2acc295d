package io.camkit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.CamkitException;
import io.camkit.interop.onnx.OnnxCard;
import io.camkit.interop.torchscript.TorchScriptCard;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both card kinds read class names from a labels file next to the card. */
class CardLabelsTest {
  @Test
  void aLabelsFileRelativeToTheCardGivesTheClasses(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("meta"));
    Files.writeString(dir.resolve("meta/labels.txt"), "# ImageNet subset\ntench\n\n goldfish \nshark\n");
    Files.writeString(dir.resolve("m.onnx.json"),
        "{\"height\": 32, \"width\": 24, \"mean\": [0.5,0.5,0.5], \"std\": [0.5,0.5,0.5], \"channels\": \"bgr\","
            + " \"labels\": \"meta/labels.txt\", \"forward\": [\"features\", \"logits\"]}");
    OnnxCard onnx = OnnxCard.read(dir.resolve("m.onnx.json"));
    assertThat(onnx.classes()).containsExactly("tench", "goldfish", "shark");
    assertThat(onnx.scaling().bgr()).isTrue();
    TorchScriptCard ts = TorchScriptCard.read(dir.resolve("m.onnx.json")); // the same file serves both
    assertThat(ts.classes()).containsExactly("tench", "goldfish", "shark");
    assertThat(ts.height()).isEqualTo(32);
  }

  @Test
  void aMissingLabelsFileIsNamed(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("c.json"), "{\"height\": 8, \"width\": 8, \"labels\": \"nope.txt\"}");
    assertThatThrownBy(() -> OnnxCard.read(dir.resolve("c.json"))).isInstanceOf(CamkitException.class)
        .hasMessageContaining("nope.txt");
  }

  @Test
  void bgrScalingSwapsChannelsBeforeTheRgbMeanAndStd() {
    InputScaling s = new InputScaling(1, 1, new float[] {0.1f, 0.2f, 0.3f}, new float[] {1, 2, 4}, true);
    float[] px = {0.9f, 0.6f, 0.5f}; // R, G, B
    s.scaleInPlace(px, 1);
    assertThat(px[0]).isEqualTo((0.5f - 0.3f) / 4); // B first, with B's mean and std
    assertThat(px[1]).isEqualTo((0.6f - 0.2f) / 2);
    assertThat(px[2]).isEqualTo((0.9f - 0.1f) / 1);
  }
}
