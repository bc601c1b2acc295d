package io.camkit.spark;

import io.camkit.core.ImageFiles;
import io.camkit.dataset.Sample;
import io.camkit.evaluate.Evaluation;
import io.camkit.evaluate.ImageOutcome;
import io.camkit.evaluate.Scorer;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.ImageResult;
import io.camkit.pipeline.MapRequest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * One partition of files → one row per file ({@link ImageRows}). The task gets the executor's model
 * ({@link ModelHolder}, loaded once per JVM), makes one {@link Explainer} per method for the
 * partition and explains the files in batches of {@link Explainer#batchSize()}; an annotated image
 * (evaluate) is explained for its predicted and its true class and scored by {@link
 * Evaluation#score}, exactly as {@code camkit evaluate} does. Rows come out lazily, in input order,
 * one batch in memory at a time.
 *
 * <p>Nothing is lost: a file that cannot be read (missing, unreadable, over {@code maxBytes}) or
 * decoded (empty, not an image, over {@link ImageFiles#MAX_PIXELS}) is a row with its {@code
 * error}; a partly decoded one (a truncated JPEG) is explained and carries a {@code warning}; a
 * batch whose pass fails is explained again one image at a time, so only the culprit gets the error.
 */
final class ImageTask implements FlatMapFunction<Iterator<String>, Row> {
  private static final long serialVersionUID = 1L;

  /**
   * Test hook: with this system property set to {@code true} in the executor, the first attempt of
   * partition 0 fails after its second row, so that tests can check that Spark's retry leaves each
   * row exactly once in the committed output.
   */
  static final String FAIL_FIRST_ATTEMPT = "camkit.spark.test.failFirstAttempt";

  /** Failures injected through {@link #FAIL_FIRST_ATTEMPT} in this JVM. */
  static final java.util.concurrent.atomic.AtomicInteger INJECTED = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * What every task needs: the model, the methods with their τ and map refinement ("none" or a
   * guided filter's "RADIUS,EPS"), and the file limit.
   */
  record Spec(String model, String card, List<String> methods, List<Double> taus, List<String> refines, String layer,
      boolean relu, long maxBytes, String overlays) implements Serializable {
    private static final long serialVersionUID = 2L;

    Spec {
      methods = List.copyOf(methods);
      taus = List.copyOf(taus);
      refines = List.copyOf(refines);
    }

    MapRequest request(int m) {
      String r = refines.get(m);
      return MapRequest.of(methods.get(m)).withLayer(layer).withTau(taus.get(m)).withRelu(relu)
          .withRefinement("none".equals(r) ? null : io.camkit.localize.GuidedFilter.parse(r));
    }
  }

  private final Spec spec;
  private final Broadcast<GroundTruth> truth;
  /** Hadoop's configuration of this task (each task deserialises its own copy of this function). */
  private transient Configuration conf;

  /** @param truth the annotations (evaluate), or null (localize) */
  ImageTask(Spec spec, Broadcast<GroundTruth> truth) {
    this.spec = spec;
    this.truth = truth;
  }

  @Override
  public Iterator<Row> call(Iterator<String> paths) {
    io.camkit.core.NativeAllocator.startTrimmer(); // once per executor JVM: glibc's free heap goes back on growth
    LayeredModel model = ModelHolder.get(spec.model(), spec.card());
    List<Explainer> explainers = new ArrayList<>();
    List<Scorer> scorers = new ArrayList<>();
    int batch = Integer.MAX_VALUE;
    for (int m = 0; m < spec.methods().size(); m++) {
      Explainer e = new Explainer(model, spec.request(m));
      explainers.add(e);
      scorers.add(new Scorer(spec.taus().get(m)));
      batch = Math.min(batch, e.batchSize());
    }
    GroundTruth gt = truth == null ? null : truth.value();
    Configuration conf = hadoopConf();
    this.conf = conf;
    TaskContext ctx = TaskContext.get();
    boolean failHere = Boolean.getBoolean(FAIL_FIRST_ATTEMPT) && ctx != null && ctx.partitionId() == 0
        && ctx.attemptNumber() == 0;
    int batchSize = batch;
    return new Iterator<>() {
      private final ArrayDeque<Row> ready = new ArrayDeque<>();
      private int emitted;

      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && paths.hasNext()) {
          ready.addAll(nextBatch(paths, batchSize, conf, gt, model, explainers, scorers));
        }
        return !ready.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        if (failHere && ++emitted > 2) {
          INJECTED.incrementAndGet();
          throw new IllegalStateException("injected failure of the first attempt of partition 0 (test hook "
              + FAIL_FIRST_ATTEMPT + ")");
        }
        return ready.poll();
      }
    };
  }

  /** A file in a batch: its error row, or its decoded image waiting for the pass. */
  private static final class Item {
    final String path;
    final GroundTruth.Entry truth;
    ImageFiles.Decoded decoded;
    Row row;

    Item(String path, GroundTruth.Entry truth) {
      this.path = path;
      this.truth = truth;
    }
  }

  /** Reads the next {@code size} decodable files (and every failing file met on the way), explains them. */
  private List<Row> nextBatch(Iterator<String> paths, int size, Configuration conf, GroundTruth gt,
      LayeredModel model, List<Explainer> explainers, List<Scorer> scorers) {
    List<Item> items = new ArrayList<>();
    int decoded = 0;
    while (decoded < size && paths.hasNext()) {
      String path = paths.next();
      Item it = new Item(path, gt == null ? null : gt.find(path).orElse(null));
      items.add(it);
      try {
        it.decoded = ImageFiles.decode(read(path, conf), path);
        decoded++;
      } catch (ImageFiles.UnreadableImageException e) {
        it.row = ImageRows.error(path, id(it), null, null, e.reason());
      } catch (IOException | RuntimeException e) {
        it.row = ImageRows.error(path, id(it), null, null, e.getMessage());
      }
    }
    List<Item> annotated = items.stream().filter(i -> i.row == null && i.truth != null).toList();
    List<Item> plain = items.stream().filter(i -> i.row == null && i.truth == null).toList();
    explain(annotated, gt, model, explainers, scorers);
    explain(plain, gt, model, explainers, scorers);
    return items.stream().map(i -> i.row).toList();
  }

  /** Explains {@code items} as one batch; if the pass fails, one at a time. */
  private void explain(List<Item> items, GroundTruth gt, LayeredModel model, List<Explainer> explainers,
      List<Scorer> scorers) {
    if (items.isEmpty()) {
      return;
    }
    try {
      explainTogether(items, gt, model, explainers, scorers);
    } catch (RuntimeException batchFailed) {
      for (Item it : items) {
        try {
          explainTogether(List.of(it), gt, model, explainers, scorers);
        } catch (RuntimeException e) {
          it.row = ImageRows.error(it.path, id(it), it.decoded.image().width(), it.decoded.image().height(),
              "cannot explain: " + e.getMessage());
        }
      }
    }
  }

  private void explainTogether(List<Item> items, GroundTruth gt, LayeredModel model, List<Explainer> explainers,
      List<Scorer> scorers) {
    var images = items.stream().map(i -> i.decoded.image()).toList();
    var sources = items.stream().map(i -> i.path).toList();
    boolean scored = items.get(0).truth != null;
    int[] labels = items.stream().mapToInt(i -> scored ? i.truth.label() : -1).toArray();
    List<List<ImageResult>> perMethod = new ArrayList<>();
    for (Explainer e : explainers) {
      synchronized (model) { // one pass at a time on the executor's model (ModelHolder)
        perMethod.add(scored ? e.explain(images, sources, Evaluation.predictedAndTrue(labels))
            : e.explain(images, sources));
      }
    }
    for (int k = 0; k < items.size(); k++) {
      Item it = items.get(k);
      List<ImageResult> results = new ArrayList<>();
      for (List<ImageResult> r : perMethod) {
        results.add(r.get(k));
      }
      ImageOutcome[] outcomes = null;
      Boolean top5 = null;
      if (scored) {
        Sample s = it.truth.sample(it.decoded.image());
        outcomes = new ImageOutcome[results.size()];
        for (int m = 0; m < outcomes.length; m++) {
          outcomes[m] = Evaluation.score(scorers.get(m), s, results.get(m));
        }
        top5 = Evaluation.inTopK(results.get(0).scores(), it.truth.label(), 5);
      }
      String warning = it.decoded.partial() ? it.decoded.partialReason() : null;
      if (spec.overlays() != null) {
        try {
          writeOverlays(it, results, methodNames(explainers));
        } catch (IOException | RuntimeException e) {
          warning = (warning == null ? "" : warning + "; ") + "overlay not written (" + e.getMessage() + ")";
        }
      }
      it.row = ImageRows.explained(it.path, it.truth, gt == null ? model.classes() : gt.classes(), warning, results,
          spec.taus(), methodNames(explainers), outcomes, top5);
    }
  }

  /**
   * The predicted class's map over the image with its box (and the true boxes when annotated), one
   * PNG per method: {@code OVERLAYS/NAME-HASH-METHOD.png}, HASH telling apart files of the same name
   * in different folders. Written by the task, through Hadoop's file systems; a retried task writes
   * the same files again.
   */
  private void writeOverlays(Item it, List<ImageResult> results, List<String> methods) throws IOException {
    io.camkit.core.RgbImage image = it.decoded.image();
    int scale = Math.max(1, 256 / Math.max(image.width(), image.height()));
    String name = it.path.substring(it.path.lastIndexOf('/') + 1).replaceFirst("\\.[^.]*$", "");
    String tag = String.format(Locale.ROOT, "%08x", it.path.hashCode());
    for (int m = 0; m < results.size(); m++) {
      io.camkit.pipeline.ClassResult c = results.get(m).classes().get(0);
      java.awt.image.BufferedImage png = io.camkit.render.Overlay.render(image, c.normalized(), 0.5,
          it.truth == null ? List.of() : it.truth.truthBoxes(), c.box(), scale);
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("png").next();
      try (var ios = new javax.imageio.stream.MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(ios);
        writer.write(png);
      } finally {
        writer.dispose();
      }
      Path dst = new Path(spec.overlays(), name + "-" + tag + "-" + methods.get(m) + ".png");
      try (var out = dst.getFileSystem(conf).create(dst, true)) {
        out.write(bytes.toByteArray());
      }
    }
  }

  private static List<String> methodNames(List<Explainer> explainers) {
    return explainers.stream().map(e -> e.request().methodName()).toList();
  }

  private static String id(Item it) {
    return it.truth == null ? null : it.truth.id();
  }

  /** The file's bytes through Hadoop's file systems (local, HDFS, S3…), refused over {@code maxBytes}. */
  private byte[] read(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    FileStatus status;
    try {
      status = fs.getFileStatus(p);
    } catch (FileNotFoundException e) {
      throw new IOException("image not found", e);
    }
    if (status.getLen() > spec.maxBytes()) {
      throw new IOException(String.format(Locale.ROOT, "file of %d bytes is over the %d-byte limit (--max-bytes)",
          status.getLen(), spec.maxBytes()));
    }
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IOException("cannot read image file (" + e.getMessage() + ")", e);
    }
  }

  /** Hadoop's configuration with the job's {@code spark.hadoop.*} settings (credentials of S3 and the like). */
  private static Configuration hadoopConf() {
    Configuration conf = new Configuration();
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      for (Tuple2<String, String> kv : env.conf().getAll()) {
        if (kv._1().startsWith("spark.hadoop.")) {
          conf.set(kv._1().substring("spark.hadoop.".length()), kv._2());
        }
      }
    }
    return conf;
  }
}
