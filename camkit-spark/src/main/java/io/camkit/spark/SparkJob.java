package io.camkit.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.ImageFiles;
import io.camkit.core.Options;
import io.camkit.core.Version;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.dataset.io.DatasetFolders;
import io.camkit.evaluate.LocalizationAccumulator;
import io.camkit.evaluate.LocalizationMetrics;
import io.camkit.evaluate.Reports;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * {@code camkit spark localize|evaluate}: maps every image of a folder (or of a list of paths) on a
 * Spark cluster, one row per file, and (evaluate) scores them with the accumulators of {@code camkit
 * evaluate}.
 *
 * <ol>
 *   <li>On the driver: τ per method (as {@code camkit localize/evaluate} choose it, {@link
 *       Calibration#choose}); the model opened once to check the layer, the methods and (evaluate)
 *       the classes, so a mistake is one line before any task runs; the annotations read by {@link
 *       DatasetFolders#read} and broadcast ({@link GroundTruth}); the files listed (recursively through
 *       Hadoop's file systems, as Spark's {@code binaryFile} source lists them, but keeping the empty
 *       files its scan drops; or the list file), sorted, and cut into partitions.
 *   <li>On the executors: {@link ImageTask} per partition.
 *   <li>The rows written as Parquet ({@code OUT/rows.parquet}) through Spark's output committer: a
 *       failed job leaves no {@code _SUCCESS}, a retried task's rows appear once. Optionally the same
 *       rows as JSON lines ({@code OUT/rows.json}).
 *   <li>On the driver, from the committed rows read back in dataset order: one {@link
 *       LocalizationAccumulator} per method, added to image by image in the order {@code camkit
 *       evaluate} adds them, so the figures are equal to the last digit; then {@code summary.json} and
 *       {@code summary.md}, each written to a temporary file and moved into place.
 * </ol>
 */
public final class SparkJob {
  /** Files over this size are an error row by default (a photo is a few MB; a 1 GB "image" is a mistake). */
  public static final long DEFAULT_MAX_BYTES = 256L << 20;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SparkJob() {}

  /** What the job does. */
  public enum Mode {
    /** Classes and boxes of every image. */
    LOCALIZE,
    /** The same, scored against annotations, with the metrics of {@code camkit evaluate}. */
    EVALUATE
  }

  /**
   * The job's options.
   *
   * @param model a camkit model or transfer folder, or a TorchScript/ONNX file, at the same path on
   *     every executor (a shared file system, or a path the cluster's image provides)
   * @param card its card, or null for beside it
   * @param methods CAM methods by their command-line names, the first one first
   * @param layer the layer, or null for the model's default
   * @param tau τ for every method, or null: each method's calibrated τ*, else 0.2
   * @param relu ReLU before min-max normalisation (camkit's convention)
   * @param data an image folder (evaluate: an annotated folder in any layout camkit reads), or a text
   *     file with one image path per line (relative paths are relative to its folder)
   * @param out the output folder
   * @param partitions partitions of the file list, or 0 for Spark's default parallelism
   * @param jsonLines whether to write the rows as JSON lines too
   * @param overlays whether to write each explained image's overlays ({@code OUT/overlays/}, by the
   *     tasks: on a cluster, {@code out} must be a file system every executor reaches)
   * @param maxBytes files larger than this are an error row
   * @param glob a file-name filter for a folder ({@code *.jpg}), or null for every file
   */
  public record Settings(Mode mode, String model, String card, List<String> methods, String layer, Double tau,
      boolean relu, String data, String out, int partitions, boolean jsonLines, boolean overlays, long maxBytes,
      String glob) {
    public Settings {
      methods = List.copyOf(methods);
      Options.check(!methods.isEmpty(), "method", methods, "at least one");
      Options.check(partitions >= 0, "partitions", partitions, ">= 0");
      Options.check(maxBytes > 0, "max-bytes", maxBytes, "> 0");
      Options.check(tau == null || tau >= 0 && tau <= 1, "tau", tau, "0..1");
    }
  }

  /**
   * One method's figures over the annotated images that were explained.
   *
   * @param metrics the figures of {@code camkit evaluate} ({@link LocalizationMetrics}); null in localize
   * @param top5Accuracy the fraction of images whose true class is among the 5 best; NaN in localize
   * @param msPerImage mean explain time per explained image, this method
   */
  public record MethodSummary(String method, double tau, String tauSource, String layer, LocalizationMetrics metrics,
      double top5Accuracy, double msPerImage) {}

  /**
   * What a run did.
   *
   * @param files rows written: every file listed
   * @param errors rows with an error (not explained)
   * @param partial rows explained from a partly decoded image
   * @param annotated explained rows joined to an annotation (the images behind the metrics)
   * @param unexplainedSamples annotated samples without an explained row (not listed, or failed)
   * @param seconds the job's wall time, listing to summary
   */
  public record Summary(Mode mode, long files, long errors, long partial, long annotated, long unexplainedSamples,
      int partitions, List<MethodSummary> methods, double seconds) {
    public Summary {
      methods = List.copyOf(methods);
    }
  }

  /**
   * Runs the job in a session of its own for {@code master} ({@link SparkSessions#getOrCreate}),
   * stopped at the end; a job Spark refuses (a path it cannot write…) is a {@link CamkitException}
   * with Spark's first line.
   */
  public static Summary runInNewSession(String master, Settings s) throws IOException {
    SparkSession spark = SparkSessions.getOrCreate(master);
    try {
      return run(spark, s);
    } catch (Exception e) {
      if (e instanceof org.apache.spark.sql.AnalysisException) {
        throw new CamkitException(e.getMessage().lines().findFirst().orElse("Spark refused the job"), e);
      }
      throw e;
    } finally {
      spark.stop();
    }
  }

  /** Runs the job on {@code spark}; the outputs are under {@link Settings#out()}. */
  public static Summary run(SparkSession spark, Settings s) throws IOException {
    long start = System.nanoTime();
    List<Calibration.TauChoice> taus = new ArrayList<>();
    List<String> layers = new ArrayList<>();
    GroundTruth truth = null;
    List<String> problems = new ArrayList<>();
    LayeredModel model = ModelHolder.get(s.model(), s.card()); // the driver's check; shared in local mode
    for (String method : s.methods()) {
      Calibration.TauChoice t = tauChoice(s.model(), method, s.tau());
      taus.add(t);
      layers.add(new Explainer(model, t.applyTo(MapRequest.of(method).withLayer(s.layer()))).layer());
    }
    if (s.mode() == Mode.EVALUATE) {
      Path dir = Path.of(s.data());
      if (!Files.isDirectory(dir)) {
        throw new CamkitException("evaluate needs an annotated folder as --data, not " + s.data());
      }
      CocoFormat.Loaded loaded = DatasetFolders.read(dir);
      loaded.problems().forEach(p -> problems.add(p.file() + ": " + p.reason()));
      checkClasses(model, loaded.dataset());
      truth = GroundTruth.of(loaded.dataset(), dir.toAbsolutePath().toString());
    }
    List<String> files = list(spark, s);
    if (files.isEmpty()) {
      throw new CamkitException("no file to map in " + s.data());
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = s.partitions() > 0 ? s.partitions() : Math.min(files.size(), jsc.defaultParallelism());
    Broadcast<GroundTruth> gt = truth == null ? null : jsc.broadcast(truth);
    ImageTask.Spec spec = new ImageTask.Spec(s.model(), s.card(), s.methods(),
        taus.stream().map(Calibration.TauChoice::tau).toList(),
        taus.stream().map(t -> t.refine() == null ? "none" : t.refine().spec()).toList(), s.layer(), s.relu(), s.maxBytes(),
        s.overlays() ? child(s.out(), "overlays") : null);
    JavaRDD<Row> rows = jsc.parallelize(files, partitions).mapPartitions(new ImageTask(spec, gt));
    String rowsDir = child(s.out(), "rows.parquet");
    spark.createDataFrame(rows, ImageRows.SCHEMA).write().mode(SaveMode.Overwrite).parquet(rowsDir);
    var written = spark.read().parquet(rowsDir);
    if (s.jsonLines()) {
      written.write().mode(SaveMode.Overwrite).json(child(s.out(), "rows.json"));
    }
    if (gt != null) {
      gt.destroy();
    }
    long errors = written.filter(functions.col("error").isNotNull()).count();
    long partial = written.filter(functions.col("warning").isNotNull()).count();
    Summary summary = summarize(s, files.size(), errors, partial, partitions, truth, written, taus, layers, start);
    writeSummary(s, summary, problems);
    return summary;
  }

  /** τ of {@code method}: {@code tau} if given, else the model's calibrated τ*, else 0.2 (as {@code camkit evaluate}). */
  static Calibration.TauChoice tauChoice(String model, String method, Double tau) {
    return Calibration.choose(tau == null ? OptionalDouble.empty() : OptionalDouble.of(tau),
        Calibration.of(Path.of(model)), MapRequest.of(method).methodName(), ThresholdLocalizer.DEFAULT_TAU);
  }

  /** The per-method figures from the committed rows, added in dataset order as {@code Evaluation.run} adds them. */
  private static Summary summarize(Settings s, long files, long errors, long partial, int partitions,
      GroundTruth truth, org.apache.spark.sql.Dataset<Row> written, List<Calibration.TauChoice> taus,
      List<String> layers, long start) {
    int methods = s.methods().size();
    List<LocalizationAccumulator> acc = new ArrayList<>();
    double[] ms = new double[methods];
    long[] top5 = new long[methods];
    for (int m = 0; m < methods; m++) {
      acc.add(new LocalizationAccumulator(taus.get(m).tau()));
    }
    long annotated = 0;
    long explained = 0;
    double totalMs = 0;
    var ok = written.filter(functions.col("error").isNull());
    if (truth != null) {
      Map<String, GroundTruth.Entry> byId = new LinkedHashMap<>();
      Iterator<Row> it = ok.filter(functions.col("sample_index").isNotNull()).orderBy("sample_index")
          .toLocalIterator();
      while (it.hasNext()) {
        Row r = it.next();
        GroundTruth.Entry e = truth.find(r.getString(r.fieldIndex("path"))).orElseThrow();
        if (byId.putIfAbsent(e.id(), e) != null) {
          continue; // two files joined to one sample (x.png and x.jpg): the first in dataset order counts
        }
        annotated++;
        int w = r.getInt(r.fieldIndex("width"));
        int h = r.getInt(r.fieldIndex("height"));
        for (int m = 0; m < methods; m++) {
          acc.get(m).add(ImageRows.outcome(r, m, e), w, h);
        }
        if (r.getBoolean(r.fieldIndex("top5"))) {
          top5[0]++;
        }
      }
    }
    for (Row r : ok.select("ms").collectAsList()) {
      explained++;
      totalMs += r.getDouble(0);
    }
    List<MethodSummary> out = new ArrayList<>();
    for (int m = 0; m < methods; m++) {
      ms[m] = explained == 0 ? Double.NaN : totalMs / explained / methods;
      out.add(new MethodSummary(MapRequest.of(s.methods().get(m)).methodName(), taus.get(m).tau(),
          taus.get(m).source(), layers.get(m), truth == null ? null : acc.get(m).snapshot(),
          truth == null || annotated == 0 ? Double.NaN : top5[0] / (double) annotated, ms[m]));
    }
    long unexplained = truth == null ? 0 : truth.size() - annotated;
    return new Summary(s.mode(), files, errors, partial, annotated, unexplained, partitions, out,
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * The files of a folder (recursive; names starting with {@code _} or {@code .}, and companions such
   * as annotations, left out; sorted) or of a list file (in its order).
   */
  static List<String> list(SparkSession spark, Settings s) throws IOException {
    Path local = Path.of(s.data());
    List<String> files = new ArrayList<>();
    if (Files.isRegularFile(local)) {
      Path base = local.toAbsolutePath().getParent();
      for (String line : Files.readAllLines(local, StandardCharsets.UTF_8)) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#")) {
          files.add(l.contains(":/") || l.startsWith("/") ? l : base.resolve(l).toString());
        }
      }
      return files; // the list's order, which the user chose
    }
    if (!Files.isDirectory(local) && !s.data().contains("://")) {
      throw new CamkitException("no such data folder or list file: " + s.data());
    }
    // Hadoop's listing, as Spark's binaryFile source lists (recursive, a name glob, any file system),
    // but keeping empty files: a binaryFile scan drops zero-byte files, which would lose their rows.
    var root = new org.apache.hadoop.fs.Path(s.data());
    var fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    var glob = s.glob() == null ? null : new org.apache.hadoop.fs.GlobFilter(s.glob());
    var it = fs.listFiles(root, true);
    while (it.hasNext()) {
      var p = it.next().getPath();
      String name = p.getName();
      if (!name.startsWith("_") && !ImageFiles.isCompanionFile(Path.of(name)) && (glob == null || glob.accept(p))) {
        files.add(p.toString());
      }
    }
    files.sort(null);
    return files;
  }

  private static void checkClasses(LayeredModel m, Dataset data) {
    boolean unnamed = true;
    for (int i = 0; i < m.classes().size(); i++) {
      unnamed &= m.classes().get(i).equals(Integer.toString(i));
    }
    if (m.classes().size() != data.classes().size() || !unnamed && !m.classes().equals(data.classes())) {
      throw new CamkitException("the data's classes " + data.classes() + " differ from the model's "
          + (unnamed ? m.classes().size() + " classes" : m.classes()));
    }
  }

  /** {@code summary.json} and {@code summary.md}, each through a temporary file moved into place. */
  private static void writeSummary(Settings s, Summary summary, List<String> problems) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("camkitVersion", Version.get());
    root.put("settings", s);
    root.put("summary", summary);
    root.put("dataProblems", problems);
    write(child(s.out(), "summary.json"), JSON.writeValueAsString(root));
    StringBuilder md = new StringBuilder("# camkit spark " + s.mode().name().toLowerCase(Locale.ROOT) + "\n\n");
    md.append(String.format(Locale.ROOT, "%d files, %d explained, %d errors, %d partly decoded; %d partitions;"
        + " %.1f s.%n%n", summary.files(), summary.files() - summary.errors(), summary.errors(), summary.partial(),
        summary.partitions(), summary.seconds()));
    for (MethodSummary m : summary.methods()) {
      md.append("## ").append(m.method()).append(" (layer ").append(m.layer()).append(", τ = ")
          .append(Reports.fmt(m.tau())).append(", ").append(m.tauSource()).append(")\n\n");
      if (m.metrics() != null) {
        md.append(Reports.markdownTable(m.metrics()));
        md.append("| top-5 classification | ").append(Reports.pct(m.top5Accuracy())).append(" |\n\n");
      }
    }
    if (!problems.isEmpty()) {
      md.append("## data problems\n\n");
      problems.forEach(p -> md.append("- ").append(p).append('\n'));
    }
    write(child(s.out(), "summary.md"), md.toString());
  }

  /** A local path through {@link AtomicFiles}; another file system through a temporary file and a rename. */
  private static void write(String target, String text) throws IOException {
    if (!target.contains("://") && !target.startsWith("hdfs:") && !target.startsWith("s3")) {
      AtomicFiles.writeString(Path.of(target.startsWith("file:") ? java.net.URI.create(target).getPath() : target),
          text);
      return;
    }
    var dst = new org.apache.hadoop.fs.Path(target);
    var fs = dst.getFileSystem(new org.apache.hadoop.conf.Configuration());
    var tmp = new org.apache.hadoop.fs.Path(dst.getParent(), "." + dst.getName() + ".tmp");
    try (OutputStream o = fs.create(tmp, true)) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
    }
    fs.delete(dst, false);
    if (!fs.rename(tmp, dst)) {
      throw new IOException("cannot move " + tmp + " to " + dst);
    }
  }

  private static String child(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }
}
