package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code camkit spark} from the plain CLI, whose class path has no Spark (camkit-spark's Spark is
 * provided): each mistake is one line, never a stack trace. The job itself is tested in
 * camkit-spark against {@code camkit evaluate}'s figures.
 */
class SparkCommandTest {
  @Test
  void withoutSparkOnTheClassPathTheCommandSaysHowToGetIt() {
    String[] err = new String[1];
    int code = run(err, "spark", "evaluate", "--model", "m", "--data", "d", "--out", "o");
    assertThat(code).isEqualTo(Camkit.USER_ERROR);
    assertThat(err[0].strip().lines()).singleElement().asString()
        .startsWith("camkit: Apache Spark is not on the class path: build it with")
        .contains("-Pspark").contains("spark-submit");
  }

  @Test
  void optionsItCannotHonourAreRefusedBeforeSparkStarts() {
    String[] err = new String[1];
    assertThat(run(err, "spark", "localize", "--model", "m", "--data", "d", "--out", "o", "--tta", "flip"))
        .isEqualTo(Camkit.USER_ERROR);
    assertThat(err[0].strip()).isEqualTo("camkit: --tta is not available in camkit spark yet");
    assertThat(run(err, "spark", "localize", "--model", "m", "--out", "o")).isEqualTo(Camkit.USER_ERROR);
    assertThat(err[0].strip().lines()).singleElement().asString().contains("--data");
  }

  private static int run(String[] err, String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      return Camkit.execute(args);
    } finally {
      System.setErr(old);
      err[0] = buf.toString(StandardCharsets.UTF_8);
    }
  }
}
