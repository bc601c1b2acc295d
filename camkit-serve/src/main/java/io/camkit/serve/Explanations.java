package io.camkit.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import io.camkit.explain.target.TargetSelector;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.model.layers.LayerInfo;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.ClassResult;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.ImageResult;
import io.camkit.pipeline.MapRequest;
import io.camkit.pipeline.Prediction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The JSON the API answers, built from library results only: a model's layers, and one image
 * explained by one or more methods through {@link Explainer} (the same call as {@code camkit
 * localize}).
 *
 * <p>Each map is sent as the library's normalised map at the image's resolution ({@link
 * ClassResult#normalized()}, values in [0, 1]) encoded as little-endian float32 in base64 ({@code
 * "encoding": "f32le-base64"}): the page thresholds exactly these values, so its box at any τ is
 * the library's. An image over {@link #MAX_GRID} pixels gets the map resized to fit (then {@code
 * "exact": false}). The raw map at the layer's resolution comes beside it as numbers.
 */
public final class Explanations {
  /** The most map values sent at the image's own resolution (2²⁰, e.g. 1024 × 1024). */
  public static final int MAX_GRID = 1 << 20;

  static final ObjectMapper JSON = new ObjectMapper();

  private Explanations() {}

  /** A model as {@code GET /api/models} lists it: classes, input size, layers with shapes (as {@code camkit layers}). */
  public static ObjectNode model(ServedModel served) {
    LayeredModel m = served.model();
    ObjectNode n = JSON.createObjectNode();
    n.put("name", served.name());
    n.put("description", m.description());
    n.putArray("inputSize").add(m.inputSize()[0]).add(m.inputSize()[1]);
    ArrayNode classes = n.putArray("classes");
    m.classes().forEach(classes::add);
    n.put("defaultLayer", m.defaultLayer());
    ArrayNode layers = n.putArray("layers");
    for (LayerInfo l : m.layers()) {
      layers.addObject().put("name", l.name()).put("shape", l.shapeText()).put("kind", l.kind())
          .put("cam", m.supportsCam(l.name())).put("grad", m.supportsGradients(l.name()));
    }
    ObjectNode cal = n.putObject("calibratedTau");
    served.calibration().ifPresent(c -> c.methods().forEach((k, v) -> cal.put(k, v.tau())));
    ObjectNode refine = n.putObject("calibratedRefinement");
    served.calibration().ifPresent(c -> c.methods().forEach((k, v) -> refine.put(k, v.guidedFilter() == null
        ? "none" : v.guidedFilter().spec())));
    return n;
  }

  /** The targets a request names: predicted, topK or one class by name. */
  static TargetSelector targets(LayeredModel m, String target) {
    if (target.equals("predicted")) {
      return TargetSelector.predicted();
    }
    if (target.matches("top[1-9][0-9]?")) {
      return TargetSelector.topK(Math.min(Integer.parseInt(target.substring(3)), m.classes().size()));
    }
    int c = m.classes().indexOf(target);
    if (c < 0) {
      throw new ApiError(400, "unknown class '" + target + "'; the model knows " + m.classes());
    }
    return TargetSelector.classIndex(c);
  }

  /** τ of {@code method} for this request: the user's, else the model's τ*, else 0.2. */
  static Calibration.TauChoice tau(ServedModel m, String method, Double userTau) {
    return Calibration.choose(userTau == null ? OptionalDouble.empty() : OptionalDouble.of(userTau), m.calibration(),
        MapRequest.of(method).methodName(), ThresholdLocalizer.DEFAULT_TAU);
  }

  /**
   * Explains {@code image} with every method of {@code p}, one after the other on the caller's
   * thread (hold the model's lock).
   */
  public static ObjectNode explain(ServedModel served, RgbImage image, String source, ExplainParams p) {
    LayeredModel m = served.model();
    TargetSelector targets = targets(m, p.target());
    ObjectNode out = JSON.createObjectNode();
    out.put("model", served.name());
    out.putObject("image").put("source", source).put("width", image.width()).put("height", image.height());
    ArrayNode results = out.putArray("results");
    ObjectNode timings = JSON.createObjectNode();
    ImageResult first = null;
    for (String method : p.methods()) {
      Calibration.TauChoice tau = tau(served, method, p.tau());
      Explainer explainer;
      try {
        explainer = new Explainer(m, tau.applyTo(MapRequest.of(method).withLayer(p.layer()))
            .withTargets(targets).withTopK(Math.min(p.topK(), m.classes().size())));
      } catch (CamkitException e) {
        throw new ApiError(400, e.getMessage());
      }
      long t0 = System.nanoTime();
      ImageResult r = explainer.explain(image, source);
      for (ClassResult c : r.classes()) {
        results.add(result(c, tau));
      }
      timings.put(method + "Ms", (System.nanoTime() - t0) / 1e6);
      if (first == null) {
        first = r;
      }
    }
    ArrayNode top = out.putArray("predictions");
    for (Prediction pr : first.top()) {
      top.addObject().put("classIndex", pr.classIndex()).put("className", pr.className()).put("score", pr.score())
          .put("probability", pr.probability());
    }
    out.set("timings", timings);
    return out;
  }

  /** One class's map of one method: provenance, τ and its source, the library's box, the map grid. */
  static ObjectNode result(ClassResult c, Calibration.TauChoice tau) {
    ObjectNode n = JSON.createObjectNode();
    n.put("method", c.provenance().method()).put("layer", c.provenance().layer())
        .put("classIndex", c.classIndex()).put("className", c.className())
        .put("score", c.provenance().score()).put("probability", c.provenance().probability())
        .put("tau", tau.tau()).put("tauSource", tau.source()).put("degenerate", c.degenerate())
        .put("resolution", c.provenance().resolution()).put("refinement", c.provenance().refinement());
    putBox(n, "box", c.box());
    HeatMap norm = c.normalized();
    boolean exact = (long) norm.width() * norm.height() <= MAX_GRID;
    HeatMap grid = exact ? norm : fit(norm);
    ObjectNode map = n.putObject("map");
    map.put("width", grid.width()).put("height", grid.height()).put("exact", exact).put("encoding", "f32le-base64")
        .put("data", base64(grid.values()));
    HeatMap raw = c.rawMap().raw();
    ObjectNode rawNode = n.putObject("raw");
    rawNode.put("width", raw.width()).put("height", raw.height());
    ArrayNode values = rawNode.putArray("values");
    for (float v : raw.values()) {
      values.add(Float.isFinite(v) ? v : 0f);
    }
    return n;
  }

  static void putBox(ObjectNode n, String field, Optional<Box> box) {
    if (box.isEmpty()) {
      n.putNull(field);
    } else {
      int[] b = box.get().toXywh();
      n.putArray(field).add(b[0]).add(b[1]).add(b[2]).add(b[3]);
    }
  }

  private static HeatMap fit(HeatMap m) {
    double s = Math.sqrt((double) MAX_GRID / ((long) m.width() * m.height()));
    return m.resize(Math.max(1, (int) (m.width() * s)), Math.max(1, (int) (m.height() * s)));
  }

  /** Little-endian float32 bytes in base64 (JavaScript: {@code new Float32Array(bytes.buffer)}). */
  static String base64(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return Base64.getEncoder().encodeToString(b.array());
  }
}
