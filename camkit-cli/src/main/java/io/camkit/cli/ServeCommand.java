package io.camkit.cli;

import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.serve.CamkitServer;
import io.camkit.serve.ServeOptions;
import io.camkit.serve.ServedDataset;
import io.camkit.serve.ServedEvaluation;
import io.camkit.serve.ServedModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code camkit serve}: the web app over the library (io.camkit.serve). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "A local web app: upload or pick an image, compare methods side by side, move τ and watch the box,"
        + " browse a dataset sorted by IoU, read an evaluation folder; with a JSON API (see README). Binds to"
        + " 127.0.0.1 unless --host says otherwise; any other host needs an access token (generated and printed"
        + " when --token is not given).")
final class ServeCommand implements Callable<Integer> {
  /** Set while a server runs in this JVM, so that tests can stop it. */
  private static volatile CountDownLatch running;

  @Option(names = "--model", description = "a model to serve (repeatable): camkit or transfer folder, TorchScript .pt"
      + " or ONNX .onnx")
  List<Path> models = new ArrayList<>();

  @Option(names = "--card", description = "the card of each --model, in the same order (default: beside each)")
  List<Path> cards = new ArrayList<>();

  @Option(names = "--data", description = "an annotated folder to browse (repeatable; any layout camkit evaluate reads)")
  List<Path> data = new ArrayList<>();

  @Option(names = "--eval", description = "a folder camkit evaluate --out wrote, to show (repeatable)")
  List<Path> evals = new ArrayList<>();

  @Option(names = "--host", description = "address to bind (default: ${DEFAULT-VALUE}, this machine only)")
  String host = "127.0.0.1";

  @Option(names = "--port", description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port = 8080;

  @Option(names = "--token", description = "access token for a non-loopback --host (default: a random one, printed)")
  String token;

  @Option(names = "--workers", description = "inference threads (default: ${DEFAULT-VALUE})")
  int workers = 1;

  @Option(names = "--queue", description = "requests that may wait for a worker; more get 503 (default: ${DEFAULT-VALUE})")
  int queue = 8;

  @Option(names = "--time-limit", description = "seconds a request may take, waiting included (default: ${DEFAULT-VALUE})")
  int timeLimit = 60;

  @Option(names = "--max-upload-mb", description = "largest upload in MiB (default: ${DEFAULT-VALUE})")
  int maxUploadMb = 16;

  @Option(names = "--allow-origin", description = "an origin allowed to call the API from its pages (CORS; default:"
      + " none)")
  String allowOrigin;

  @Option(names = "--ready-file", description = "write the URL to this file once listening (for scripts)")
  Path readyFile;

  @Override
  public Integer call() throws Exception {
    if (models.isEmpty() && evals.isEmpty()) {
      throw new CamkitException("give at least one --model (or an --eval folder to show)");
    }
    if (cards.size() > models.size()) {
      throw new CamkitException(cards.size() + " --card for " + models.size() + " --model");
    }
    String tok = token;
    if (tok == null && !ServeOptions.loopback(host)) {
      tok = ServeOptions.newToken();
    }
    ServeOptions options = new ServeOptions(host, port, tok, (long) maxUploadMb << 20, workers, queue,
        Duration.ofSeconds(timeLimit), allowOrigin);
    List<ServedModel> opened = new ArrayList<>();
    try {
      for (int i = 0; i < models.size(); i++) {
        opened.add(ServedModel.open(models.get(i), i < cards.size() ? cards.get(i) : null));
      }
      List<ServedDataset> datasets = new ArrayList<>();
      for (Path d : data) {
        ServedDataset sd = ServedDataset.read(d);
        System.out.println("data " + sd.name() + ": " + sd.data().size() + " images"
            + (sd.problems() > 0 ? ", " + sd.problems() + " problem(s) (camkit evaluate lists them)" : ""));
        datasets.add(sd);
      }
      List<ServedEvaluation> evaluations = evals.stream().map(ServedEvaluation::of).toList();
      CountDownLatch stop = new CountDownLatch(1);
      try (CamkitServer server = new CamkitServer(options, opened, datasets, evaluations)) {
        server.start();
        running = stop;
        Thread hook = new Thread(stop::countDown, "camkit-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        for (ServedModel m : opened) {
          System.out.println("model " + m.name() + ": " + m.model().description());
        }
        System.out.println("camkit serve: " + server.url() + "  (Ctrl-C stops it)");
        if (readyFile != null) {
          AtomicFiles.writeString(readyFile, server.url() + "\n");
        }
        stop.await();
        running = null;
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is stopping: nothing to remove
        }
      }
    } finally {
      opened.forEach(m -> m.model().close());
    }
    return 0;
  }

  /** Stops the server this JVM runs, if any (for tests). */
  static void stopRunning() {
    CountDownLatch l = running;
    if (l != null) {
      l.countDown();
    }
  }
}
