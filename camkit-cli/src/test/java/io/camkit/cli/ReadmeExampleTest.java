package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java example of the README, exactly as written there: cut out of README.md, compiled against
 * camkit's classes and run on a tiny trained model, so the example cannot rot.
 */
class ReadmeExampleTest {
  @TempDir Path tmp;

  /** The fenced java block after {@code <!-- example:NAME -->} in the README. */
  static String example(String name) throws Exception {
    Path readme = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "README.md");
    if (!Files.exists(readme)) {
      readme = Path.of("..", "README.md");
    }
    Matcher m = Pattern.compile("<!-- example:" + name + " -->\\s*```java\\n(.*?)```", Pattern.DOTALL)
        .matcher(Files.readString(readme));
    assertThat(m.find()).as("README.md holds the example " + name).isTrue();
    return m.group(1);
  }

  @Test
  void theReadmeExampleCompilesAndRunsAsWritten() throws Exception {
    Path data = TinyRuns.generateAndTrain(tmp, 120, 12, 10);

    Path src = tmp.resolve("src/ExplainAndEvaluate.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, example("ExplainAndEvaluate"));
    Path classes = tmp.resolve("classes");
    Files.createDirectories(classes);
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = javac.run(null, null, diagnostics, "-proc:none", "-cp", classpath, "-d", classes.toString(),
        src.toString());
    assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

    Path out = tmp.resolve("explained");
    PrintStream old = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        getClass().getClassLoader())) {
      Method main = loader.loadClass("ExplainAndEvaluate").getMethod("main", String[].class);
      main.invoke(null, (Object) new String[] {tmp.resolve("run/model").toString(),
          data.resolve("test/images").toString(), data.resolve("test").toString(), out.toString()});
    } finally {
      System.setOut(old);
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    List<Path> images;
    try (var s = Files.list(data.resolve("test/images"))) {
      images = s.filter(p -> p.toString().endsWith(".png")).toList();
    }
    assertThat(images).hasSize(10);
    for (Path p : images) {
      String stem = p.getFileName().toString().replace(".png", "");
      assertThat(out.resolve(stem + "-cam.png")).isNotEmptyFile();
      assertThat(out.resolve(stem + "-mask.png")).isNotEmptyFile();
      assertThat(Files.readString(out.resolve(stem + ".json"))).contains("\"method\" : \"gradcam\"");
      assertThat(text).contains(p.getFileName().toString() + ": ");
    }
    assertThat(text).contains("GT-known localization (IoU ≥ 0.5, τ = 0.20)").contains("| images | 10 |");
  }
}
