package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code camkit serve} on a model folder trained through the CLI, its data and its evaluation folder. */
class ServeCliTest {
  @TempDir Path tmp;

  static JsonNode get(HttpClient c, String url) throws Exception {
    HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + " → " + r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }

  @Test
  void servesATrainedModelItsCalibrationDataAndEvaluation() throws Exception {
    Path data = TinyRuns.generateAndTrain(tmp, 48, 12, 12);
    Path model = tmp.resolve("run/model");
    Path eval = tmp.resolve("eval");
    assertThat(Camkit.execute("evaluate", "--model", model.toString(), "--data", data.resolve("test").toString(),
        "--out", eval.toString(), "--method", "cam,gradcam", "--faithfulness-images", "0")).isZero();
    Path ready = tmp.resolve("url.txt");
    AtomicInteger exit = new AtomicInteger(-1);
    Thread t = new Thread(() -> exit.set(Camkit.execute("serve", "--model", model.toString(), "--data",
        data.resolve("test").toString(), "--eval", eval.toString(), "--port", "0", "--ready-file", ready.toString())));
    t.setDaemon(true);
    t.start();
    try {
      for (int i = 0; i < 600 && !Files.exists(ready); i++) {
        Thread.sleep(50);
      }
      String url = Files.readString(ready).trim();
      assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/");
      HttpClient c = HttpClient.newHttpClient();
      JsonNode models = get(c, url + "api/models");
      JsonNode m = models.path("models").get(0);
      assertThat(m.path("name").asText()).isEqualTo("run/model");
      double tauStar = new ObjectMapper().readTree(model.resolve("calibration.json").toFile()).path("methods")
          .path("cam").path("tau").asDouble();
      assertThat(m.path("calibratedTau").path("cam").asDouble()).isEqualTo(tauStar);
      assertThat(get(c, url + "api/datasets").path("datasets").get(0).path("images").asInt()).isEqualTo(12);
      assertThat(get(c, url + "api/evaluations/eval").path("methods").path("methods")).hasSize(2);
    } finally {
      ServeCommand.stopRunning();
      t.join(10_000);
    }
    assertThat(exit.get()).isZero();
  }

  @Test
  void mistakesEndWithAOneLineMessage() {
    assertThat(Camkit.execute("serve")).isEqualTo(Camkit.USER_ERROR);
    assertThat(Camkit.execute("serve", "--model", tmp.resolve("nothing").toString(), "--port", "0"))
        .isEqualTo(Camkit.USER_ERROR);
    assertThat(Camkit.execute("serve", "--eval", tmp.toString(), "--port", "0")).isEqualTo(Camkit.USER_ERROR);
    assertThat(Camkit.execute("serve", "--eval", tmp.toString(), "--port", "70000")).isEqualTo(Camkit.USER_ERROR);
    assertThat(Camkit.execute("serve", "--eval", tmp.toString(), "--host", "0.0.0.0", "--token", "short"))
        .isEqualTo(Camkit.USER_ERROR);
  }
}
