package io.camkit.cli;

import io.camkit.experiments.PoolingExperiment;
import io.camkit.experiments.RegularizerExperiment;
import io.camkit.experiments.ShiftExperiment;
import io.camkit.model.train.TrainOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code camkit experiment NAME}: the literature's comparisons, each writing a table and a chart. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = "Reproduce a comparison from the literature; each writes NAME.md, NAME.json and NAME.png.",
    subcommands = {ExperimentCommand.Shift.class, ExperimentCommand.Regularizer.class, ExperimentCommand.Pooling.class,
        ExperimentCommand.Wsol.class, ExperimentCommand.Supervision.class})
final class ExperimentCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code camkit experiment shift}. */
  @Command(name = "shift", mixinStandardHelpOptions = true,
      description = "CNN-flatten vs CNN-GAP trained on centred MNIST digits, tested on centred and shifted ones.")
  static final class Shift implements Callable<Integer> {
    private static final ShiftExperiment.Settings D = ShiftExperiment.Settings.defaults(Path.of("."));

    @Option(names = "--mnist", required = true, description = "folder with t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]")
    Path mnist;

    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs/experiments");

    @Option(names = "--train-size", description = "training digits (default: ${DEFAULT-VALUE})")
    int trainSize = D.trainSize();

    @Option(names = "--test-size", description = "test digits (default: ${DEFAULT-VALUE})")
    int testSize = D.testSize();

    @Option(names = "--epochs", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs = D.training().epochs();

    @Option(names = "--seed", description = "seed of the split, the shifts and training (default: ${DEFAULT-VALUE})")
    long seed = D.training().seed();

    @Option(names = "--models", split = ",", description = "networks to train: flatten, gap or both (default: both)")
    List<String> models = List.of("flatten", "gap");

    @Override
    public Integer call() throws Exception {
      TrainOptions t = D.training();
      TrainOptions opts = new TrainOptions(epochs, t.batchSize(), t.learningRate(), t.weightDecay(), t.warmupSteps(),
          false, 0, seed);
      List<String> names = chosen("--models", models, java.util.Map.of("flatten", "CNN-flatten", "gap", "CNN-GAP"));
      var settings = new ShiftExperiment.Settings(mnist, trainSize, testSize, opts, D.dropout(), names);
      ShiftExperiment.run(settings, out, TrainingProgress::new);
      return report(out, "shift");
    }
  }

  /**
   * The experiment's names of the {@code given} command-line keys ({@code names}: key → name), in
   * the order given; an unknown key is one line naming the option and the keys it takes.
   */
  static List<String> chosen(String option, List<String> given, java.util.Map<String, String> names) {
    List<String> out = new java.util.ArrayList<>();
    for (String g : given) {
      String name = names.get(g.trim().toLowerCase(java.util.Locale.ROOT));
      if (name == null) {
        throw new io.camkit.core.CamkitException(option + ": unknown value '" + g.trim() + "'; choose from "
            + String.join(", ", new java.util.TreeSet<>(names.keySet())) + " (comma-separated)");
      }
      out.add(name);
    }
    return out;
  }

  /** Prints an experiment's Markdown table and where its files are. */
  static Integer report(Path out, String name) throws java.io.IOException {
    System.out.println(java.nio.file.Files.readString(out.resolve(name + ".md")));
    System.out.println("written: " + out.resolve(name + ".md") + ", " + out.resolve(name + ".json") + ", "
        + out.resolve(name + ".png"));
    return 0;
  }

  /** The options of the experiments on the built-in benchmark. */
  abstract static class OnBenchmark implements Callable<Integer> {
    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs/experiments");

    @Option(names = "--epochs", description = "epochs (default: the experiment's own, see docs/EXPERIMENTS.md)")
    Integer epochs;

    TrainOptions training(TrainOptions defaults) {
      return epochs == null ? defaults : defaults.withEpochs(epochs);
    }
  }

  /** {@code camkit experiment regularizer}. */
  @Command(name = "regularizer", mixinStandardHelpOptions = true,
      description = "The same conv trunk with an FC head, an FC head with dropout, and GAP, on the built-in benchmark.")
  static final class Regularizer extends OnBenchmark {
    @Option(names = "--patience", description = "stop a head after this many epochs without a lower validation error"
        + " (default: ${DEFAULT-VALUE}); --epochs is then the most epochs a head may train (default 150), and the"
        + " progress bar's ETA is that upper bound")
    int patience = RegularizerExperiment.Settings.defaults().stopping().patience();

    @Option(names = "--budget-minutes", description = "also stop a head after this many minutes of training"
        + " (default: none)")
    double budgetMinutes;

    @Option(names = "--lr", description = "peak Adam learning rate (default: ${DEFAULT-VALUE})")
    float lr = RegularizerExperiment.Settings.defaults().training().learningRate();

    @Option(names = "--heads", split = ",", description = "heads to train: fc, fc-dropout, gap (default: all three)")
    List<String> heads = List.of("fc", "fc-dropout", "gap");

    @Override
    public Integer call() throws Exception {
      var d = RegularizerExperiment.Settings.defaults();
      var stopping = new io.camkit.model.train.EarlyStopping(patience, 0, 60 * budgetMinutes);
      var t = training(d.training());
      t = new TrainOptions(t.epochs(), t.batchSize(), lr, t.weightDecay(), t.warmupSteps(), t.flip(), t.maxShift(),
          t.seed());
      List<String> names = chosen("--heads", heads,
          java.util.Map.of("fc", "FC", "fc-dropout", "FC + dropout", "gap", "GAP"));
      RegularizerExperiment.run(new RegularizerExperiment.Settings(d.data(), t, stopping, names), out,
          TrainingProgress::new);
      return report(out, "regularizer");
    }
  }

  /** {@code camkit experiment pooling}. */
  @Command(name = "pooling", mixinStandardHelpOptions = true,
      description = "GAP vs GMP vs LSE vs WELDON vs WILDCAT on the multi-object benchmark: mAP, localization, pointing game, time.")
  static final class Pooling extends OnBenchmark {
    @Override
    public Integer call() throws Exception {
      var d = PoolingExperiment.Settings.defaults();
      PoolingExperiment.run(new PoolingExperiment.Settings(d.data(), training(d.training())), out, TrainingProgress::new);
      return report(out, "pooling");
    }
  }

  /** {@code camkit experiment wsol}. */
  @Command(name = "wsol", mixinStandardHelpOptions = true,
      description = "CAM vs HaS vs ACoL vs ADL vs CutMix on the built-in benchmark, τ chosen on validation: top-1,"
          + " GT-known loc at τ = 0.2 and τ*, MaxBoxAccV2, PxAP, mask mIoU, training time.")
  static final class Wsol extends OnBenchmark {
    @Option(names = "--quick", description = "demo --quick's benchmark and recipe (48×48, 2400 training images, 12"
        + " epochs): a few minutes for the five methods on a 2-core CPU, instead of about half an hour (the demo's 8000"
        + " images and 8 epochs)")
    boolean quick;

    @Option(names = "--grid", description = "choose each method's own hyper-parameters on validation (HaS patch side,"
        + " ADL γ and drop rate, ACoL δ, CutMix probability; one changed at a time): 10 trainings instead of 5")
    boolean grid;

    @Option(names = "--multi-object", description = "the multi-object benchmark (64×64, 1–3 objects of distinct classes,"
        + " multi-label training; mAP, per-class-pair localization, mask mIoU; ACoL left out: single-label only);"
        + " with --quick demo --quick --multi-object's 2400 images and 12 epochs")
    boolean multiObject;

    @Override
    public Integer call() throws Exception {
      var d = multiObject
          ? (quick ? io.camkit.experiments.WsolExperiment.Settings.quickMultiObject()
              : io.camkit.experiments.WsolExperiment.Settings.multiObjectDefaults())
          : quick ? io.camkit.experiments.WsolExperiment.Settings.quick()
              : io.camkit.experiments.WsolExperiment.Settings.defaults();
      io.camkit.experiments.WsolExperiment.run(
          new io.camkit.experiments.WsolExperiment.Settings(d.data(), training(d.training()), d.wsol(), grid), out,
          TrainingProgress::new);
      return report(out, "wsol");
    }
  }

  /** {@code camkit experiment supervision}. */
  @Command(name = "supervision", mixinStandardHelpOptions = true,
      description = "Weak vs full supervision on the built-in benchmark: CAM (image labels, τ from validation) vs a"
          + " U-Net and an FCN trained on the masks: top-1, GT-known loc, MaxBoxAccV2, PxAP, mask mIoU, training time.")
  static final class Supervision extends OnBenchmark {
    @Option(names = "--quick", description = "demo --quick's benchmark (48×48, 2400 training images; CAM 12 epochs,"
        + " segmenters 6)")
    boolean quick;

    @Option(names = "--seg-epochs", description = "the segmenters' epochs (default: 10, or 6 with --quick)")
    Integer segEpochs;

    @Override
    public Integer call() throws Exception {
      var d = quick ? io.camkit.experiments.SupervisionExperiment.Settings.quick()
          : io.camkit.experiments.SupervisionExperiment.Settings.defaults();
      var seg = d.segmentation();
      if (segEpochs != null) {
        seg = new io.camkit.model.train.SegmentationTrainer.Options(segEpochs, seg.batchSize(), seg.learningRate(),
            seg.classWeights(), seg.seed());
      }
      io.camkit.experiments.SupervisionExperiment.run(
          new io.camkit.experiments.SupervisionExperiment.Settings(d.data(), training(d.training()), seg, d.width(),
              d.depth()), out, TrainingProgress::new, System.out::println);
      return report(out, "supervision");
    }
  }
}
