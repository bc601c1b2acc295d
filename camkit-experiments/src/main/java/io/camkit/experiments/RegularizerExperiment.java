package io.camkit.experiments;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.model.CamNet;
import io.camkit.model.arch.ParameterCount;
import io.camkit.model.CamNetOptions;
import io.camkit.model.pooling.GlobalAveragePooling;
import io.camkit.model.train.ArrayTrainer;
import io.camkit.model.train.EarlyStopping;
import io.camkit.model.train.TrainOptions;
import io.camkit.model.train.TrainingListener;
import io.camkit.render.BarChart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * GAP as a structural regulariser (Lin et al. 2014, "Network In Network", Sec. 4.6, Table 5): the
 * same conv trunk ({@link CamNet}'s features) with three heads — flatten → FC 256 → FC C; the same
 * with dropout 0.5 before each FC; and GAP → linear C — trained without augmentation on the
 * built-in benchmark, compared by training and test error and parameter count.
 *
 * <p>Each head trains until its validation error stops improving ({@link EarlyStopping}: patience,
 * an optional time budget per head, at most {@code training.epochs()} epochs) and is scored with
 * the weights of its best validation epoch, so that no head is compared before it has converged
 * (NiN trained its nets for hundreds of epochs); the validation split is generated apart from the
 * training and test splits and selects nothing else.
 */
public final class RegularizerExperiment {
  private RegularizerExperiment() {}

  /**
   * The data and the training run shared by the three heads.
   *
   * @param data the benchmark; it needs a validation split ({@code valSize() > 0})
   * @param training the run; {@code epochs()} is the most epochs a head may train
   * @param stopping when a head has converged
   */
  public record Settings(ShapesOptions data, TrainOptions training, EarlyStopping stopping, List<String> heads) {
    /** The heads, by the names the table uses. */
    public static final List<String> HEADS = List.of("FC", "FC + dropout", "GAP");

    public Settings {
      io.camkit.core.Options.check(data.valSize() > 0, "val-size", data.valSize(), "> 0 (early stopping reads it)");
      heads = List.copyOf(heads);
      io.camkit.core.Options.check(!heads.isEmpty() && HEADS.containsAll(heads), "heads", heads, "some of " + HEADS);
    }

    /** All three heads. */
    public Settings(ShapesOptions data, TrainOptions training, EarlyStopping stopping) {
      this(data, training, stopping, HEADS);
    }

    /**
     * 48×48 images with objects of 14–26 px, 4000 / 1000 / 1000 train / validation / test, no
     * augmentation, Adam 1e-3 over at most 150 epochs, stopped after 10 epochs without a lower
     * validation error.
     */
    public static Settings defaults() {
      ShapesOptions d = ShapesOptions.defaults();
      return new Settings(
          new ShapesOptions(48, 14, 26, 1, 1, 1, 2, d.noiseSigma(), 4000, 1000, 1000, d.seed()),
          new TrainOptions(150, 32, 1e-3f, 0f, 100, false, 0, 7L), new EarlyStopping(10, 0, 0));
    }
  }

  /**
   * One head's result, scored with the weights of its best validation epoch.
   *
   * @param epochs epochs trained
   * @param bestEpoch the epoch whose weights were kept
   * @param stoppedBy why training ended (patience, time budget or max epochs)
   */
  public record Row(String head, long parameters, double trainError, double valError, double testError, int epochs,
      int bestEpoch, String stoppedBy, double seconds) {}

  public static List<Row> run(Settings s, Path out, Function<String, TrainingListener> listeners) throws IOException {
    DatasetArrays.Splits splits = DatasetArrays.Splits.of(s.data(), false);
    CamNetOptions net = splits.net();
    ArrayTrainer.Data trainData = splits.trainData();
    ArrayTrainer.Data testData = splits.testData();
    ArrayTrainer.Data valData = splits.valData();
    int classes = splits.classes();
    Map<String, Supplier<Block>> heads = new LinkedHashMap<>();
    heads.put("FC", () -> fc(net, classes, 0f));
    heads.put("FC + dropout", () -> fc(net, classes, 0.5f));
    heads.put("GAP", () -> new SequentialBlock().add(CamNet.featureBlock(net))
        .add(new GlobalAveragePooling().block()).add(Linear.builder().setUnits(classes).build()));
    List<Row> rows = new ArrayList<>();
    heads.keySet().retainAll(s.heads());
    for (var e : heads.entrySet()) {
      Block block = e.getValue().get();
      try (NDManager m = NDManager.newBaseManager()) {
        ArrayTrainer.Converged c = ArrayTrainer.fitUntilConverged(block, m, trainData, valData, s.training(),
            s.stopping(), listeners.apply(e.getKey()));
        long params = ParameterCount.of(block);
        rows.add(new Row(e.getKey(), params, error(ArrayTrainer.predict(block, m, trainData), trainData),
            c.bestValError(), error(ArrayTrainer.predict(block, m, testData), testData), c.history().size(),
            c.bestEpoch(), c.reason().words(), c.seconds()));
      }
    }
    write(rows, s, out);
    return rows;
  }

  private static Block fc(CamNetOptions net, int classes, float dropout) {
    SequentialBlock b = new SequentialBlock().add(CamNet.featureBlock(net)).add(Blocks.batchFlattenBlock());
    if (dropout > 0) {
      b.add(Dropout.builder().optRate(dropout).build());
    }
    b.add(Linear.builder().setUnits(256).build()).add(Activation::relu);
    if (dropout > 0) {
      b.add(Dropout.builder().optRate(dropout).build());
    }
    return b.add(Linear.builder().setUnits(classes).build());
  }


  private static double error(int[] predicted, ArrayTrainer.Data data) {
    int wrong = 0;
    for (int i = 0; i < predicted.length; i++) {
      if (predicted[i] != data.labels()[i]) {
        wrong++;
      }
    }
    return wrong / (double) predicted.length;
  }

  private static void write(List<Row> rows, Settings s, Path out) throws IOException {
    StringBuilder md = new StringBuilder("# Global average pooling as a regulariser\n\n");
    md.append(String.format(Locale.ROOT,
        "Built-in benchmark at %d×%d (objects %d–%d px), %d training, %d validation and %d test images, no"
            + " augmentation; batch %d, Adam %.0e with cosine decay over at most %d epochs, seed %d. Each head"
            + " stops after %d epochs without a lower validation error%s and is scored with the weights of its"
            + " best validation epoch.%n%n",
        s.data().imageSize(), s.data().imageSize(), s.data().minObjectSize(), s.data().maxObjectSize(),
        s.data().trainSize(), s.data().valSize(), s.data().testSize(), s.training().batchSize(),
        s.training().learningRate(), s.training().epochs(), s.training().seed(), s.stopping().patience(),
        s.stopping().budgetSeconds() > 0
            ? String.format(Locale.ROOT, " or after %.0f s of training", s.stopping().budgetSeconds()) : ""));
    md.append("| head | parameters | training error | validation error | test error | epochs (best) | stopped by | time |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %,d | %.2f %% | %.2f %% | %.2f %% | %d (%d) | %s | %.0f s |%n",
          r.head(), r.parameters(), 100 * r.trainError(), 100 * r.valError(), 100 * r.testError(), r.epochs(),
          r.bestEpoch(), r.stoppedBy(), r.seconds()));
    }
    md.append("\nReference (Network In Network, CIFAR-10 test error): FC 11.59 %, FC + dropout 10.88 %, GAP 10.41 %.\n");
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("training error", rows.stream().map(Row::trainError).toList());
    series.put("test error", rows.stream().map(Row::testError).toList());
    ExperimentOutput.write(out, "regularizer", md.toString(), s, rows,
        BarChart.render("Error by classifier head", "error", rows.stream().map(Row::head).toList(), series));
  }
}
