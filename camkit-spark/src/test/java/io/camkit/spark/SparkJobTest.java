package io.camkit.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.CamkitException;
import io.camkit.core.testing.TestImages;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.io.DatasetFolders;
import io.camkit.evaluate.Evaluation;
import io.camkit.interop.Models;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code camkit spark} in local mode against {@code camkit evaluate}'s library path on the same model and images. */
class SparkJobTest {
  @TempDir static Path tmp;

  static SparkSession spark;
  /** {@code Evaluation.run} (what {@code camkit evaluate} runs) on the same folder and model, per method. */
  static Map<String, Evaluation.Result> plain = new TreeMap<>();

  @BeforeAll
  static void setUp() {
    spark = SharedSpark.session();
    Dataset data = DatasetFolders.read(SharedSpark.data()).dataset();
    try (LayeredModel m = Models.open(SharedSpark.model())) {
      for (String method : List.of("cam", "gradcam")) {
        plain.put(method, Evaluation.run(new Explainer(m, MapRequest.of(method)), data));
      }
    }
  }

  static SparkJob.Settings settings(SparkJob.Mode mode, Object data, Path out, int partitions, String... methods) {
    return new SparkJob.Settings(mode, SharedSpark.model().toString(), null, List.of(methods), null, null, true,
        data.toString(), out.toString(), partitions, false, false, SparkJob.DEFAULT_MAX_BYTES, null);
  }

  /** Executors started by Spark get glibc's allocator settings that the camkit launcher exports. */
  @Test
  void executorsGetTheAllocatorSettings() {
    var conf = spark.sparkContext().getConf();
    io.camkit.core.NativeAllocator.SETTINGS.forEach((name, value) ->
        assertThat(conf.get(SparkSessions.EXECUTOR_ENV + name)).isEqualTo(value));
  }

  @Test
  void evaluateEqualsCamkitEvaluateToTheLastDigit() throws Exception {
    Path out = tmp.resolve("eval");
    SparkJob.Summary s = SparkJob.run(spark, settings(SparkJob.Mode.EVALUATE, SharedSpark.data(), out, 3,
        "cam", "gradcam"));

    assertThat(s.files()).isEqualTo(24);
    assertThat(s.errors()).isZero();
    assertThat(s.annotated()).isEqualTo(24);
    for (int m = 0; m < 2; m++) {
      SparkJob.MethodSummary ms = s.methods().get(m);
      Evaluation.Result r = plain.get(ms.method());
      assertThat(ms.metrics()).as(ms.method()).isEqualTo(r.metrics()); // every double, exactly
      assertThat(ms.top5Accuracy()).isEqualTo(r.top5Accuracy());
    }
    // the figures are not trivial ones that any order of adding would give
    assertThat(plain.get("cam").metrics().meanIou()).isStrictlyBetween(0.0, 1.0);
    assertThat(plain.get("cam").metrics().maskedImages()).isEqualTo(24);
    assertThat(out.resolve("summary.json")).exists();
    assertThat(Files.readString(out.resolve("summary.md"))).contains("MaxBoxAcc").contains("PxAP");
    assertThat(out.resolve("rows.parquet/_SUCCESS")).exists();

    // each row's boxes and IoUs are the image's outcome in camkit evaluate
    Map<String, Row> rows = byPath(spark.read().parquet(out.resolve("rows.parquet").toString()));
    for (var o : plain.get("cam").outcomes()) {
      Row row = rows.values().stream().filter(r -> o.id().equals(r.getAs("id"))).findFirst().orElseThrow();
      Row cam = row.<Row>getList(row.fieldIndex("methods")).get(0);
      assertThat(cam.<Double>getAs("gt_known_iou")).isEqualTo(o.gtKnownIou());
      assertThat(cam.<String>getAs("class")).isEqualTo(plain.get("cam").outcomes().isEmpty() ? null
          : row.<List<String>>getList(row.fieldIndex("top_classes")).get(0));
    }
  }

  @Test
  void aHostileFolderGivesOneRowPerFileWithItsErrorAndTheSameMetricsOverTheGoodOnes() throws Exception {
    Path data = tmp.resolve("hostile");
    copy(SharedSpark.data(), data);
    Path images = data.resolve("images");
    BufferedImage scene = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(7);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        scene.setRGB(x, y, random.nextInt(1 << 24)); // noise: most of the JPEG is scan data, cut in the middle
      }
    }
    byte[] jpg = encode(scene, "jpg");
    Files.write(images.resolve("truncated.jpg"), Arrays.copyOf(jpg, jpg.length / 2));
    Files.write(images.resolve("zero.png"), new byte[0]);
    byte[] noise = new byte[2000];
    random.nextBytes(noise);
    Files.write(images.resolve("random.jpg"), noise);
    Files.write(images.resolve("png-named.jpg"), encode(scene, "png"));
    Files.write(images.resolve("bomb.png"), TestImages.pngHeader(100_000, 100_000));
    Files.writeString(images.resolve("notes.txt"), "not an image: passed over");
    Path out = tmp.resolve("hostile-out");

    SparkJob.Summary s = SparkJob.run(spark, settings(SparkJob.Mode.EVALUATE, data, out, 2, "cam"));

    Map<String, Row> rows = byPath(spark.read().parquet(out.resolve("rows.parquet").toString()));
    assertThat(rows).hasSize(24 + 5); // the text file is a companion, not an image
    assertThat(s.files()).isEqualTo(29);
    Map<String, String> errors = new TreeMap<>();
    rows.forEach((name, r) -> {
      if (r.getAs("error") != null) {
        errors.put(name, r.getAs("error"));
      }
    });
    assertThat(errors.keySet()).containsExactly("bomb.png", "random.jpg", "zero.png");
    assertThat(s.errors()).isEqualTo(3);
    assertThat(s.partial()).isEqualTo(1);
    assertThat(errors.get("zero.png")).isEqualTo("not a readable image (empty file)");
    assertThat(errors.get("random.jpg")).isEqualTo("not a readable image (unknown or corrupt format)");
    assertThat(errors.get("bomb.png")).startsWith("image of 100000x100000 pixels is over the");
    Row truncated = row(rows, "truncated.jpg");
    assertThat(truncated.<String>getAs("error")).isNull();
    assertThat(truncated.<String>getAs("warning")).startsWith("damaged image, decoded only in part");
    assertThat(truncated.<Integer>getAs("width")).isEqualTo(40);
    Row pngNamedJpg = row(rows, "png-named.jpg");
    assertThat(pngNamedJpg.<String>getAs("error")).isNull();
    assertThat(pngNamedJpg.<String>getAs("id")).isNull(); // not annotated: explained, not scored
    assertThat(pngNamedJpg.getList(pngNamedJpg.fieldIndex("top_classes"))).hasSize(5);
    // the metrics are those of the 24 annotated images
    assertThat(s.annotated()).isEqualTo(24);
    assertThat(s.methods().get(0).metrics()).isEqualTo(plain.get("cam").metrics());
  }

  @Test
  void aTaskThatFailsOnceIsRetriedAndEachImageIsWrittenOnce() throws Exception {
    Path out = tmp.resolve("retry");
    int before = ImageTask.INJECTED.get();
    System.setProperty(ImageTask.FAIL_FIRST_ATTEMPT, "true");
    SparkJob.Summary s;
    try {
      s = SparkJob.run(spark, settings(SparkJob.Mode.EVALUATE, SharedSpark.data(), out, 2, "cam"));
    } finally {
      System.clearProperty(ImageTask.FAIL_FIRST_ATTEMPT);
    }
    assertThat(ImageTask.INJECTED.get()).isEqualTo(before + 1); // partition 0 did fail, after 2 rows
    var rows = spark.read().parquet(out.resolve("rows.parquet").toString());
    assertThat(rows.count()).isEqualTo(24);
    assertThat(rows.select("path").distinct().count()).isEqualTo(24);
    assertThat(s.methods().get(0).metrics()).isEqualTo(plain.get("cam").metrics());
  }

  @Test
  void twoConcurrentTasksGiveTheSameRowsAsOneAndTheModelIsLoadedOncePerJvm() throws Exception {
    Path list = tmp.resolve("paths.txt");
    List<String> files;
    try (var walk = Files.list(SharedSpark.data().resolve("images"))) {
      files = walk.map(p -> "images/" + p.getFileName()).sorted().toList();
    }
    List<String> lines = new java.util.ArrayList<>(files);
    lines.add("images/missing.png");
    Files.write(list, lines);
    Files.copy(list, SharedSpark.data().resolve("paths.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path listInData = SharedSpark.data().resolve("paths.txt");

    var one = SparkJob.run(spark, settings(SparkJob.Mode.LOCALIZE, listInData, tmp.resolve("one"), 1, "cam"));
    var fourSettings = settings(SparkJob.Mode.LOCALIZE, listInData, tmp.resolve("four"), 4, "cam");
    var four = SparkJob.run(spark, new SparkJob.Settings(fourSettings.mode(), fourSettings.model(), null,
        fourSettings.methods(), null, null, true, fourSettings.data(), fourSettings.out(), 4, true, true,
        SparkJob.DEFAULT_MAX_BYTES, null));

    var a = spark.read().parquet(tmp.resolve("one/rows.parquet").toString()).drop("ms");
    var b = spark.read().parquet(tmp.resolve("four/rows.parquet").toString()).drop("ms");
    assertThat(a.count()).isEqualTo(25);
    assertThat(a.exceptAll(b).count()).isZero();
    assertThat(b.exceptAll(a).count()).isZero();
    assertThat(one.errors()).isEqualTo(1);
    assertThat(four.partitions()).isEqualTo(4);
    assertThat(error(byPath(a), "missing.png")).isEqualTo("image not found");
    // --overlays and --json of the second run: a PNG per explained image, the rows as JSON lines
    try (var overlays = Files.list(tmp.resolve("four/overlays"))) {
      assertThat(overlays.filter(p -> p.toString().endsWith("-cam.png")).count()).isEqualTo(24);
    }
    assertThat(spark.read().json(tmp.resolve("four/rows.json").toString()).count()).isEqualTo(25);
    // localize: the predicted class's box at τ = 0.2 is the one camkit evaluate found for correct images
    Map<String, Row> rows = byPath(a);
    for (var o : plain.get("cam").outcomes()) {
      Row row = rows.get(o.id() + ".png");
      Row cam = row.<Row>getList(row.fieldIndex("methods")).get(0);
      assertThat(cam.<Integer>getAs("class_index")).isEqualTo(o.predictedClass());
      List<Integer> box = cam.getList(cam.fieldIndex("box"));
      assertThat(box == null ? null : List.copyOf(box)).isEqualTo(o.predictedBox()
          .map(x -> List.of(x.x0(), x.y0(), x.x1(), x.y1())).orElse(null));
    }
    assertThat(ModelHolder.loaded()).isEqualTo(1);
  }

  @Test
  void mistakesAreOneLineErrorsBeforeAnyTask() {
    assertThatThrownBy(() -> SparkJob.run(spark, settings(SparkJob.Mode.EVALUATE, tmp.resolve("nowhere"),
        tmp.resolve("x"), 0, "cam"))).isInstanceOf(CamkitException.class)
        .hasMessageContaining("annotated folder");
    assertThatThrownBy(() -> SparkJob.run(spark, new SparkJob.Settings(SparkJob.Mode.LOCALIZE,
        SharedSpark.model().toString(), null, List.of("cam"), "no-such-layer", null, true,
        SharedSpark.data().toString(), tmp.resolve("y").toString(), 0, false, false, 1000, null)))
        .isInstanceOf(CamkitException.class).hasMessageContaining("no-such-layer");
    assertThat(tmp.resolve("y")).doesNotExist();
  }

  /** Rows by file name. */
  static Map<String, Row> byPath(org.apache.spark.sql.Dataset<Row> rows) {
    Map<String, Row> out = new TreeMap<>();
    for (Row r : rows.collectAsList()) {
      String p = r.getAs("path");
      assertThat(out.put(p.substring(p.lastIndexOf('/') + 1), r)).as(p + " twice").isNull();
    }
    return out;
  }

  static Row row(Map<String, Row> rows, String name) {
    assertThat(rows).containsKey(name);
    return rows.get(name);
  }

  static String error(Map<String, Row> rows, String name) {
    return row(rows, name).getAs("error");
  }

  static byte[] encode(BufferedImage img, String format) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, b)).isTrue();
    return b.toByteArray();
  }

  static void copy(Path from, Path to) throws Exception {
    try (var walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
