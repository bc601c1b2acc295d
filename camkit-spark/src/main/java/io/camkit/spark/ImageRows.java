package io.camkit.spark;

import io.camkit.core.Box;
import io.camkit.evaluate.ImageOutcome;
import io.camkit.evaluate.PxapCurve;
import io.camkit.pipeline.ClassResult;
import io.camkit.pipeline.ImageResult;
import io.camkit.pipeline.Prediction;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The output table: one row per input file, whether it decoded or not. Boxes are {@code [x0, y0,
 * x1, y1]} in pixels of the upright image (x1, y1 exclusive), null when no pixel passes τ.
 *
 * <pre>
 *   path string, id string (the annotated sample it joined, evaluate), width int, height int,
 *   error string (null when explained), warning string (a partly decoded image), ms double (explain
 *   time, all methods), top_classes array&lt;string&gt;, top_indices array&lt;int&gt;, top_probabilities
 *   array&lt;float&gt;, true_class string, sample_index int (the sample's place in the dataset), top5 boolean,
 *   methods array&lt;struct&lt;method, tau, class_index, class, confidence, box, iou, gt_known_box,
 *   gt_known_iou, hits, largest_iou, any_iou, px_images, px_positives, px_negatives&gt;&gt;
 * </pre>
 *
 * The per-method WSOL columns ({@code hits}, {@code largest_iou}, {@code any_iou} over the 101 τ of
 * the MaxBoxAcc grid; the pixel histograms of PxAP) are the image's {@link ImageOutcome}, so that
 * the driver sums the committed rows with the very accumulator {@code camkit evaluate} uses.
 */
final class ImageRows {
  private ImageRows() {}

  static final StructType METHOD = new StructType(new StructField[] {
      field("method", DataTypes.StringType), field("tau", DataTypes.DoubleType),
      field("class_index", DataTypes.IntegerType), field("class", DataTypes.StringType),
      field("confidence", DataTypes.DoubleType), field("box", ints()), field("iou", DataTypes.DoubleType),
      field("gt_known_box", ints()), field("gt_known_iou", DataTypes.DoubleType),
      field("hits", DataTypes.createArrayType(DataTypes.BooleanType, false)),
      field("largest_iou", doubles()), field("any_iou", doubles()),
      field("px_images", DataTypes.LongType),
      field("px_positives", DataTypes.createArrayType(DataTypes.LongType, false)),
      field("px_negatives", DataTypes.createArrayType(DataTypes.LongType, false))});

  static final StructType SCHEMA = new StructType(new StructField[] {
      field("path", DataTypes.StringType), field("id", DataTypes.StringType),
      field("width", DataTypes.IntegerType), field("height", DataTypes.IntegerType),
      field("error", DataTypes.StringType), field("warning", DataTypes.StringType),
      field("ms", DataTypes.DoubleType),
      field("top_classes", DataTypes.createArrayType(DataTypes.StringType, false)),
      field("top_indices", ints()),
      field("top_probabilities", DataTypes.createArrayType(DataTypes.FloatType, false)),
      field("true_class", DataTypes.StringType), field("sample_index", DataTypes.IntegerType),
      field("top5", DataTypes.BooleanType),
      field("methods", DataTypes.createArrayType(METHOD, false))});

  /** A file that was not explained: its path, why, and its size when it decoded. */
  static Row error(String path, String id, Integer width, Integer height, String error) {
    return RowFactory.create(path, id, width, height, error, null, null, null, null, null, null, null, null, null);
  }

  /**
   * An explained image.
   *
   * @param results one per method, same image
   * @param outcomes one per method when the image is annotated (evaluate), else null
   */
  static Row explained(String path, GroundTruth.Entry truth, List<String> classes, String warning,
      List<ImageResult> results, List<Double> taus, List<String> methods, ImageOutcome[] outcomes, Boolean top5) {
    ImageResult first = results.get(0);
    List<Prediction> top = first.top();
    String[] topClasses = top.stream().map(Prediction::className).toArray(String[]::new);
    Integer[] topIndices = top.stream().map(Prediction::classIndex).toArray(Integer[]::new);
    Float[] topProbabilities = top.stream().map(Prediction::probability).toArray(Float[]::new);
    double ms = 0;
    Row[] perMethod = new Row[results.size()];
    for (int m = 0; m < results.size(); m++) {
      ImageResult r = results.get(m);
      ms += r.explainMillis();
      perMethod[m] = outcomes == null ? localized(methods.get(m), taus.get(m), r, first)
          : scored(methods.get(m), taus.get(m), outcomes[m], classes);
    }
    return RowFactory.create(path, truth == null ? null : truth.id(), first.width(), first.height(), null, warning,
        ms, seq(topClasses), seq(topIndices), seq(topProbabilities),
        truth == null ? null : classes.get(truth.label()), truth == null ? null : truth.index(), top5,
        seq(perMethod));
  }

  /** The predicted class's box at τ (localize, or evaluate of an image without annotations). */
  private static Row localized(String method, double tau, ImageResult r, ImageResult first) {
    ClassResult c = r.classes().get(0);
    float p = first.probabilities()[c.classIndex()];
    return RowFactory.create(method, tau, c.classIndex(), c.className(), (double) p, box(c.box()), null,
        null, null, null, null, null, null, null, null);
  }

  private static Row scored(String method, double tau, ImageOutcome o, List<String> classes) {
    boolean[] h = o.hitsPerTau();
    Boolean[] hits = new Boolean[h.length];
    for (int i = 0; i < h.length; i++) {
      hits[i] = h[i];
    }
    Optional<PxapCurve> px = o.pixelCurve();
    return RowFactory.create(method, tau, o.predictedClass(), classes.get(o.predictedClass()), o.confidence(),
        box(o.predictedBox()), o.predictedIou(), box(o.gtKnownBox()), o.gtKnownIou(), seq(hits),
        seq(boxed(o.largestIouPerTau())), seq(boxed(o.anyComponentIouPerTau())),
        px.map(PxapCurve::images).orElse(null), px.map(c -> seq(boxed(c.positiveHistogram()))).orElse(null),
        px.map(c -> seq(boxed(c.negativeHistogram()))).orElse(null));
  }

  /**
   * Method {@code m}'s outcome of an annotated, explained row, rebuilt exactly (every double as
   * written) with the ground truth's boxes.
   */
  static ImageOutcome outcome(Row row, int m, GroundTruth.Entry truth) {
    Row r = row.<Row>getList(row.fieldIndex("methods")).get(m);
    List<Boolean> hitList = r.getList(r.fieldIndex("hits"));
    boolean[] hits = new boolean[hitList.size()];
    for (int i = 0; i < hits.length; i++) {
      hits[i] = hitList.get(i);
    }
    Optional<PxapCurve> px = r.isNullAt(r.fieldIndex("px_images")) ? Optional.empty()
        : Optional.of(PxapCurve.fromHistograms(r.getLong(r.fieldIndex("px_images")),
            longs(r.getList(r.fieldIndex("px_positives"))), longs(r.getList(r.fieldIndex("px_negatives")))));
    return new ImageOutcome(truth.id(), truth.label(), r.getInt(r.fieldIndex("class_index")),
        r.getDouble(r.fieldIndex("confidence")), truth.truthBoxes(), box(r, "box"),
        box(r, "gt_known_box"), r.getDouble(r.fieldIndex("iou")), r.getDouble(r.fieldIndex("gt_known_iou")), hits,
        doubles(r.getList(r.fieldIndex("largest_iou"))), doubles(r.getList(r.fieldIndex("any_iou"))), px);
  }

  private static Optional<Box> box(Row r, String name) {
    int i = r.fieldIndex(name);
    if (r.isNullAt(i)) {
      return Optional.empty();
    }
    List<Integer> b = r.getList(i);
    return Optional.of(new Box(b.get(0), b.get(1), b.get(2), b.get(3)));
  }

  private static Object box(Optional<Box> b) {
    return b.map(x -> seq(new Integer[] {x.x0(), x.y0(), x.x1(), x.y1()})).orElse(null);
  }

  /** A Scala sequence, what Spark 4 takes for an array column of a {@link Row}. */
  private static Object seq(Object[] values) {
    return scala.collection.immutable.ArraySeq.unsafeWrapArray(values);
  }

  private static Double[] boxed(double[] v) {
    Double[] out = new Double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static Long[] boxed(long[] v) {
    Long[] out = new Long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static double[] doubles(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static long[] longs(List<Long> v) {
    return v.stream().mapToLong(Long::longValue).toArray();
  }

  private static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }

  private static DataType ints() {
    return DataTypes.createArrayType(DataTypes.IntegerType, false);
  }

  private static DataType doubles() {
    return DataTypes.createArrayType(DataTypes.DoubleType, false);
  }
}
