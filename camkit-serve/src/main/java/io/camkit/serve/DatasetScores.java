package io.camkit.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.Box;
import io.camkit.core.RgbImage;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.ClassResult;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.ImageResult;
import io.camkit.pipeline.MapRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every image of a served dataset explained once by one model and method (predicted class, box at
 * τ), so that the page can page through them sorted by IoU or confidence. Scoring runs in the
 * background a batch at a time under the model's lock; {@link #done()} counts the images scored.
 *
 * <p>IoU of an image: the best IoU of its predicted box with any ground-truth box of the predicted
 * class (0 when the class is wrong or there is no box), as top-1 localization counts it.
 */
public final class DatasetScores {
  /**
   * Most images per locked step; a step is one batch of the explainer's ({@link
   * Explainer#batchSize()}, 8 for 224-px photos): between two steps, explain requests get their turn
   * at the model, so a slow method (Score-CAM, seconds per image) holds the lock for one batch only.
   */
  static final int CHUNK = 32;

  /**
   * One scored image.
   *
   * @param index the sample's position in the dataset
   * @param box the predicted class's box at τ, if any
   * @param iou see the class comment
   */
  public record Row(int index, String id, int trueClass, int predictedClass, float confidence, Optional<Box> box,
      double iou) {}

  private final ServedDataset dataset;
  private final ServedModel model;
  private final String method;
  private final Calibration.TauChoice tau;
  private final AtomicInteger done = new AtomicInteger();
  private volatile List<Row> rows;
  private volatile String error;

  DatasetScores(ServedDataset dataset, ServedModel model, String method, Calibration.TauChoice tau) {
    this.dataset = dataset;
    this.model = model;
    this.method = method;
    this.tau = tau;
  }

  /** Scores every image; call once, on a background thread. */
  void run() {
    try {
      Explainer explainer = new Explainer(model.model(), tau.applyTo(MapRequest.of(method)).withTopK(1));
      List<Sample> samples = dataset.data().samples();
      List<Row> out = new ArrayList<>(samples.size());
      int step = Math.min(CHUNK, explainer.batchSize()); // batchSize() ≥ 1
      for (int from = 0; from < samples.size(); from += step) {
        List<Sample> part = samples.subList(from, Math.min(samples.size(), from + step));
        List<RgbImage> images = part.stream().map(Sample::image).toList();
        List<ImageResult> results;
        synchronized (model.lock()) {
          results = explainer.explain(images, part.stream().map(Sample::id).toList());
        }
        for (int i = 0; i < part.size(); i++) {
          out.add(row(from + i, part.get(i), results.get(i)));
        }
        done.set(out.size());
      }
      rows = List.copyOf(out);
    } catch (RuntimeException e) {
      error = e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }

  private static Row row(int index, Sample s, ImageResult r) {
    ClassResult c = r.first();
    Optional<Box> box = c.box();
    double iou = 0;
    if (box.isPresent()) {
      for (ObjectAnnotation o : s.objects()) {
        if (o.classIndex() == c.classIndex()) {
          iou = Math.max(iou, box.get().iou(o.box()));
        }
      }
    }
    return new Row(index, s.id(), s.label(), c.classIndex(), r.predicted().probability(), box, iou);
  }

  public int done() {
    return done.get();
  }

  /** The rows once every image is scored, else empty. */
  public Optional<List<Row>> rows() {
    return Optional.ofNullable(rows);
  }

  /** Why scoring stopped, if it failed. */
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  /**
   * A page of rows as JSON, or the progress while scoring.
   *
   * @param sort {@code index}, {@code iou} (worst first), {@code -iou}, {@code confidence} (least
   *     sure first) or {@code -confidence}
   */
  ObjectNode page(String sort, int page, int size) {
    Comparator<Row> order = switch (sort) {
      case "index" -> Comparator.comparingInt(Row::index);
      case "iou" -> Comparator.comparingDouble(Row::iou);
      case "-iou" -> Comparator.comparingDouble(Row::iou).reversed();
      case "confidence" -> Comparator.comparingDouble(Row::confidence);
      case "-confidence" -> Comparator.comparingDouble(Row::confidence).reversed();
      default -> throw new ApiError(400, "sort must be index, iou, -iou, confidence or -confidence, got '" + sort + "'");
    };
    ObjectNode n = Explanations.JSON.createObjectNode();
    n.put("dataset", dataset.name()).put("model", model.name()).put("method", method).put("tau", tau.tau())
        .put("tauSource", tau.source()).put("total", dataset.data().size());
    List<String> classes = dataset.data().classes();
    ArrayNode cls = n.putArray("classes");
    classes.forEach(cls::add);
    if (rows == null) {
      n.put("status", error == null ? "scoring" : "failed").put("done", done());
      if (error != null) {
        n.put("error", error);
      }
      return n;
    }
    List<Row> sorted = rows.stream().sorted(order.thenComparingInt(Row::index)).toList();
    n.put("status", "done").put("page", page).put("pageSize", size)
        .put("pages", (sorted.size() + size - 1) / size);
    ArrayNode items = n.putArray("items");
    for (Row r : sorted.subList(Math.min(sorted.size(), page * size), Math.min(sorted.size(), (page + 1) * size))) {
      Sample s = dataset.data().get(r.index());
      ObjectNode it = items.addObject();
      it.put("index", r.index()).put("id", r.id()).put("width", s.width()).put("height", s.height())
          .put("trueClass", classes.get(r.trueClass()))
          .put("predictedClass", r.predictedClass() >= 0 && r.predictedClass() < classes.size()
              ? classes.get(r.predictedClass()) : "?")
          .put("confidence", r.confidence()).put("iou", r.iou());
      Explanations.putBox(it, "box", r.box());
      ArrayNode gt = it.putArray("groundTruth");
      for (ObjectAnnotation o : s.objects()) {
        int[] b = o.box().toXywh();
        gt.addObject().put("class", classes.get(o.classIndex())).putArray("box").add(b[0]).add(b[1]).add(b[2])
            .add(b[3]);
      }
    }
    return n;
  }
}
