package io.camkit.cli;

import io.camkit.core.testing.TestImages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.CamkitException;
import io.camkit.core.DataProblem;
import io.camkit.core.DataProblem.Kind;
import io.camkit.dataset.Sample;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.dataset.io.DatasetFolders;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded corpus of every image kind a user meets (CMYK, grey, grey + alpha, RGBA, 16-bit,
 * palette GIF, a PNG named .jpg, 1×1, EXIF rotation), broken files (truncated JPEG, zero bytes,
 * random bytes, text named .png, a 100000×100000 PNG header), companions that are not images, and
 * VOC and COCO annotations with each kind of mistake. Every bad file is named exactly once, every
 * good one is used, {@code camkit train} exits 0 and writes them all to {@code problems.json};
 * {@code --strict} stops at the first.
 */
class HostileInputTest {
  @TempDir static Path tmp;
  static Path data;
  static final Random RND = new Random(20240611);

  /** Train folder (VOC layout): file → expected problem kind, or null for a file used without a word. */
  static final Map<String, Kind> TRAIN = new LinkedHashMap<>();
  /** Train folder: files expected in the dataset. */
  static final List<String> TRAIN_USED = new ArrayList<>();
  /** Train folder: companion files that must be passed over silently. */
  static final List<String> COMPANIONS = List.of("cat/notes.txt", "cat/README.md", "cat/.DS_Store", "dog/labels.csv",
      "dog/meta.json");

  @BeforeAll
  static void writeCorpus() throws Exception {
    data = tmp.resolve("data");
    Path train = data.resolve("train");
    // good images, used without a problem ("a-" first: the first image sets the training size, 48 px)
    good(train, "cat/a-rgb.png", png(scene(48, 48)));
    good(train, "dog/a-rgb.png", png(scene(48, 48)));
    for (int i = 0; i < 4; i++) {
      good(train, "cat/photo" + i + ".jpg", jpg(scene(40 + 4 * i, 36)));
      good(train, "dog/photo" + i + ".png", png(scene(36, 40 + 4 * i)));
    }
    good(train, "cat/cmyk.jpg", cmykJpeg(40, 32));
    good(train, "cat/grey.png", png(typed(32, 32, BufferedImage.TYPE_BYTE_GRAY)));
    good(train, "cat/grey-alpha.png", png(greyAlpha(32, 24)));
    good(train, "dog/rgba.png", png(typed(30, 30, BufferedImage.TYPE_INT_ARGB)));
    good(train, "dog/grey16.png", png(typed(30, 20, BufferedImage.TYPE_USHORT_GRAY)));
    good(train, "dog/palette.gif", gif(palette(28, 28)));
    good(train, "dog/png-named.jpg", png(scene(32, 32)));
    good(train, "dog/one-pixel.png", png(scene(1, 1)));
    good(train, "cat/exif-rotated.jpg", exifRotated(40, 20));
    good(train, "cat/voc-good.png", png(scene(40, 40)));
    write(train, "cat/voc-good.xml", voc("cat", 5, 5, 30, 30));
    good(train, "cat/voc-size-zero.png", png(scene(40, 40)));
    write(train, "cat/voc-size-zero.xml", "<annotation><size><width>0</width><height>0</height></size>"
        + obj("cat", 2, 2, 20, 20) + "</annotation>");
    good(train, "dog/voc-partly-outside.png", png(scene(40, 40)));
    write(train, "dog/voc-partly-outside.xml", voc("dog", 20, 20, 90, 90));
    // companions: passed over silently
    write(train, "cat/notes.txt", "shot in 2019");
    write(train, "cat/README.md", "# cats");
    write(train, "cat/.DS_Store", "\0\0\1");
    write(train, "dog/labels.csv", "file,label\n");
    write(train, "dog/meta.json", "{}");
    // broken images
    byte[] whole = jpg(typed(64, 64, BufferedImage.TYPE_INT_RGB)); // noise: half the file is half the scan
    bad(train, "cat/truncated.jpg", Arrays.copyOf(whole, whole.length / 2), Kind.PARTIAL_IMAGE, true);
    bad(train, "cat/zero-byte.png", new byte[0], Kind.UNREADABLE_IMAGE, false);
    byte[] noise = new byte[500];
    RND.nextBytes(noise);
    bad(train, "dog/random-bytes.jpg", noise, Kind.UNREADABLE_IMAGE, false);
    bad(train, "dog/text.png", "this is not a picture\n".getBytes(StandardCharsets.UTF_8), Kind.UNREADABLE_IMAGE, false);
    bad(train, "dog/bomb.png", TestImages.pngHeader(100_000, 100_000), Kind.UNREADABLE_IMAGE, false);
    // VOC mistakes: the XML is named
    vocMistake(train, "cat/inverted", voc("cat", 30, 5, 10, 20), Kind.BAD_BOX, false);
    vocMistake(train, "cat/nan-box", voc("cat", 5, 5, 20, 20).replace("<xmin>5<", "<xmin>NaN<"), Kind.BAD_BOX, false);
    vocMistake(train, "cat/outside", voc("cat", 200, 200, 260, 260), Kind.BAD_BOX, false);
    vocMistake(train, "cat/malformed", "<annotation><object><name>cat</name>", Kind.BAD_ANNOTATION_FILE, false);
    vocMistake(train, "cat/dtd", "<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><annotation>&e;</annotation>",
        Kind.BAD_ANNOTATION_FILE, false);
    vocMistake(train, "dog/typo-class", voc("dgo", 2, 2, 20, 20), Kind.UNKNOWN_CLASS, true);
    vocMistake(train, "dog/mixed", "<annotation>" + obj("dog", 2, 2, 20, 20) + obj("dog", 30, 2, 4, 20)
        + "</annotation>", Kind.BAD_BOX, true);
    writeCoco(data.resolve("val"));
  }

  /** COCO val split: images v0–v9; the expected problems, in order. */
  static final List<String> VAL_PROBLEMS = new ArrayList<>();
  static final List<String> VAL_USED = new ArrayList<>();

  static void writeCoco(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("images"));
    StringBuilder images = new StringBuilder();
    List<String> anns = new ArrayList<>();
    String[] bbox = {
      "[4, 4, 20, 20]", // v0 good
      "[4, 4, 20, 20]", // v1 good (category 2)
      "[NaN, 4, 20, 20]", // v2 NaN
      "[30, 4, -20, 20]", // v3 inverted
      "[4, 4, 0, 20]", // v4 empty
      "[300, 300, 10, 10]", // v5 outside a 40×40 image
      "[4, 4, 20, 20]", // v6 unknown category
      "[4, 4, 20, 20]", // v7 missing image file
      null, // v8 no annotation
      "[4, 4, 20, 20]", // v9 truncated JPEG: used, named
    };
    for (int i = 0; i < bbox.length; i++) {
      String name = "images/v" + i + (i == 9 ? ".jpg" : ".png");
      if (i == 9) {
        byte[] j = jpg(typed(40, 40, BufferedImage.TYPE_INT_RGB));
        Files.write(dir.resolve(name), Arrays.copyOf(j, j.length * 2 / 3));
      } else if (i != 7) {
        Files.write(dir.resolve(name), png(scene(40, 40)));
      }
      images.append(i > 0 ? "," : "").append("{\"id\":").append(i + 1).append(",\"file_name\":\"").append(name)
          .append("\"}");
      if (bbox[i] != null) {
        anns.add("{\"id\":" + (100 + i) + ",\"image_id\":" + (i + 1) + ",\"category_id\":" + (i == 1 ? 2 : i == 6 ? 7 : 1)
            + ",\"bbox\":" + bbox[i] + "}");
      }
    }
    Files.writeString(dir.resolve("annotations.json"), "{\"images\":[" + images + "],\"annotations\":["
        + String.join(",", anns) + "],\"categories\":[{\"id\":1,\"name\":\"cat\"},{\"id\":2,\"name\":\"dog\"}]}");
    VAL_USED.addAll(List.of("v0", "v1", "v9"));
    VAL_PROBLEMS.addAll(List.of("annotations.json BAD_BOX skipped", "annotations.json BAD_BOX skipped",
        "annotations.json BAD_BOX skipped", "annotations.json BAD_BOX skipped",
        "annotations.json UNKNOWN_CLASS skipped", "v7.png MISSING_IMAGE skipped", "v8.png NO_ANNOTATION skipped",
        "v9.jpg PARTIAL_IMAGE kept"));
  }

  @Test
  void theFolderReaderNamesEachBadFileOnceAndUsesEveryGoodOne() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    CocoFormat.Loaded l;
    try {
      System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
      l = DatasetFolders.read(data.resolve("train"));
    } finally {
      System.setErr(err);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8)).as("a library prints nothing by itself").isEmpty();
    assertThat(l.dataset().samples()).extracting(Sample::id).containsExactlyInAnyOrderElementsOf(TRAIN_USED);
    Map<String, Kind> named = new TreeMap<>();
    for (DataProblem p : l.problems()) {
      String rel = data.resolve("train").relativize(Path.of(p.file())).toString();
      assertThat(named.put(rel, p.kind())).as(rel + " named twice").isNull();
    }
    Map<String, Kind> expected = new TreeMap<>();
    TRAIN.forEach((f, k) -> {
      if (k != null) {
        expected.put(f, k);
      }
    });
    assertThat(named).isEqualTo(expected);
    assertThat(l.problems()).filteredOn(p -> !p.skipped()).extracting(p -> Path.of(p.file()).getFileName().toString())
        .containsExactlyInAnyOrder("truncated.jpg", "typo-class.xml", "mixed.xml");
    for (String c : COMPANIONS) {
      assertThat(l.problems()).noneMatch(p -> p.file().endsWith(c));
    }
    // the bomb is refused on its header, not decoded
    assertThat(l.problems()).filteredOn(p -> p.file().endsWith("bomb.png")).singleElement()
        .satisfies(p -> assertThat(p.reason()).contains("100000x100000"));
  }

  @Test
  void theCocoReaderNamesEachBadEntryOnce() {
    CocoFormat.Loaded l = DatasetFolders.read(data.resolve("val"));
    assertThat(l.dataset().samples()).extracting(Sample::id).containsExactlyElementsOf(VAL_USED);
    assertThat(l.problems()).extracting(p -> Path.of(p.file()).getFileName() + " " + p.kind() + " "
        + (p.skipped() ? "skipped" : "kept")).containsExactlyElementsOf(VAL_PROBLEMS);
  }

  @Test
  void trainRunsOverTheCorpusReportsEveryProblemAndWritesProblemsJson() throws Exception {
    Path out = tmp.resolve("run");
    String[] result = run("train", "--data", data.toString(), "--out", out.toString(), "--epochs", "1",
        "--batch-size", "8", "--width", "8", "--feature-maps", "16", "--train-seed", "3");
    assertThat(result[0]).as(result[2]).isEqualTo("0");
    int trainProblems = (int) TRAIN.values().stream().filter(k -> k != null).count();
    int used = TRAIN_USED.size() + VAL_USED.size();
    int skipped = 9 + 7; // train: 4 unreadable images + 5 images whose XML rules them out; val: 7 entries
    assertThat(result[1]).contains("data: " + used + " images, " + skipped + " skipped: ");
    // every problem line names its file first: "skipped: FILE: reason" or "problem: FILE: reason"
    Map<String, Integer> named = new TreeMap<>();
    for (String line : result[2].split("\n")) {
      if (line.startsWith("skipped: ") || line.startsWith("problem: ")) {
        String file = line.substring(9, line.indexOf(": ", 9));
        named.merge(data.relativize(Path.of(file)).toString(), 1, Integer::sum);
      }
    }
    Map<String, Integer> expected = new TreeMap<>();
    TRAIN.forEach((f, k) -> {
      if (k != null) {
        expected.put("train/" + f, 1);
      }
    });
    expected.put("val/annotations.json", 5);
    expected.put("val/images/v7.png", 1);
    expected.put("val/images/v8.png", 1);
    expected.put("val/images/v9.jpg", 1);
    assertThat(named).isEqualTo(expected);
    assertThat(result[2]).doesNotContain("[Fatal Error]");
    assertThat(result[1]).doesNotContain("NaN");
    for (String c : COMPANIONS) {
      assertThat(result[2]).doesNotContain(Path.of(c).getFileName().toString());
    }
    JsonNode json = new ObjectMapper().readTree(out.resolve("problems.json").toFile());
    assertThat(json.path("images").asInt()).isEqualTo(used);
    assertThat(json.path("skipped").asInt()).isEqualTo(skipped);
    assertThat(json.path("problems")).hasSize(trainProblems + VAL_PROBLEMS.size());
    assertThat(Files.isRegularFile(out.resolve("model/model.params"))).isTrue();
  }

  @Test
  void evaluateAndLocalizeOverTheCorpusNameEachBadFileOnceAndUseEveryGoodOne() throws Exception {
    Path run = tmp.resolve("for-eval");
    assertThat(run("train", "--data", data.toString(), "--out", run.toString(), "--epochs", "1", "--batch-size", "8",
        "--width", "4", "--feature-maps", "8")[0]).isEqualTo("0");
    Path model = run.resolve("model");

    // evaluate over the COCO split with every kind of annotation mistake
    Path eval = tmp.resolve("eval");
    String[] e = run("evaluate", "--model", model.toString(), "--data", data.resolve("val").toString(), "--out",
        eval.toString(), "--tau", "0.2");
    assertThat(e[0]).as(e[2]).isEqualTo("0");
    assertThat(e[1]).contains("data: 3 images, 7 skipped: ");
    JsonNode metrics = new ObjectMapper().readTree(eval.resolve("metrics.json").toFile());
    assertThat(metrics.path("images")).extracting(n -> n.path("id").asText())
        .containsExactlyElementsOf(VAL_USED);
    JsonNode problems = new ObjectMapper().readTree(eval.resolve("problems.json").toFile());
    assertThat(problems.path("problems")).hasSize(VAL_PROBLEMS.size());
    assertThat(e[2]).doesNotContain("\tat ");
    assertThat(e[1]).doesNotContain("NaN"); // the tables: "–" where a figure was not computed

    // localize both class folders of the VOC split: images only, each broken one named once
    Path loc = tmp.resolve("loc");
    String[] l = run("localize", "--model", model.toString(), data.resolve("train/cat").toString(),
        data.resolve("train/dog").toString(), "--out", loc.toString());
    assertThat(l[0]).as(l[2]).isEqualTo("0");
    List<String> unreadable = TRAIN.entrySet().stream().filter(x -> x.getValue() == Kind.UNREADABLE_IMAGE)
        .map(Map.Entry::getKey).toList();
    long images = TRAIN.keySet().stream().filter(f -> !f.endsWith(".xml")).count() - unreadable.size();
    JsonNode all = new ObjectMapper().readTree(loc.resolve("localizations.json").toFile());
    assertThat(all).hasSize((int) images);
    for (String f : unreadable) {
      assertThat(l[2].split(java.util.regex.Pattern.quote(Path.of(f).getFileName().toString()), -1))
          .as(f + " named once").hasSize(2);
    }
    assertThat(l[2]).contains("truncated.jpg").doesNotContain(".xml").doesNotContain("notes.txt")
        .doesNotContain("meta.json").doesNotContain("\tat ");
    JsonNode locProblems = new ObjectMapper().readTree(loc.resolve("problems.json").toFile());
    assertThat(locProblems.path("problems")).hasSize(unreadable.size() + 1); // + the truncated JPEG, kept
  }

  @Test
  void strictStopsAtTheFirstProblemWithExitCode2() throws Exception {
    assertThatThrownBy(() -> DatasetFolders.read(data.resolve("train"), true)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("dtd.xml");
    Path out = tmp.resolve("strict");
    String[] result = run("train", "--strict", "--data", data.toString(), "--out", out.toString(), "--epochs", "1");
    assertThat(result[0]).isEqualTo("2");
    assertThat(result[2]).contains("dtd.xml").contains("strict");
    assertThat(out.resolve("model")).doesNotExist();
  }

  @Test
  void trainingWithoutAValidationSplitSaysSoInsteadOfNaN() {
    var s = new io.camkit.model.train.EpochStats(1, 0.5, 0.75, Double.NaN, Double.NaN, 1.0, 100);
    assertThat(TrainingProgress.validation(s)).isEqualTo("val – (no validation split)");
    var v = new io.camkit.model.train.EpochStats(1, 0.5, 0.75, 0.25, 0.875, 1.0, 100);
    assertThat(TrainingProgress.validation(v)).isEqualTo("val loss 0.250 acc 0.875");
  }

  /** Runs the CLI in-process: {exit code, stdout, stderr}. */
  static String[] run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Camkit.execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    String o = out.toString(StandardCharsets.UTF_8);
    String e = err.toString(StandardCharsets.UTF_8);
    oldOut.print(o);
    oldErr.print(e);
    return new String[] {Integer.toString(code), o, e};
  }

  // ---- the corpus ----

  static void good(Path root, String rel, byte[] bytes) throws Exception {
    write(root, rel, bytes);
    TRAIN.put(rel, null);
    TRAIN_USED.add(rel);
  }

  static void bad(Path root, String rel, byte[] bytes, Kind kind, boolean used) throws Exception {
    write(root, rel, bytes);
    TRAIN.put(rel, kind);
    if (used) {
      TRAIN_USED.add(rel);
    }
  }

  /** An image STEM.png (used or not) and STEM.xml with one mistake, which is what gets named. */
  static void vocMistake(Path root, String stem, String xml, Kind kind, boolean used) throws Exception {
    write(root, stem + ".png", png(scene(40, 40)));
    write(root, stem + ".xml", xml);
    TRAIN.put(stem + ".png", null);
    TRAIN.put(stem + ".xml", kind);
    if (used) {
      TRAIN_USED.add(stem + ".png");
    }
  }

  static void write(Path root, String rel, byte[] bytes) throws Exception {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
  }

  static void write(Path root, String rel, String text) throws Exception {
    write(root, rel, text.getBytes(StandardCharsets.UTF_8));
  }

  static String obj(String name, int xmin, int ymin, int xmax, int ymax) {
    return "<object><name>" + name + "</name><bndbox><xmin>" + xmin + "</xmin><ymin>" + ymin + "</ymin><xmax>" + xmax
        + "</xmax><ymax>" + ymax + "</ymax></bndbox></object>";
  }

  static String voc(String name, int xmin, int ymin, int xmax, int ymax) {
    return "<annotation>" + obj(name, xmin, ymin, xmax, ymax) + "</annotation>";
  }

  /** Random rectangles on a random background (seeded). */
  static BufferedImage scene(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(RND.nextInt(0x1000000)));
    g.fillRect(0, 0, w, h);
    for (int i = 0; i < 3; i++) {
      g.setColor(new Color(RND.nextInt(0x1000000)));
      g.fillRect(RND.nextInt(w), RND.nextInt(h), 1 + RND.nextInt(w), 1 + RND.nextInt(h));
    }
    g.dispose();
    return img;
  }

  static BufferedImage typed(int w, int h, int type) {
    BufferedImage img = new BufferedImage(w, h, type);
    WritableRaster r = img.getRaster();
    int max = type == BufferedImage.TYPE_USHORT_GRAY ? 65535 : 255;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int b = 0; b < r.getNumBands(); b++) {
          r.setSample(x, y, b, RND.nextInt(max + 1));
        }
      }
    }
    return img;
  }

  static BufferedImage greyAlpha(int w, int h) {
    ComponentColorModel cm = new ComponentColorModel(java.awt.color.ColorSpace.getInstance(
        java.awt.color.ColorSpace.CS_GRAY), true, false, java.awt.Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    BufferedImage img = new BufferedImage(cm, cm.createCompatibleWritableRaster(w, h), false, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, RND.nextInt(256));
        img.getRaster().setSample(x, y, 1, RND.nextInt(256));
      }
    }
    return img;
  }

  static BufferedImage palette(int w, int h) {
    byte[] r = {0, (byte) 255, 0, 0};
    byte[] g = {0, 0, (byte) 255, 0};
    byte[] b = {0, 0, 0, (byte) 255};
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 4, r, g, b));
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, RND.nextInt(4));
      }
    }
    return img;
  }

  static byte[] encode(BufferedImage img, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, out)).as(format).isTrue();
    return out.toByteArray();
  }

  static byte[] png(BufferedImage img) throws Exception {
    return encode(img, "png");
  }

  static byte[] jpg(BufferedImage img) throws Exception {
    return encode(img, "jpg");
  }

  static byte[] gif(BufferedImage img) throws Exception {
    return encode(img, "gif");
  }

  /** A 4-channel (CMYK) JPEG written from a raster. */
  static byte[] cmykJpeg(int w, int h) throws Exception {
    WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 4; c++) {
          r.setSample(x, y, c, RND.nextInt(256));
        }
      }
    }
    ImageWriter writer = null;
    for (var it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext() && writer == null; ) {
      ImageWriter w2 = it.next();
      writer = w2.canWriteRasters() ? w2 : null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream o = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(o);
      writer.write(null, new IIOImage(r, null, null), null);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** A JPEG stored w×h with EXIF orientation 6 (shown h×w). */
  static byte[] exifRotated(int w, int h) throws Exception {
    byte[] plain = jpg(scene(w, h));
    byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0};
    int len = 2 + 6 + tiff.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(plain, 0, 2);
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len, 'E', 'x', 'i', 'f', 0, 0});
    out.writeBytes(tiff);
    out.write(plain, 2, plain.length - 2);
    return out.toByteArray();
  }
}
