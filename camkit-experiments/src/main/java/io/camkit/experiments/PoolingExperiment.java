package io.camkit.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.camkit.core.HeatMap;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.evaluate.MultiLabelAccumulator;
import io.camkit.evaluate.MultiLabelMetrics;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.model.CamNet;
import io.camkit.model.HeadOptions;
import io.camkit.model.arch.ClassMapHead;
import io.camkit.model.arch.PooledClassifier;
import io.camkit.model.train.ArrayTrainer;
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

/**
 * GAP vs GMP vs LSE vs WELDON vs WILDCAT on the multi-object benchmark: the same conv trunk
 * ({@link CamNet}'s features) and a class-map head ({@link ClassMapHead}) pooled by each scheme,
 * trained multi-label (binary cross-entropy) from image-level labels. Each present class is
 * localized from its own class map and scored against that class's boxes ({@link
 * MultiLabelAccumulator}, the scoring of {@code camkit evaluate} on multi-label data).
 */
public final class PoolingExperiment {
  private PoolingExperiment() {}

  /** Data, training run, and the schemes compared (name → pooling, maps per class). */
  public record Settings(ShapesOptions data, TrainOptions training) {
    /** 64×64 images with 1–3 objects of 12–24 px of distinct classes; 4000 / 500 images; 10 epochs. */
    public static Settings defaults() {
      ShapesOptions d = ShapesOptions.defaults();
      return new Settings(new ShapesOptions(64, 12, 24, 1, 3, 1, 2, d.noiseSigma(), 4000, 0, 500, d.seed()),
          new TrainOptions(10, 32, 1e-3f, 0f, 100, false, 0, 7L));
    }
  }

  /**
   * One scheme's scores. GT-known loc, MaxBoxAcc and the pointing game count (image, present class)
   * pairs; the pointing game hits when the class map's maximum lies inside one of the class's
   * boxes.
   */
  public record Row(String pooling, double mAP, double gtKnownLoc, double maxBoxAcc, double tauStar,
      double pointingGame, double trainSeconds) {}

  /** The compared heads (built from {@link HeadOptions}, the same factory as {@code camkit train --pooling}). */
  static Map<String, HeadOptions> schemes() {
    Map<String, HeadOptions> m = new LinkedHashMap<>();
    m.put("GAP", new HeadOptions("gap", 5, 5, 0.7, 5, 1)); // GAP over class maps ≡ GAP + linear
    m.put("GMP", new HeadOptions("gmp", 5, 5, 0.7, 5, 1));
    m.put("LSE (β=5)", new HeadOptions("lse", 5, 5, 0.7, 5, 1));
    m.put("WELDON (k⁺=k⁻=5)", new HeadOptions("weldon", 5, 5, 1, 5, 1));
    m.put("WILDCAT (M=4, k⁺=k⁻=5, α=0.7)", new HeadOptions("wildcat", 5, 5, 0.7, 5, 4));
    return m;
  }

  public static List<Row> run(Settings s, Path out, Function<String, TrainingListener> listeners) throws IOException {
    DatasetArrays.Splits splits = DatasetArrays.Splits.of(s.data(), true);
    Dataset test = splits.test();
    ArrayTrainer.Data trainData = splits.trainData();
    ArrayTrainer.Data testData = splits.testData();
    ArrayTrainer.Data none = ArrayTrainer.Data.empty(trainData.itemShape());
    int classes = splits.classes();
    List<Row> rows = new ArrayList<>();
    for (var e : schemes().entrySet()) {
      HeadOptions head = e.getValue();
      PooledClassifier block = new PooledClassifier(CamNet.featureBlock(splits.net()),
          new ClassMapHead(classes, head.mapsPerClass(), head.spatialPooling()));
      try (NDManager m = NDManager.newBaseManager()) {
        long t0 = System.nanoTime();
        ArrayTrainer.fit(block, m, trainData, none, s.training(), listeners.apply(e.getKey()));
        double secs = (System.nanoTime() - t0) / 1e9;
        float[][] scores = ArrayTrainer.scores(block, m, testData);
        rows.add(score(e.getKey(), block, m, test, testData, scores, classes, secs));
      }
    }
    write(rows, s, out);
    return rows;
  }

  private static Row score(String name, PooledClassifier block, NDManager m, Dataset test, ArrayTrainer.Data data,
      float[][] scores, int classes, double secs) {
    MultiLabelAccumulator acc = new MultiLabelAccumulator(classes, ThresholdLocalizer.DEFAULT_TAU);
    int item = (int) data.itemShape().size();
    for (int from = 0; from < test.size(); from += 64) {
      int n = Math.min(64, test.size() - from);
      float[] x = new float[n * item];
      for (int i = 0; i < n; i++) {
        System.arraycopy(data.inputs().get(from + i), 0, x, i * item, item);
      }
      try (NDManager scope = m.newSubManager()) {
        NDArray maps = block.classMaps(new ParameterStore(scope, false),
            scope.create(x, new ai.djl.ndarray.types.Shape(n, 3, data.itemShape().get(1), data.itemShape().get(2))));
        int h = (int) maps.getShape().get(2);
        int w = (int) maps.getShape().get(3);
        float[] all = maps.toFloatArray(); // [n, C, h, w]
        for (int i = 0; i < n; i++) {
          Sample sample = test.get(from + i);
          int base = i * classes;
          // Each present class's own map: ReLU, bilinear to the image, min-max (as Explanation.map).
          acc.add(sample, scores[from + i], c -> new HeatMap(w, h,
                  java.util.Arrays.copyOfRange(all, (base + c) * h * w, (base + c + 1) * h * w))
              .relu().resize(sample.width(), sample.height()).normalized());
        }
      }
    }
    MultiLabelMetrics r = acc.snapshot();
    return new Row(name, r.mAP(), r.gtKnownLocalization(), r.maxBoxAcc(), r.tauStar(), r.pointingGame(), secs);
  }

  private static void write(List<Row> rows, Settings s, Path out) throws IOException {
    StringBuilder md = new StringBuilder("# Global pooling schemes on the multi-object benchmark\n\n");
    md.append(String.format(Locale.ROOT,
        "%d×%d images with %d–%d objects of %d–%d px (distinct classes), %d training and %d test images; same trunk,"
            + " class-map head, binary cross-entropy; %d epochs, batch %d, Adam %.0e, no augmentation, seed %d."
            + " Localization counts (image, present class) pairs at τ = 0.2.%n%n",
        s.data().imageSize(), s.data().imageSize(), s.data().minObjects(), s.data().maxObjects(),
        s.data().minObjectSize(), s.data().maxObjectSize(), s.data().trainSize(), s.data().testSize(),
        s.training().epochs(), s.training().batchSize(), s.training().learningRate(), s.training().seed()));
    md.append("| pooling | mAP | GT-known loc | MaxBoxAcc (τ*) | pointing game | training time |\n|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %.1f %% | %.1f %% | %.1f %% (%.2f) | %.1f %% | %.0f s |%n", r.pooling(),
          100 * r.mAP(), 100 * r.gtKnownLoc(), 100 * r.maxBoxAcc(), r.tauStar(), 100 * r.pointingGame(), r.trainSeconds()));
    }
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("mAP", rows.stream().map(Row::mAP).toList());
    series.put("GT-known loc", rows.stream().map(Row::gtKnownLoc).toList());
    series.put("pointing game", rows.stream().map(Row::pointingGame).toList());
    List<String> names = rows.stream().map(r -> r.pooling().replaceAll(" \\(.*", "")).toList();
    ExperimentOutput.write(out, "pooling", md.toString(), s, rows,
        BarChart.render("Pooling schemes on the multi-object benchmark", "score", names, series));
  }
}
