package io.camkit.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.CamkitException;
import io.camkit.core.RgbImage;
import io.camkit.core.Version;
import io.camkit.explain.method.CamMethods;
import io.camkit.pipeline.Calibration;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code camkit serve}: a Javalin (Jetty 12) web server over the library — the page (plain HTML,
 * CSS and JavaScript from this jar) and the JSON API behind it. It explains through {@link
 * Explanations} / {@code Explainer} only; it holds no pipeline of its own.
 *
 * <p>Safe by default: it binds to {@link ServeOptions#host()} (loopback unless told otherwise; a
 * loopback server also refuses a {@code Host} header that is not a loopback name, against DNS
 * rebinding); a token, when set, is required on every {@code /api/} call (401); uploads are capped
 * (413) and decoded by content with the pixel count checked from the header ({@link Uploads});
 * inference runs on a bounded {@link InferencePool} (503 with {@code Retry-After} when full, a time
 * limit per request); only files of the served datasets and evaluations are handed out ({@link
 * SafePaths}); every answer carries {@code Content-Security-Policy}, {@code X-Content-Type-Options:
 * nosniff} and {@code X-Frame-Options: DENY}; there are no directory listings and no CORS headers
 * unless an origin is allowed. Every error is {@code {"error": message, "status": code}}.
 */
public final class CamkitServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CamkitServer.class);

  /** The page's files (from {@code io/camkit/serve/web/} in this jar): name → content type. */
  static final Map<String, String> STATIC = Map.of("index.html", "text/html; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8", "box.js", "text/javascript; charset=utf-8",
      "app.css", "text/css; charset=utf-8");

  /** The page's Content-Security-Policy: its own scripts and styles only, images from itself or blobs. */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:;"
      + " connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

  private final ServeOptions options;
  private final Map<String, ServedModel> models = new LinkedHashMap<>();
  private final Map<String, ServedDataset> datasets = new LinkedHashMap<>();
  private final Map<String, ServedEvaluation> evaluations = new LinkedHashMap<>();
  private final Map<String, byte[]> statics = new ConcurrentHashMap<>();
  private final Map<String, DatasetScores> scores = new ConcurrentHashMap<>();
  private final InferencePool pool;
  private final ExecutorService scoring;
  private final boolean loopback;
  private Javalin app;

  /**
   * A server over models, datasets and evaluation folders already opened (not started).
   *
   * @throws CamkitException when there is no model
   */
  public CamkitServer(ServeOptions options, List<ServedModel> models, List<ServedDataset> datasets,
      List<ServedEvaluation> evaluations) {
    if (models.isEmpty() && evaluations.isEmpty()) {
      throw new CamkitException("camkit serve needs at least one --model (or an --eval folder to show)");
    }
    this.options = options;
    models.forEach(m -> this.models.put(unique(this.models.keySet(), m.name()), m));
    datasets.forEach(d -> this.datasets.put(unique(this.datasets.keySet(), d.name()), d));
    evaluations.forEach(e -> this.evaluations.put(unique(this.evaluations.keySet(), e.name()), e));
    this.pool = new InferencePool(options.workers(), options.queue(), options.timeLimit());
    this.scoring = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "camkit-dataset-scoring");
      t.setDaemon(true);
      return t;
    });
    this.loopback = ServeOptions.loopback(options.host());
    for (String f : STATIC.keySet()) {
      try (InputStream in = CamkitServer.class.getResourceAsStream("web/" + f)) {
        if (in == null) {
          throw new IllegalStateException("missing resource web/" + f);
        }
        statics.put(f, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static String unique(Set<String> taken, String name) {
    String n = name;
    for (int i = 2; taken.contains(n); i++) {
      n = name + "-" + i;
    }
    return n;
  }

  /** Starts listening; returns this. */
  public CamkitServer start() {
    long maxUpload = options.maxUploadBytes();
    app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.jetty.host = options.host();
      config.jetty.port = options.port();
      config.jetty.threadPool = new QueuedThreadPool(Math.max(16, 2 * (options.workers() + options.queue()) + 8), 4);
      config.http.maxRequestSize = maxUpload + 65_536;
      // Jetty's parser must not stop in the middle of a body it has begun to read: it would close the
      // connection with the rest unread, and the client, still sending, can lose the 413 to the reset.
      // It reads up to the request limit; the handler refuses a file over maxUpload once it is read
      // (413), and a body declared larger than the request limit before reading any of it.
      config.jetty.multipartConfig.maxFileSize(maxUpload + 65_536, SizeUnit.BYTES);
      config.jetty.multipartConfig.maxTotalRequestSize(maxUpload + 65_536, SizeUnit.BYTES);
      config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
      config.routes.before(this::guard);
      config.routes.options("/api/*", ctx -> ctx.status(204));
      config.routes.get("/", ctx -> page(ctx, "index.html"));
      config.routes.get("/static/{file}", ctx -> page(ctx, ctx.pathParam("file")));
      config.routes.get("/api/health", this::health);
      config.routes.get("/api/models", this::models);
      config.routes.post("/api/explain", this::explain);
      config.routes.get("/api/datasets", this::datasets);
      config.routes.get("/api/datasets/{name}/scores", this::datasetScores);
      config.routes.get("/api/datasets/{name}/image/{index}", this::datasetImage);
      config.routes.get("/api/datasets/{name}/file", this::datasetFile);
      config.routes.get("/api/evaluations", this::evaluations);
      config.routes.get("/api/evaluations/{name}", this::evaluation);
      config.routes.get("/api/evaluations/{name}/file/{file}", this::evaluationFile);
      config.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), e.retryAfterSeconds()));
      config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
          e.getStatus() == 413 ? "the upload is larger than the server's limit of " + maxUpload + " bytes"
              : e.getStatus() == 404 ? "not found" : e.getMessage(), 0));
      config.routes.exception(CamkitException.class, (e, ctx) -> error(ctx, 400, e.getMessage(), 0));
      config.routes.exception(Exception.class, (e, ctx) -> {
        if (tooLarge(e)) {
          error(ctx, 413, "the upload is larger than the server's limit of " + maxUpload + " bytes", 0);
          return;
        }
        LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
        error(ctx, 500, "internal error (the server's log has the details)", 0);
      });
      config.routes.error(404, ctx -> {
        String type = ctx.res().getContentType();
        if (type == null || !type.startsWith("application/json")) {
          error(ctx, 404, "not found", 0);
        }
      });
    });
    app.start();
    return this;
  }

  /** The port it listens on (the real one when started with port 0). */
  public int port() {
    return app.port();
  }

  /** The page's address, with the token when there is one. */
  public String url() {
    String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    if (host.equals("0.0.0.0") || host.equals("[::]")) {
      host = "127.0.0.1";
    }
    return "http://" + host + ":" + port() + "/" + (options.token() == null ? ""
        : "?token=" + URLEncoder.encode(options.token(), StandardCharsets.UTF_8));
  }

  public ServeOptions options() {
    return options;
  }

  InferencePool pool() {
    return pool;
  }

  /** Stops the server and its workers (the models stay open: their owner closes them). */
  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
    pool.close();
    scoring.shutdownNow();
  }

  // ---- every request ----

  private void guard(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-store");
    String origin = ctx.header("Origin");
    if (options.allowOrigin() != null && options.allowOrigin().equals(origin)) {
      ctx.header("Access-Control-Allow-Origin", origin);
      ctx.header("Access-Control-Allow-Headers", "Authorization, X-Camkit-Token");
      ctx.header("Vary", "Origin");
    }
    if (loopback) {
      String host = ctx.header("Host");
      String name = host == null ? "" : host.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
      if (!LOOPBACK_NAMES.contains(name)) {
        throw new ApiError(403, "this server answers only to localhost (Host: " + host + ")");
      }
    }
    if (options.token() != null && ctx.path().startsWith("/api/") && !"OPTIONS".equals(ctx.method().name())
        && !tokenMatches(ctx)) {
      throw new ApiError(401, "this server needs its access token (Authorization: Bearer TOKEN, or ?token=TOKEN)");
    }
  }

  private boolean tokenMatches(Context ctx) {
    String given = ctx.header("X-Camkit-Token");
    String auth = ctx.header("Authorization");
    if (given == null && auth != null && auth.startsWith("Bearer ")) {
      given = auth.substring(7).trim();
    }
    if (given == null) {
      given = ctx.queryParam("token");
    }
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        options.token().getBytes(StandardCharsets.UTF_8));
  }

  private static void error(Context ctx, int status, String message, int retryAfter) {
    ObjectNode n = Explanations.JSON.createObjectNode().put("error", message).put("status", status);
    if (retryAfter > 0) {
      ctx.header("Retry-After", Integer.toString(retryAfter));
    }
    ctx.status(status).contentType("application/json").result(n.toString());
  }

  private static boolean tooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("exceeds max") || m.contains("too large") || m.contains("max file size")
          || m.contains("request exceeds") || m.contains("413")) {
        return true;
      }
    }
    return false;
  }

  private static void json(Context ctx, JsonNode n) {
    ctx.contentType("application/json").result(n.toString());
  }

  private void page(Context ctx, String file) {
    byte[] body = statics.get(file);
    if (body == null) {
      throw new ApiError(404, "not found");
    }
    ctx.contentType(STATIC.get(file)).result(body);
  }

  // ---- API ----

  private void health(Context ctx) {
    json(ctx, Explanations.JSON.createObjectNode().put("status", "ok").put("version", Version.get())
        .put("models", models.size()).put("datasets", datasets.size()).put("evaluations", evaluations.size())
        .put("workers", options.workers()).put("running", pool.active()).put("waiting", pool.waiting())
        .put("queue", options.queue()).put("timeLimitMs", options.timeLimit().toMillis())
        .put("maxUploadBytes", options.maxUploadBytes()));
  }

  private void models(Context ctx) {
    ObjectNode n = Explanations.JSON.createObjectNode();
    ArrayNode ms = n.putArray("methods");
    CamMethods.names().forEach(ms::add);
    ArrayNode list = n.putArray("models");
    models.forEach((name, m) -> list.add(Explanations.model(m).put("name", name)));
    json(ctx, n);
  }

  private ServedModel model(String name) {
    if (models.isEmpty()) {
      throw new ApiError(404, "this server has no model");
    }
    if (name == null || name.isBlank()) {
      return models.values().iterator().next();
    }
    ServedModel m = models.get(name);
    if (m == null) {
      throw new ApiError(404, "no model '" + name + "'; this server has " + models.keySet());
    }
    return m;
  }

  private void explain(Context ctx) {
    long t0 = System.nanoTime();
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (!type.startsWith("multipart/form-data") && !type.startsWith("application/x-www-form-urlencoded")) {
      throw new ApiError(415, "send the image as multipart/form-data (field 'image'), or name a dataset image"
          + " (fields 'dataset' and 'index')");
    }
    long length = ctx.req().getContentLengthLong();
    if (length > options.maxUploadBytes() + 65_536) {
      throw new ApiError(413, "the upload is larger than the server's limit of " + options.maxUploadBytes()
          + " bytes");
    }
    ExplainParams p = ExplainParams.parse(ctx.formParam("model"), ctx.formParam("methods"), ctx.formParam("layer"),
        ctx.formParam("target"), ctx.formParam("tau"), ctx.formParam("topK"));
    ServedModel m = model(p.model());
    RgbImage image;
    String source;
    String dataset = ctx.formParam("dataset");
    if (dataset != null && !dataset.isBlank()) {
      ServedDataset d = dataset(dataset);
      int index = index(ctx.formParam("index"), d);
      image = d.data().get(index).image();
      source = d.name() + "/" + d.data().get(index).id();
    } else {
      UploadedFile f = ctx.uploadedFile("image");
      if (f == null) {
        throw new ApiError(400, "no image: send a file in the field 'image', or fields 'dataset' and 'index'");
      }
      if (f.size() > options.maxUploadBytes()) {
        throw new ApiError(413, "the upload is larger than the server's limit of " + options.maxUploadBytes()
            + " bytes");
      }
      byte[] bytes = read(f);
      source = f.filename() == null || f.filename().isBlank() ? "upload" : Path.of(f.filename()).getFileName()
          .toString();
      image = Uploads.decode(bytes, source);
    }
    long decoded = System.nanoTime();
    long[] started = new long[1];
    ObjectNode out = pool.run(() -> {
      started[0] = System.nanoTime();
      synchronized (m.lock()) {
        return Explanations.explain(m, image, source, p);
      }
    });
    ObjectNode timings = (ObjectNode) out.get("timings");
    timings.put("decodeMs", (decoded - t0) / 1e6).put("waitMs", (started[0] - decoded) / 1e6)
        .put("totalMs", (System.nanoTime() - t0) / 1e6);
    json(ctx, out);
  }

  private static byte[] read(UploadedFile f) {
    try (InputStream in = f.content()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new ApiError(400, "the upload was cut short (" + e.getMessage() + ")");
    }
  }

  private ServedDataset dataset(String name) {
    ServedDataset d = datasets.get(name);
    if (d == null) {
      throw new ApiError(404, "no dataset '" + name + "'");
    }
    return d;
  }

  private static int index(String s, ServedDataset d) {
    try {
      int i = Integer.parseInt(s == null ? "" : s.trim());
      if (i >= 0 && i < d.data().size()) {
        return i;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ApiError(404, "no image '" + s + "' in dataset " + d.name() + " (0.." + (d.data().size() - 1) + ")");
  }

  private void datasets(Context ctx) {
    ObjectNode n = Explanations.JSON.createObjectNode();
    ArrayNode list = n.putArray("datasets");
    datasets.forEach((name, d) -> {
      ObjectNode o = list.addObject().put("name", name).put("images", d.data().size()).put("problems", d.problems());
      ArrayNode c = o.putArray("classes");
      d.data().classes().forEach(c::add);
    });
    json(ctx, n);
  }

  private void datasetScores(Context ctx) {
    ServedDataset d = dataset(ctx.pathParam("name"));
    ServedModel m = model(ctx.queryParam("model"));
    String method = Optional.ofNullable(ctx.queryParam("method")).filter(s -> !s.isBlank()).orElse("cam");
    ExplainParams p = ExplainParams.parse(null, method, null, null, ctx.queryParam("tau"), null);
    Calibration.TauChoice tau = Explanations.tau(m, p.methods().get(0), p.tau());
    int page = intParam(ctx, "page", 0, 0, Integer.MAX_VALUE);
    int size = intParam(ctx, "size", 24, 1, 200);
    String sort = Optional.ofNullable(ctx.queryParam("sort")).orElse("index");
    String key = d.name() + "\n" + models.entrySet().stream().filter(e -> e.getValue() == m).findFirst()
        .map(Map.Entry::getKey).orElse(m.name()) + "\n" + p.methods().get(0) + "\n" + tau.tau();
    DatasetScores s = scores.computeIfAbsent(key, k -> {
      try {
        new io.camkit.pipeline.Explainer(m.model(), io.camkit.pipeline.MapRequest.of(p.methods().get(0)));
      } catch (CamkitException e) {
        throw new ApiError(400, e.getMessage());
      }
      DatasetScores fresh = new DatasetScores(d, m, p.methods().get(0), tau);
      scoring.submit(fresh::run);
      return fresh;
    });
    ObjectNode n = s.page(sort, page, size);
    ctx.status("done".equals(n.path("status").asText()) ? 200 : 202);
    json(ctx, n);
  }

  private static int intParam(Context ctx, String name, int dflt, int min, int max) {
    String s = ctx.queryParam(name);
    if (s == null || s.isBlank()) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(s.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ApiError(400, name + " must be an integer in " + min + ".." + max + ", got '" + s + "'");
  }

  private void datasetImage(Context ctx) throws IOException {
    ServedDataset d = dataset(ctx.pathParam("name"));
    RgbImage img = d.data().get(index(ctx.pathParam("index"), d)).image();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img.toBufferedImage(), "png", out);
    ctx.contentType("image/png").result(out.toByteArray());
  }

  private void datasetFile(Context ctx) throws IOException {
    ServedDataset d = dataset(ctx.pathParam("name"));
    Path f = SafePaths.resolve(d.root(), ctx.queryParam("path"))
        .orElseThrow(() -> new ApiError(404, "no such file in dataset " + d.name()));
    ctx.contentType(contentType(f)).result(Files.readAllBytes(f));
  }

  private static String contentType(Path f) throws IOException {
    byte[] head = new byte[8];
    try (InputStream in = Files.newInputStream(f)) {
      int n = in.readNBytes(head, 0, 8);
      if (n >= 4 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
        return "image/png";
      }
      if (n >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
        return "image/jpeg";
      }
    }
    return "application/octet-stream";
  }

  private void evaluations(Context ctx) {
    ObjectNode n = Explanations.JSON.createObjectNode();
    ArrayNode list = n.putArray("evaluations");
    evaluations.keySet().forEach(list::add);
    json(ctx, n);
  }

  private ServedEvaluation evaluation(String name) {
    ServedEvaluation e = evaluations.get(name);
    if (e == null) {
      throw new ApiError(404, "no evaluation '" + name + "'");
    }
    return e;
  }

  private void evaluation(Context ctx) throws IOException {
    ServedEvaluation e = evaluation(ctx.pathParam("name"));
    ObjectNode n = Explanations.JSON.createObjectNode();
    n.put("name", ctx.pathParam("name"));
    n.set("metrics", readJson(e.dir().resolve("metrics.json")));
    Path methods = e.dir().resolve("methods.json");
    n.set("methods", Files.isRegularFile(methods) ? readJson(methods) : null);
    List<String> files = new ArrayList<>();
    for (String f : ServedEvaluation.FILES) {
      if (SafePaths.resolve(e.dir(), f).isPresent()) {
        files.add(f);
      }
    }
    ArrayNode fs = n.putArray("files");
    files.forEach(fs::add);
    json(ctx, n);
  }

  private static JsonNode readJson(Path f) throws IOException {
    try {
      return Explanations.JSON.readTree(f.toFile());
    } catch (JsonProcessingException ex) {
      throw new ApiError(422, f.getFileName() + " is not valid JSON: " + ex.getOriginalMessage());
    }
  }

  private void evaluationFile(Context ctx) throws IOException {
    ServedEvaluation e = evaluation(ctx.pathParam("name"));
    String file = ctx.pathParam("file");
    Path f = ServedEvaluation.FILES.contains(file) ? SafePaths.resolve(e.dir(), file).orElse(null) : null;
    if (f == null) {
      throw new ApiError(404, "no such file in evaluation " + e.name());
    }
    String type = file.endsWith(".png") ? "image/png" : file.endsWith(".json") ? "application/json"
        : "text/markdown; charset=utf-8";
    ctx.contentType(type).result(Files.readAllBytes(f));
  }
}
