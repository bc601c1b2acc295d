package io.camkit.cli;

import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.PeakMemory;
import io.camkit.experiments.EvaluateBenchmark;
import io.camkit.experiments.ExplainBenchmark;
import io.camkit.explain.method.CamMethod;
import io.camkit.explain.method.CamMethods;
import io.camkit.explain.method.ScoreCam;
import io.camkit.interop.Models;
import io.camkit.interop.torchscript.TorchScriptCard;
import io.camkit.interop.torchscript.TorchScriptModel;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.model.layers.LayeredModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code camkit bench}: measured speed ratios (benchmarks are commands, not tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print ratios measured in one run.",
    subcommands = {BenchCommand.Explain.class, BenchCommand.Evaluate.class, ServeBenchCommand.class})
final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code camkit bench explain}. */
  @Command(name = "explain", mixinStandardHelpOptions = true,
      description = "ms per image of each CAM method and its ratio to a plain forward pass of the same model, at"
          + " batch 1 and 8: camkit's network (a fresh 96-px camnet, or --model) and, with --refs, the reference"
          + " ResNet-18. Writes bench-explain.md.")
  static final class Explain implements Callable<Integer> {
    @Option(names = "--model", description = "a camkit model folder or TorchScript .pt (default: a fresh 96-px camnet)")
    Path model;

    @Option(names = "--refs", description = "../shared/refs: also time its ResNet-18 (TorchScript, features/head splits)")
    Path refs;

    @Option(names = "--method", split = ",", description = "methods (default: all but sscam and iscam, which cost"
        + " 35 and 10 times Score-CAM's passes)")
    List<String> methods; // null: every method but sscam and iscam

    @Option(names = "--batch", split = ",", description = "batch sizes (default: 1,8; the Score-CAM family at batch 1"
        + " only unless --method names it)")
    int[] batches = {1, 8};

    @Option(names = "--rounds", description = "timed repetitions per measurement (default: ${DEFAULT-VALUE})")
    int rounds = 9;

    @Option(names = "--mask-batch", split = ",", description = "Score-CAM family: masked inputs per forward pass;"
        + " several values are timed side by side (default: the method's, ${DEFAULT-VALUE})")
    int[] maskBatches = {new ScoreCam().maskBatch()};

    @Option(names = "--compare-layouts", description = "Score-CAM family: also time masked inputs in the plain"
        + " NCHW layout beside channels-last")
    boolean compareLayouts;

    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs/bench");

    @Override
    public Integer call() throws Exception {
      // Score-CAM and its kin run at every batch size when --method names them, else at batch 1 only
      boolean scoreAtEveryBatch = methods != null;
      List<String> names = methods != null ? methods
          : CamMethods.names().stream().filter(n -> !n.equals("sscam") && !n.equals("iscam")).toList();
      List<CamMethod> chosen = new ArrayList<>();
      for (String name : names) {
        CamMethod first = CamMethods.byName(name);
        if (!(first instanceof ScoreCam)) {
          chosen.add(first);
          continue;
        }
        for (int mb : maskBatches) {
          chosen.add(((ScoreCam) CamMethods.byName(name)).maskBatch(mb));
          if (compareLayouts) {
            chosen.add(((ScoreCam) CamMethods.byName(name)).maskBatch(mb).channelsLast(false));
          }
        }
      }
      List<ExplainBenchmark.Line> lines = new ArrayList<>();
      try (LayeredModel m = model != null ? Models.open(model) : freshCamnet()) {
        lines.addAll(ExplainBenchmark.run(m, model != null ? m.description() : "camnet 96 px (fresh)", chosen, batches,
            rounds, 1, scoreAtEveryBatch, System.out::println));
      }
      if (refs != null) {
        Path pt = refs.resolve("resnet18_seed0_split.torchscript.pt");
        if (!Files.isRegularFile(pt)) {
          throw new CamkitException("no reference ResNet-18 at " + pt);
        }
        var card = new TorchScriptCard(224, 224, null, null, null, List.of(
            new TorchScriptCard.Split("layer3", "features3", "head3"),
            new TorchScriptCard.Split("layer4", "features", "head")));
        try (LayeredModel r = TorchScriptModel.load(pt, card)) {
          lines.addAll(ExplainBenchmark.run(r, "resnet18 224 px", chosen, batches, rounds, 1, scoreAtEveryBatch,
              System.out::println));
        }
      }
      String table = ExplainBenchmark.markdownTable(lines);
      Files.createDirectories(out);
      AtomicFiles.writeString(out.resolve("bench-explain.md"), "# camkit bench explain\n\n"
          + Runtime.getRuntime().availableProcessors() + " CPU threads, Java " + System.getProperty("java.version")
          + "; medians of " + rounds + " alternating rounds after warm-up; target layer = the model's default.\n"
          + io.camkit.core.NativeAllocator.describe(System.getenv()) + ".\n\n"
          + table + "\nPeak resident memory of the whole run (VmHWM): " + PeakMemory.describe() + ".\n");
      System.out.println();
      System.out.println(table);
      System.out.println("peak resident memory of the whole run (VmHWM): " + PeakMemory.describe());
      System.out.println(io.camkit.core.NativeAllocator.describe(System.getenv()));
      System.out.println("written: " + out.resolve("bench-explain.md"));
      return 0;
    }

    private static LayeredModel freshCamnet() {
      ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(1);
      CamModel m = CamModel.create(CamNetOptions.defaults(96, 6), List.of("0", "1", "2", "3", "4", "5"));
      return CamModelLayers.owning(m);
    }
  }

  /** {@code camkit bench evaluate}. */
  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "Images per second of camkit evaluate (classification, maps, boxes, scores) with each method,"
          + " and its time ÷ plain classification of the same images, measured in one run; one or more models"
          + " (e.g. the same net as ONNX and TorchScript). Writes bench-evaluate.md.")
  static final class Evaluate implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a model (repeatable): camkit folder, .pt or .onnx")
    List<Path> models;

    @Option(names = "--card", description = "the card of each --model, in the same order (default: beside each)")
    List<Path> cards = new ArrayList<>();

    @Option(names = "--data", required = true, description = "a data folder (any layout camkit evaluate reads)")
    Path data;

    @Option(names = "--method", split = ",", description = "methods (default: ${DEFAULT-VALUE})")
    List<String> methods = List.of("cam", "gradcam");

    @Option(names = "--images", description = "use the first N images (default: all)")
    Integer images;

    @Option(names = "--batch", description = "images per classification call (default: ${DEFAULT-VALUE}, the methods'"
        + " batch size, so that both passes run the same batches)")
    int batch = 8;

    @Option(names = "--rounds", description = "timed repetitions (default: ${DEFAULT-VALUE})")
    int rounds = 2;

    @Option(names = "--tau", description = "map threshold for the boxes (default: ${DEFAULT-VALUE})")
    double tau = 0.2;

    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs/bench");

    @Override
    public Integer call() throws Exception {
      if (!cards.isEmpty() && cards.size() != models.size()) {
        throw new IllegalArgumentException("give one --card per --model (" + models.size() + " models, " + cards.size()
            + " cards), or none");
      }
      io.camkit.core.Options.check(batch >= 1, "batch", Integer.toString(batch), ">= 1");
      io.camkit.core.Options.check(rounds >= 1, "rounds", Integer.toString(rounds), ">= 1");
      List<CamMethod> chosen = methods.stream().map(CamMethods::byName).toList();
      long t0 = System.nanoTime();
      var loaded = io.camkit.dataset.io.DatasetFolders.read(data);
      double decodeSeconds = (System.nanoTime() - t0) / 1e9;
      loaded.skipped().forEach(s -> System.err.println("skipped: " + s));
      var dataset = images == null ? loaded.dataset() : loaded.dataset().head(Math.min(images, loaded.dataset().size()));
      System.out.printf(java.util.Locale.ROOT, "%d images decoded in %.1f s (%.1f images/s), not counted below%n",
          loaded.dataset().size(), decodeSeconds, loaded.dataset().size() / decodeSeconds);
      List<EvaluateBenchmark.Line> lines = new ArrayList<>();
      for (int i = 0; i < models.size(); i++) {
        try (LayeredModel m = Models.open(models.get(i), cards.isEmpty() ? null : cards.get(i))) {
          lines.addAll(EvaluateBenchmark.run(m, m.description(), dataset, chosen, batch, rounds, tau,
              System.out::println));
        }
      }
      String table = EvaluateBenchmark.markdownTable(lines);
      Files.createDirectories(out);
      AtomicFiles.writeString(out.resolve("bench-evaluate.md"), "# camkit bench evaluate\n\n"
          + Runtime.getRuntime().availableProcessors() + " CPU threads, Java " + System.getProperty("java.version")
          + "; " + dataset.size() + " images of " + data + " (decoded beforehand); medians of " + rounds
          + " rounds; default layer; faithfulness off.\n\n" + table);
      System.out.println();
      System.out.println(table);
      System.out.println("written: " + out.resolve("bench-evaluate.md"));
      return 0;
    }
  }
}
