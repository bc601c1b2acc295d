package io.camkit.cli;

import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.experiments.ExplainBenchmark;
import io.camkit.explain.method.CamMethod;
import io.camkit.explain.method.CamMethods;
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
    subcommands = {BenchCommand.Explain.class})
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

    @Option(names = "--method", split = ",", description = "methods (default: all)")
    List<String> methods = CamMethods.names();

    @Option(names = "--batch", split = ",", description = "batch sizes (default: 1,8)")
    int[] batches = {1, 8};

    @Option(names = "--rounds", description = "timed repetitions per measurement (default: ${DEFAULT-VALUE})")
    int rounds = 9;

    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs/bench");

    @Override
    public Integer call() throws Exception {
      List<CamMethod> chosen = methods.stream().map(CamMethods::byName).toList();
      List<ExplainBenchmark.Line> lines = new ArrayList<>();
      try (LayeredModel m = model != null ? Models.open(model) : freshCamnet()) {
        lines.addAll(ExplainBenchmark.run(m, model != null ? m.description() : "camnet 96 px (fresh)", chosen, batches,
            rounds, 1, System.out::println));
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
          lines.addAll(ExplainBenchmark.run(r, "resnet18 224 px", chosen, batches, rounds, 1, System.out::println));
        }
      }
      String table = ExplainBenchmark.markdownTable(lines);
      Files.createDirectories(out);
      AtomicFiles.writeString(out.resolve("bench-explain.md"), "# camkit bench explain\n\n"
          + Runtime.getRuntime().availableProcessors() + " CPU threads, Java " + System.getProperty("java.version")
          + "; medians of " + rounds + " alternating rounds after warm-up; target layer = the model's default.\n\n"
          + table);
      System.out.println();
      System.out.println(table);
      System.out.println("written: " + out.resolve("bench-explain.md"));
      return 0;
    }

    private static LayeredModel freshCamnet() {
      ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(1);
      CamModel m = CamModel.create(CamNetOptions.defaults(96, 6), List.of("0", "1", "2", "3", "4", "5"));
      return CamModelLayers.owning(m);
    }
  }
}
