package io.camkit.serve;

import io.camkit.core.Options;
import io.camkit.core.RgbImage;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * A bounded load test of a server on 127.0.0.1 (started in this process, so that its resident
 * memory can be read): {@code clients} clients send explain requests back to back for {@code
 * seconds}; then requests/s, latency percentiles, answers by status, the process's RSS before and
 * after 1000 more requests, and the server's overhead — the median latency of one explain request
 * next to the median of the same {@link Explainer} call made directly.
 */
public final class LoadTest {
  private static final String BOUNDARY = "----camkit-load-test";

  /**
   * @param clients concurrent clients (1..256)
   * @param seconds how long they send (1..3600)
   * @param method the method every request asks for
   * @param rssRequests requests between the two RSS readings (0: skip)
   * @param overheadRounds requests (and library calls) timed one at a time for the overhead
   */
  public record Settings(int clients, int seconds, String method, int rssRequests, int overheadRounds) {
    public Settings {
      Options.check(clients >= 1 && clients <= 256, "clients", clients, "1..256");
      Options.check(seconds >= 1 && seconds <= 3600, "seconds", seconds, "1..3600");
      Options.check(rssRequests >= 0, "rss-requests", rssRequests, ">= 0");
      Options.check(overheadRounds >= 1, "rounds", overheadRounds, ">= 1");
    }
  }

  /**
   * What was measured.
   *
   * @param byStatus answers per HTTP status (0: the connection failed)
   * @param rssBeforeMb resident memory of this process before the RSS run, MiB (NaN off Linux)
   * @param rssAfterMb after {@code rssRequests} more requests
   * @param rssAfterTwiceMb after {@code 2 · rssRequests}: growth that stops is warm-up, growth that goes on a leak
   * @param libraryMs median of the direct library call, one image
   * @param handlerMs median time inside the server's explain handler (its {@code timings.totalMs}) for those
   * @param requestMs median of one explain request answered with 200, same image, no other load
   */
  public record Result(Settings settings, int requests, double seconds, double p50Ms, double p99Ms,
      Map<Integer, Integer> byStatus, double rssBeforeMb, double rssAfterMb, double rssAfterTwiceMb, double libraryMs,
      double handlerMs, double requestMs) {

    public double requestsPerSecond() {
      return requests / seconds;
    }

    /** The result as a Markdown table. */
    public String markdown(String model, String cpu) {
      return String.format(Locale.ROOT, "| model | CPU | method | clients | s | requests | req/s | p50 ms | p99 ms"
          + " | answers | RSS (MiB) before → after %d → %d req | library ms | handler ms | request ms | overhead ms |%n"
          + "|---|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|%n"
          + "| %s | %s | %s | %d | %.0f | %d | %.1f | %.1f | %.1f | %s | %.0f → %.0f → %.0f | %.2f | %.2f | %.2f | %.2f |%n",
          settings.rssRequests(), 2 * settings.rssRequests(), model, cpu, settings.method(), settings.clients(), seconds,
          requests,
          requestsPerSecond(), p50Ms, p99Ms, byStatus, rssBeforeMb, rssAfterMb, rssAfterTwiceMb, libraryMs, handlerMs,
          requestMs,
          requestMs - libraryMs);
    }
  }

  private LoadTest() {}

  /**
   * Runs the test against {@code server} (started, on 127.0.0.1) with {@code image} uploaded as
   * PNG each time; {@code served} is the model it explains with, for the library baseline.
   */
  public static Result run(CamkitServer server, ServedModel served, RgbImage image, Settings s, Consumer<String> log)
      throws InterruptedException {
    byte[] body = multipart(image, s.method());
    URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/explain");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    if (server.options().token() != null) {
      rb.header("Authorization", "Bearer " + server.options().token());
    }
    HttpRequest request = rb.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();

    for (int i = 0; i < 20; i++) {
      send(client, request); // warm-up
    }
    // load: C clients for T seconds
    List<Double> latencies = new CopyOnWriteArrayList<>();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    long end = System.nanoTime() + s.seconds() * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < s.clients(); c++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          long t0 = System.nanoTime();
          int status = send(client, request);
          latencies.add((System.nanoTime() - t0) / 1e6);
          statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
          if (status == 503) {
            sleep(50); // a polite client backs off (the server said Retry-After)
          }
        }
      }, "load-client-" + c);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double took = (System.nanoTime() - start) / 1e9;
    double[] lat = latencies.stream().mapToDouble(Double::doubleValue).toArray();
    Map<Integer, Integer> by = new TreeMap<>();
    statuses.forEach((k, v) -> by.put(k, v.get()));
    log.accept(String.format(Locale.ROOT, "%d clients, %.0f s: %d requests, %.1f/s, p50 %.1f ms, p99 %.1f ms, %s",
        s.clients(), took, lat.length, lat.length / took, percentile(lat, 50), percentile(lat, 99), by));

    // overhead, after the load has warmed the JIT: one request at a time next to the same library call: N
    // requests back to back, a pause, then N library calls on this thread. Not interleaved: libtorch gives each calling thread its own OpenMP team, and
    // a team that has just finished spins for a while, so alternating threads on 2 cores measures the contention.
    Explainer explainer = new Explainer(served.model(), Explanations.tau(served, s.method(), null)
        .applyTo(MapRequest.of(s.method())));
    for (int i = 0; i < 20; i++) {
      send(client, request);
    }
    double[] req = new double[s.overheadRounds()];
    double[] handler = new double[s.overheadRounds()];
    for (int i = 0; i < s.overheadRounds(); i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> answer = sendForBody(client, request);
      req[i] = (System.nanoTime() - t0) / 1e6;
      if (answer == null || answer.statusCode() != 200) {
        throw new IllegalStateException("the server answered " + (answer == null ? "nothing" : answer.statusCode())
            + " to a lone request");
      }
      handler[i] = serverTotal(answer.body());
    }
    Thread.sleep(1000);
    double[] lib = new double[s.overheadRounds()];
    for (int i = -20; i < s.overheadRounds(); i++) {
      long t0 = System.nanoTime();
      synchronized (served.lock()) {
        explainer.explain(image, "library").first().box();
      }
      if (i >= 0) {
        lib[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Thread.sleep(1000);
    log.accept(String.format(Locale.ROOT, "one request %.2f ms (%.2f ms of it inside the server's handler), the"
        + " library call %.2f ms (medians of %d)", percentile(req, 50), percentile(handler, 50), percentile(lib, 50),
        s.overheadRounds()));

    // memory: RSS before and after N more requests (sequential)
    double before = Double.NaN;
    double after = Double.NaN;
    double twice = Double.NaN;
    if (s.rssRequests() > 0) {
      System.gc();
      before = rssMb();
      for (int i = 0; i < s.rssRequests(); i++) {
        send(client, request);
      }
      System.gc();
      after = rssMb();
      for (int i = 0; i < s.rssRequests(); i++) {
        send(client, request);
      }
      System.gc();
      twice = rssMb();
      log.accept(String.format(Locale.ROOT, "RSS %.0f MiB before, %.0f MiB after %d requests, %.0f MiB after %d",
          before, after, s.rssRequests(), twice, 2 * s.rssRequests()));
    }
    return new Result(s, lat.length, took, percentile(lat, 50), percentile(lat, 99), by, before, after, twice,
        percentile(lib, 50), percentile(handler, 50), percentile(req, 50));
  }

  private static int send(HttpClient client, HttpRequest r) {
    try {
      return client.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static HttpResponse<String> sendForBody(HttpClient client, HttpRequest r) {
    try {
      return client.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** {@code timings.totalMs} of an explain answer: the time inside the server's handler. */
  private static double serverTotal(String body) {
    try {
      return Explanations.JSON.readTree(body).path("timings").path("totalMs").asDouble(Double.NaN);
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The p-th percentile (nearest rank) of {@code v}; NaN when empty. */
  static double percentile(double[] v, double p) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    int rank = (int) Math.ceil(p / 100 * s.length);
    return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
  }

  /** Resident memory of this process in MiB, from /proc/self/status (NaN where there is none). */
  public static double rssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  private static byte[] multipart(RgbImage image, String method) {
    try {
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(image.toBufferedImage(), "png", png);
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"methods\"\r\n\r\n" + method + "\r\n")
          .getBytes(StandardCharsets.UTF_8));
      b.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"load.png\"\r\n"
          + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      b.write(png.toByteArray());
      b.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
