package io.camkit.cli;

import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.ImageFiles;
import io.camkit.core.RgbImage;
import io.camkit.serve.CamkitServer;
import io.camkit.serve.LoadTest;
import io.camkit.serve.ServeOptions;
import io.camkit.serve.ServedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code camkit bench serve}: a bounded load test of camkit serve on 127.0.0.1 ({@link LoadTest}). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Starts camkit serve on 127.0.0.1 in this process and loads it: C clients send explain requests"
        + " for T seconds; prints requests/s, p50/p99 latency, answers by status, the process RSS before and after"
        + " N more requests, and one request's latency next to the same library call. Writes bench-serve.md.")
final class ServeBenchCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "the model (camkit folder, transfer folder, .pt or .onnx)")
  Path model;

  @Option(names = "--card", description = "its card (TorchScript/ONNX; default: beside it)")
  Path card;

  @Option(names = "--image", required = true, description = "the image every request uploads")
  Path image;

  @Option(names = "--method", description = "the method every request asks for (default: ${DEFAULT-VALUE})")
  String method = "cam";

  @Option(names = "--clients", description = "concurrent clients (default: ${DEFAULT-VALUE})")
  int clients = 4;

  @Option(names = "--seconds", description = "how long they send (default: ${DEFAULT-VALUE})")
  int seconds = 20;

  @Option(names = "--workers", description = "the server's inference threads (default: ${DEFAULT-VALUE})")
  int workers = 1;

  @Option(names = "--queue", description = "the server's waiting line (default: ${DEFAULT-VALUE})")
  int queue = 8;

  @Option(names = "--rss-requests", description = "requests between the two RSS readings (default: ${DEFAULT-VALUE})")
  int rssRequests = 1000;

  @Option(names = "--rounds", description = "lone requests timed against the library call (default: ${DEFAULT-VALUE})")
  int rounds = 50;

  @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
  Path out = Path.of("runs/bench");

  @Override
  public Integer call() throws Exception {
    LoadTest.Settings settings = new LoadTest.Settings(clients, seconds, method, rssRequests, rounds);
    RgbImage img = ImageFiles.read(image);
    ServeOptions options = ServeOptions.defaults().withPort(0)
        .withLimits(ServeOptions.DEFAULT_MAX_UPLOAD, workers, queue, Duration.ofSeconds(60));
    ServedModel served = ServedModel.open(model, card);
    LoadTest.Result r;
    try (CamkitServer server = new CamkitServer(options, List.of(served), List.of(), List.of())) {
      server.start();
      System.out.println("camkit serve on " + server.url() + ", " + workers + " worker(s), queue " + queue);
      r = LoadTest.run(server, served, img, settings, System.out::println);
    } finally {
      served.model().close();
    }
    if (r.byStatus().keySet().stream().anyMatch(s -> s != 200 && s != 503)) {
      System.err.println("warning: answers other than 200 and 503: " + r.byStatus());
    }
    String cpu = cpu();
    String table = r.markdown(served.name() + " (" + img.width() + "×" + img.height() + ")", cpu);
    Files.createDirectories(out);
    AtomicFiles.writeString(out.resolve("bench-serve.md"), "# camkit bench serve\n\n"
        + Runtime.getRuntime().availableProcessors() + " CPU threads, Java " + System.getProperty("java.version")
        + "; server and clients in one process on 127.0.0.1; " + workers + " worker(s), queue " + queue
        + "; a client that gets 503 waits 50 ms.\n\n" + table);
    System.out.println();
    System.out.println(table);
    System.out.println("written: " + out.resolve("bench-serve.md"));
    if (r.requests() == 0) {
      throw new CamkitException("no request completed");
    }
    return 0;
  }

  private static String cpu() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.replaceFirst("^[^:]*:\\s*", "").replaceAll("\\s+", " ") + " × "
              + Runtime.getRuntime().availableProcessors();
        }
      }
    } catch (java.io.IOException e) {
      // not Linux
    }
    return System.getProperty("os.arch").toLowerCase(Locale.ROOT) + " × " + Runtime.getRuntime().availableProcessors();
  }
}
