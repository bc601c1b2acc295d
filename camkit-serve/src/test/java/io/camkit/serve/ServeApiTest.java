package io.camkit.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.camkit.core.CamkitException;
import io.camkit.core.RgbImage;
import io.camkit.core.testing.TestImages;
import io.camkit.pipeline.ClassResult;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.ImageResult;
import io.camkit.pipeline.MapRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API over the JDK's HTTP client: answers equal the library's, and every limit holds. */
class ServeApiTest {
  @TempDir static Path dir;
  static ServeFixtures fx;
  static CamkitServer server;
  static Http http;

  @BeforeAll
  static void start() throws IOException {
    fx = new ServeFixtures(dir);
    server = fx.server(ServeFixtures.loopback());
    http = new Http(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
    fx.close();
  }

  static byte[] png(RgbImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img.toBufferedImage(), "png", out);
    return out.toByteArray();
  }

  static float[] grid(JsonNode map) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(map.path("data").asText())).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[b.remaining() / 4];
    b.asFloatBuffer().get(v);
    return v;
  }

  static void assertSecure(HttpResponse<byte[]> r) {
    assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v)
        .contains("default-src 'none'").contains("frame-ancestors 'none'"));
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  static void assertError(HttpResponse<byte[]> r, int status, String messagePart) {
    assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode n = Http.json(r);
    assertThat(n.path("status").asInt()).isEqualTo(status);
    assertThat(n.path("error").asText()).contains(messagePart);
    assertThat(Http.text(r)).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at io.");
    assertSecure(r);
  }

  @Test
  void healthModelsAndLayersAsCamkitLayersPrintsThem() {
    HttpResponse<byte[]> h = new Http(server.port()).header("Origin", "http://evil.example").get("/api/health");
    assertThat(h.statusCode()).isEqualTo(200);
    assertSecure(h);
    assertThat(Http.json(h).path("status").asText()).isEqualTo("ok");
    JsonNode m = Http.json(http.get("/api/models"));
    assertThat(m.path("methods").toString()).contains("\"gradcam\"", "\"scorecam\"");
    JsonNode tiny = m.path("models").get(0);
    assertThat(tiny.path("name").asText()).isEqualTo("tiny");
    assertThat(tiny.path("defaultLayer").asText()).isEqualTo(fx.model.defaultLayer());
    assertThat(tiny.path("calibratedTau").path("cam").asDouble()).isEqualTo(ServeFixtures.CAM_TAU);
    List<String> layers = new ArrayList<>();
    tiny.path("layers").forEach(l -> layers.add(l.path("name").asText() + " " + l.path("shape").asText()));
    assertThat(layers).isEqualTo(fx.model.layers().stream().map(l -> l.name() + " " + l.shapeText()).toList());
    assertThat(layers).hasSizeGreaterThan(1);
  }

  @Test
  void explainEqualsTheLibraryCallPredictionsBoxAndMapBitForBit() throws IOException {
    RgbImage img = fx.shapes.get(3).image();
    HttpResponse<byte[]> r = http.explain(png(img), "three.png", Map.of("methods", "cam,gradcam", "topK", "3"));
    assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(200);
    assertSecure(r);
    JsonNode n = Http.json(r);
    assertThat(n.path("image").path("width").asInt()).isEqualTo(32);
    assertThat(n.path("results")).hasSize(2);

    ImageResult cam = new Explainer(fx.model, MapRequest.of("cam").withTau(ServeFixtures.CAM_TAU).withTopK(3))
        .explain(img, "x");
    ImageResult gc = new Explainer(fx.model, MapRequest.of("gradcam").withTau(0.2)).explain(img, "x");
    JsonNode preds = n.path("predictions");
    assertThat(preds).hasSize(3);
    for (int k = 0; k < 3; k++) {
      assertThat(preds.get(k).path("classIndex").asInt()).isEqualTo(cam.top().get(k).classIndex());
      assertThat((float) preds.get(k).path("probability").asDouble()).isEqualTo(cam.top().get(k).probability());
    }
    JsonNode r0 = n.path("results").get(0);
    JsonNode r1 = n.path("results").get(1);
    assertThat(r0.path("method").asText()).isEqualTo("cam");
    assertThat(r0.path("tau").asDouble()).isEqualTo(ServeFixtures.CAM_TAU);
    assertThat(r0.path("tauSource").asText()).startsWith("τ* of cam on the validation split val");
    assertThat(r1.path("method").asText()).isEqualTo("gradcam");
    assertThat(r1.path("tau").asDouble()).isEqualTo(0.2);
    assertThat(r1.path("tauSource").asText()).contains("no τ* for gradcam");
    for (Object[] pair : new Object[][] {{r0, cam.first()}, {r1, gc.first()}}) {
      JsonNode j = (JsonNode) pair[0];
      ClassResult lib = (ClassResult) pair[1];
      assertThat(j.path("classIndex").asInt()).isEqualTo(lib.classIndex());
      int[] box = lib.box().orElseThrow().toXywh();
      assertThat(j.path("box").toString()).isEqualTo("[" + box[0] + "," + box[1] + "," + box[2] + "," + box[3] + "]");
      assertThat(j.path("map").path("exact").asBoolean()).isTrue();
      assertThat(j.path("map").path("width").asInt()).isEqualTo(32);
      assertThat(grid(j.path("map"))).containsExactly(lib.normalized().values());
      assertThat(j.path("raw").path("values")).hasSize(lib.rawMap().raw().values().length);
    }
    assertThat(n.path("timings").path("camMs").asDouble()).isPositive();
    assertThat(n.path("timings").path("totalMs").asDouble())
        .isGreaterThanOrEqualTo(n.path("timings").path("camMs").asDouble());
  }

  @Test
  void explainAClassByNameTopKAndADatasetImage() {
    String cls = fx.model.classes().get(2);
    JsonNode n = Http.json(http.explain(null, null, Map.of("dataset", "data", "index", "5", "target", cls,
        "tau", "0.6", "methods", "gradcam")));
    assertThat(n.path("image").path("source").asText()).isEqualTo("data/" + fx.shapes.get(5).id());
    JsonNode r = n.path("results").get(0);
    assertThat(r.path("className").asText()).isEqualTo(cls);
    assertThat(r.path("tau").asDouble()).isEqualTo(0.6);
    int c = fx.model.classes().indexOf(cls);
    ClassResult lib = new Explainer(fx.model, MapRequest.of("gradcam").withTau(0.6)
        .withTargets(io.camkit.explain.target.TargetSelector.classIndex(c))).explain(fx.shapes.get(5).image(), "x")
        .first();
    int[] b = lib.box().orElseThrow().toXywh();
    assertThat(r.path("box").get(2).asInt()).isEqualTo(b[2]);
    assertThat(r.path("box").get(0).asInt()).isEqualTo(b[0]);

    JsonNode top = Http.json(http.explain(null, null, Map.of("dataset", "data", "index", "0", "target", "top3")));
    assertThat(top.path("results")).hasSize(3);
    assertThat(top.path("results").get(0).path("classIndex").asInt())
        .isEqualTo(top.path("predictions").get(0).path("classIndex").asInt());
  }

  @Test
  void badRequestsGetAReasonNeverAStackTrace() throws IOException {
    byte[] ok = png(fx.shapes.get(0).image());
    assertError(http.explain(ok, "a.png", Map.of("methods", "gradcam,nosuch")), 400, "unknown method 'nosuch'");
    assertError(http.explain(ok, "a.png", Map.of("target", "giraffe")), 400, "unknown class 'giraffe'");
    assertError(http.explain(ok, "a.png", Map.of("tau", "2")), 400, "tau must lie in [0, 1]");
    assertError(http.explain(ok, "a.png", Map.of("tau", "abc")), 400, "tau must be a number");
    assertError(http.explain(ok, "a.png", Map.of("layer", "no.such.layer")), 400, "no.such.layer");
    assertError(http.explain(ok, "a.png", Map.of("model", "other")), 404, "no model 'other'");
    assertError(http.explain(null, null, Map.of("methods", "cam")), 400, "no image");
    assertError(http.explain(new byte[0], "empty.png", Map.of()), 400, "empty.png is empty");
    assertError(http.explain("just some text, no picture".getBytes(), "notes.png", Map.of()), 415,
        "not a readable image");
    assertError(http.explain(Arrays.copyOf(ok, ok.length / 2), "cut.png", Map.of()), 422, "cut.png");
    assertError(http.explain(TestImages.pngHeader(100_000, 100_000), "bomb.png", Map.of()), 413,
        "100000x100000 pixels is over the");
    assertError(http.explain(null, null, Map.of("dataset", "data", "index", "12")), 404, "no image '12'");
    assertError(http.explain(null, null, Map.of("dataset", "../data", "index", "0")), 404, "no dataset");
    assertError(http.get("/api/nothing-here"), 404, "not found");
    assertError(http.get("/api/datasets/data/scores?sort=size"), 400, "sort must be");
  }

  @Test
  void uploadsOverTheCapGet413() throws IOException {
    try (CamkitServer small = fx.server(ServeFixtures.loopback().withLimits(4096, 1, 2, Duration.ofSeconds(30)))) {
      Http h = new Http(small.port());
      // Refused on its declared length before any byte of the body is read. Sent as headers alone:
      // the JDK client sending the whole 100 kB was still writing when the 413 and the close came, and
      // now and then reported the reset ("header parser received no bytes") instead: a client race,
      // not the server's answer, which is what this checks.
      assertThat(Http.uploadHeadersOnly(small.port(), 100_000))
          .startsWith("HTTP/1.1 413").contains("larger than the server's limit of 4096");
      assertError(h.explain(new byte[6000], "big.png", Map.of()), 413, "4096");
      assertThat(h.explain(png(fx.shapes.get(0).image()), "ok.png", Map.of()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void datasetFilesOnlyInsideTheFolder() throws IOException {
    Path outside = dir.resolve("secret.txt");
    Files.writeString(outside, "secret");
    Path data = fx.dataset.root();
    Files.createSymbolicLink(data.resolve("link.png"), outside);
    Files.createDirectories(data.resolve("sub"));
    String image = Files.list(data.resolve("images")).findFirst().orElseThrow().getFileName().toString();
    HttpResponse<byte[]> good = http.get("/api/datasets/data/file?path=images/" + image);
    assertThat(good.statusCode()).isEqualTo(200);
    assertThat(good.headers().firstValue("Content-Type")).hasValue("image/png");
    assertSecure(good);
    for (String bad : List.of("../secret.txt", "%2e%2e%2fsecret.txt", "images/..%2f..%2fsecret.txt",
        "%2e%2e/%2e%2e/secret.txt", outside.toString(), "/etc/passwd", "link.png", "sub", "images", "",
        "..%5csecret.txt", "images/%00x.png", ".hidden")) {
      assertError(http.get("/api/datasets/data/file?path=" + bad), 404, "no such file");
    }
    assertError(http.get("/api/datasets/data/file"), 404, "no such file");
    for (String raw : List.of("/api/datasets/data/file/../../secret.txt", "/static/../../pom.xml",
        "/static/%2e%2e%2fpom.xml", "/static/", "/static", "/api/evaluations/eval/file/..%2fx")) {
      String answer = Http.raw(server.port(), raw, "127.0.0.1");
      assertThat(answer).as(raw).matches("(?s)HTTP/1\\.1 (400|404) .*");
      assertThat(answer).as(raw).doesNotContain("secret").doesNotContain("<li>").doesNotContain("camkit-parent");
    }
    assertError(http.get("/api/evaluations/eval/file/report.txt"), 404, "no such file");
    assertError(http.get("/api/evaluations/eval/file/..%2fdata"), 404, "");
  }

  @Test
  void evaluationFolderReadAsTheLibraryWroteIt() {
    JsonNode list = Http.json(http.get("/api/evaluations"));
    assertThat(list.path("evaluations").toString()).isEqualTo("[\"eval\"]");
    JsonNode e = Http.json(http.get("/api/evaluations/eval"));
    assertThat(e.path("metrics").path("maxBoxAccCurve").size()).isGreaterThan(10);
    assertThat(e.path("methods").path("methods")).hasSize(2);
    assertThat(e.path("methods").path("methods").get(1).path("method").asText()).isEqualTo("gradcam");
    assertThat(e.path("files").toString()).contains("failures.png");
    HttpResponse<byte[]> sheet = http.get("/api/evaluations/eval/file/failures.png");
    assertThat(sheet.statusCode()).isEqualTo(200);
    assertThat(sheet.headers().firstValue("Content-Type")).hasValue("image/png");
  }

  @Test
  void datasetScoresSortedByIouEqualTheLibrarysBoxes() throws Exception {
    JsonNode n = null;
    for (int i = 0; i < 200; i++) {
      HttpResponse<byte[]> r = http.get("/api/datasets/data/scores?model=tiny&method=cam&sort=iou&size=5");
      n = Http.json(r);
      if (r.statusCode() == 200) {
        break;
      }
      assertThat(r.statusCode()).isEqualTo(202);
      Thread.sleep(50);
    }
    assertThat(n.path("status").asText()).isEqualTo("done");
    assertThat(n.path("pages").asInt()).isEqualTo(3);
    assertThat(n.path("tau").asDouble()).isEqualTo(ServeFixtures.CAM_TAU);
    JsonNode items = n.path("items");
    assertThat(items).hasSize(5);
    for (int i = 1; i < items.size(); i++) {
      assertThat(items.get(i).path("iou").asDouble()).isGreaterThanOrEqualTo(items.get(i - 1).path("iou").asDouble());
    }
    JsonNode last = Http.json(http.get("/api/datasets/data/scores?model=tiny&method=cam&sort=-iou&page=0&size=12"));
    JsonNode best = last.path("items").get(0);
    int index = best.path("index").asInt();
    ImageResult lib = new Explainer(fx.model, MapRequest.of("cam").withTau(ServeFixtures.CAM_TAU))
        .explain(fx.shapes.get(index).image(), "x");
    int[] b = lib.first().box().orElseThrow().toXywh();
    assertThat(best.path("box").toString()).isEqualTo("[" + b[0] + "," + b[1] + "," + b[2] + "," + b[3] + "]");
    double iou = fx.shapes.get(index).objects().stream().filter(o -> o.classIndex() == lib.first().classIndex())
        .mapToDouble(o -> lib.first().box().orElseThrow().iou(o.box())).max().orElse(0);
    assertThat(best.path("iou").asDouble()).isEqualTo(iou);
    assertThat(best.path("groundTruth")).isNotEmpty();
    HttpResponse<byte[]> thumb = http.get("/api/datasets/data/image/" + index);
    assertThat(thumb.headers().firstValue("Content-Type")).hasValue("image/png");
    assertError(http.get("/api/datasets/data/image/99"), 404, "no image '99'");
  }

  @Test
  void aFullPoolAnswers503WithRetryAfterAndASlowRequestHitsTheTimeLimit() throws Exception {
    ServeOptions o = ServeFixtures.loopback().withLimits(ServeOptions.DEFAULT_MAX_UPLOAD, 1, 1, Duration.ofMillis(700));
    try (CamkitServer busy = fx.server(o)) {
      Http h = new Http(busy.port());
      byte[] img = png(fx.shapes.get(0).image());
      CountDownLatch release = new CountDownLatch(1);
      busy.pool().executor().submit(() -> {
        release.await();
        return null;
      });
      // the worker is taken and the line is empty: this request waits in line past the limit
      long t0 = System.nanoTime();
      assertError(h.explain(img, "a.png", Map.of()), 503, "longer than the server's limit of 700 ms");
      assertThat((System.nanoTime() - t0) / 1e6).isBetween(600.0, 5000.0);
      // now the line is full too: refused at once
      busy.pool().executor().submit(() -> {
        release.await();
        return null;
      });
      HttpResponse<byte[]> r = h.explain(img, "a.png", Map.of());
      assertError(r, 503, "the server is busy");
      assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
      release.countDown();
      for (int i = 0; i < 100 && busy.pool().active() + busy.pool().waiting() > 0; i++) {
        Thread.sleep(20);
      }
      assertThat(h.explain(img, "a.png", Map.of()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aNonLoopbackHostNeedsItsToken() {
    assertThatThrownBy(() -> ServeFixtures.loopback().withHost("0.0.0.0", null))
        .isInstanceOf(CamkitException.class).hasMessageContaining("needs an access token");
    String token = ServeOptions.newToken();
    try (CamkitServer open = fx.server(ServeFixtures.loopback().withHost("0.0.0.0", token))) {
      assertThat(open.url()).endsWith("/?token=" + token);
      for (String path : List.of("/api/health", "/api/models", "/api/datasets", "/api/evaluations/eval",
          "/api/datasets/data/image/0")) {
        assertError(new Http(open.port()).get(path), 401, "needs its access token");
        assertError(new Http(open.port()).header("Authorization", "Bearer wrong-token").get(path), 401, "token");
        assertThat(new Http(open.port()).header("Authorization", "Bearer " + token).get(path).statusCode())
            .isEqualTo(200);
        assertThat(new Http(open.port()).get(path + "?token=" + token).statusCode()).isEqualTo(200);
      }
      assertError(new Http(open.port()).explain(null, null, Map.of("dataset", "data", "index", "0")), 401, "token");
      // the page itself holds no data: it loads, then sends the token from its address
      assertThat(new Http(open.port()).get("/").statusCode()).isEqualTo(200);
      assertThat(Http.raw(open.port(), "/api/health", "camkit.example")).startsWith("HTTP/1.1 401");
    }
  }

  @Test
  void loopbackRefusesForeignHostNamesAndSendsNoCorsUnlessAsked() {
    assertThat(Http.raw(server.port(), "/api/health", "evil.example:" + server.port())).startsWith("HTTP/1.1 403");
    assertThat(Http.raw(server.port(), "/api/health", "localhost:" + server.port())).startsWith("HTTP/1.1 200");
    try (CamkitServer cors = fx.server(ServeFixtures.loopback().withAllowOrigin("http://lab.example"))) {
      assertThat(new Http(cors.port()).header("Origin", "http://lab.example").get("/api/health").headers()
          .firstValue("Access-Control-Allow-Origin")).hasValue("http://lab.example");
      assertThat(new Http(cors.port()).header("Origin", "http://evil.example").get("/api/health").headers()
          .firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void thePageAndItsFilesComeFromTheJar() {
    HttpResponse<byte[]> page = http.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertSecure(page);
    assertThat(Http.text(page)).contains("<script src=\"/static/app.js\"");
    assertThat(http.get("/static/box.js").statusCode()).isEqualTo(200);
    assertThat(http.get("/static/nothing.js").statusCode()).isEqualTo(404);
  }

}
