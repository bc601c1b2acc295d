package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --tau-data}: a folder whose classes differ from the training data's is refused in one line, before training. */
class TauDataCliTest {
  @TempDir Path tmp;

  @Test
  void aTauFolderWithOtherClassesIsRefusedBeforeTraining() throws Exception {
    Path data = tmp.resolve("data");
    assertThat(Camkit.execute("generate", "--out", data.toString(), "--image-size", "32", "--min-object-size", "8",
        "--max-object-size", "12", "--train-size", "12", "--val-size", "6", "--test-size", "2")).isZero();
    Path tau = tmp.resolve("tau");
    for (String cls : new String[] {"cat", "dog"}) {
      Files.createDirectories(tau.resolve(cls));
      ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "png", tau.resolve(cls).resolve("a.png").toFile());
    }
    Path out = tmp.resolve("run");
    ArchAndMultiLabelCliTest.assertOneLineError(new String[] {"train", "--data", data.toString(), "--tau-data",
        tau.toString(), "--out", out.toString(), "--epochs", "1"}, "--tau-data " + tau + " has classes [cat, dog]");
    assertThat(out.resolve("model")).doesNotExist();
  }
}
