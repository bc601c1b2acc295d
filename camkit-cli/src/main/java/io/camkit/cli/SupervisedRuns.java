package io.camkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.AtomicFiles;
import io.camkit.core.HeatMap;
import io.camkit.core.ImageFiles;
import io.camkit.core.RgbImage;
import io.camkit.core.Version;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.evaluate.ImageOutcome;
import io.camkit.evaluate.LocalizationMetrics;
import io.camkit.evaluate.Reports;
import io.camkit.evaluate.SupervisedScoring;
import io.camkit.localize.Localization;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.model.CamNetOptions;
import io.camkit.model.seg.SegmenterOptions;
import io.camkit.model.supervised.SupervisedCard;
import io.camkit.model.train.BoxTrainer;
import io.camkit.model.train.SegmentationTrainer;
import io.camkit.render.Overlay;
import io.camkit.render.ResultFiles;
import io.camkit.transfer.SupervisedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fully supervised models from the command line: {@code train --supervision boxes|masks}
 * writes a model folder with {@code supervised.json}; {@code evaluate} and {@code localize} score
 * and draw its boxes or masks ({@link SupervisedModel}, {@link SupervisedScoring}).
 */
final class SupervisedRuns {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int CHUNK = 64;

  private SupervisedRuns() {}

  /** Trains the model {@code sup} names and saves it to {@code out/model}; returns the folder. */
  static Path train(Dataset train, Dataset val, Path data, SupervisionMixin sup, TrainMixin t, TransferMixin transfer,
      Path out) throws IOException {
    Path dir = out.resolve("model");
    if (Files.exists(dir.resolve(SupervisedCard.FILE))) {
      throw new io.camkit.core.CamkitException(out + " already holds a supervised model: choose another --out");
    }
    Map<String, Object> source = Map.of("folder", data.toAbsolutePath().toString());
    long t0 = System.nanoTime();
    if (sup.boxes()) {
      BoxTrainer.Options o = sup.boxOptions(t);
      if (transfer != null) {
        Progress[] bar = new Progress[1];
        SupervisedModel.trainBoxesOnBackbone(transfer.backbone, transfer.card, transfer.layer, train, o,
            transfer.cacheLimitMb << 20, out, (done, total) -> {
              if (bar[0] == null) {
                bar[0] = new Progress("features train", total, 0, "images");
              }
              bar[0].step(done, "");
              if (done >= total) {
                bar[0].close();
              }
            }, System.out::println);
      } else {
        CamNetOptions net = t.net(train.get(0).width(), train.classes().size());
        SupervisedModel.trainBoxes(train, net, o, source, dir, System.out::println);
      }
    } else {
      int side = train.get(0).width();
      CamNetOptions d = CamNetOptions.defaults(side, train.classes().size());
      SegmenterOptions so = new SegmenterOptions(sup.segArch, side, train.classes().size(), sup.segWidth, sup.segDepth,
          d.mean(), d.std());
      SupervisedModel.trainMasks(train, so, new SegmentationTrainer.Options(t.epochs, t.batchSize, t.lr, null, t.seed),
          source, dir, System.out::println);
    }
    System.out.printf(Locale.ROOT, "trained in %.1f s; model saved to %s%n", (System.nanoTime() - t0) / 1e9, dir);
    if (val.size() == 0) {
      System.out.println("no validation split" + (sup.boxes() ? "" : ": τ = " + SupervisedModel.DEFAULT_MASK_TAU
          + " for the masks"));
      return dir;
    }
    try (SupervisedModel m = SupervisedModel.load(dir)) {
      if (sup.boxes()) {
        SupervisedScoring.BoxMetrics v = scoreBoxes(m, val).snapshot();
        System.out.printf(Locale.ROOT, "validation (%d images): top-1 %s, GT-known loc %s%n", val.size(),
            Reports.pct(v.top1Accuracy()), Reports.pct(v.gtKnownLocalization()));
      } else {
        LocalizationMetrics v = scoreMaps(m, val, SupervisedModel.DEFAULT_MASK_TAU).metrics();
        SupervisedModel.withTau(dir, v.tauStar());
        System.out.printf(Locale.ROOT, "τ* = %.2f for the masks on the validation split (%d images, MaxBoxAcc %s)%n",
            v.tauStar(), val.size(), Reports.pct(v.maxBoxAcc()));
      }
    }
    return dir;
  }

  static SupervisedScoring.Boxes scoreBoxes(SupervisedModel m, Dataset data) {
    SupervisedScoring.Boxes boxes = new SupervisedScoring.Boxes();
    for (int from = 0; from < data.size(); from += CHUNK) {
      io.camkit.core.Interruption.check("stopped while scoring the boxes");
      List<Sample> part = data.samples().subList(from, Math.min(data.size(), from + CHUNK));
      List<BoxTrainer.Prediction> p = m.boxes(part.stream().map(Sample::image).toList());
      for (int i = 0; i < part.size(); i++) {
        boxes.add(part.get(i), p.get(i).scores(), p.get(i).box());
      }
    }
    return boxes;
  }

  static SupervisedScoring.Maps scoreMaps(SupervisedModel m, Dataset data, double tau) {
    int classes = m.classes().size();
    SupervisedScoring.Maps maps = new SupervisedScoring.Maps(classes, tau);
    int side = m.side();
    int planes = (classes + 1) * side * side;
    for (int from = 0; from < data.size(); from += CHUNK) {
      io.camkit.core.Interruption.check("stopped while scoring the masks");
      List<Sample> part = data.samples().subList(from, Math.min(data.size(), from + CHUNK));
      float[] all = m.probabilities(part.stream().map(Sample::image).toList());
      for (int i = 0; i < part.size(); i++) {
        maps.add(part.get(i), Arrays.copyOfRange(all, i * planes, (i + 1) * planes), side);
      }
    }
    return maps;
  }

  /** The mask model's τ: {@code --tau}, else its card's (chosen on validation), with where it came from. */
  private static double tau(SupervisedCard card, Double override) {
    return override != null ? override : card.tau() != null ? card.tau() : SupervisedModel.DEFAULT_MASK_TAU;
  }

  private static String tauSource(SupervisedCard card, Double override) {
    return override != null ? "--tau" : card.tau() != null ? "the model card, chosen on the validation split"
        : "default";
  }

  /** {@code camkit evaluate} of a supervised model: metrics.json and report.md in {@code out}. */
  static int evaluate(Path model, Dataset dataset, List<Path> data, Double tauOverride, Path out) throws IOException {
    try (SupervisedModel m = SupervisedModel.load(model)) {
      if (!m.classes().equals(dataset.classes())) {
        throw new io.camkit.core.CamkitException("the data's classes " + dataset.classes() + " differ from the model's "
            + m.classes());
      }
      ObjectNode root = JSON.createObjectNode();
      root.put("camkitVersion", Version.get());
      ObjectNode prov = root.putObject("provenance");
      prov.put("model", model.toString()).put("data", String.join(", ", data.stream().map(Path::toString).toList()))
          .put("supervision", m.card().supervision()).put("description", m.description());
      String table;
      List<String> notes = new ArrayList<>();
      try (Progress p = new Progress("evaluate", dataset.size(), 0, "images")) {
        if (m.card().boxes()) {
          if (tauOverride != null) {
            System.err.println("warning: --tau does not apply to a box head (it regresses its box); ignored");
          }
          SupervisedScoring.Boxes boxes = scoreBoxes(m, dataset);
          p.step(dataset.size(), "");
          SupervisedScoring.BoxMetrics bm = boxes.snapshot();
          root.set("metrics", JSON.valueToTree(bm));
          root.put("maxBoxAccV2", Reports.NOT_COMPUTED + " " + SupervisedScoring.NO_MAP_REASON);
          ArrayNode images = root.putArray("images");
          for (SupervisedScoring.BoxOutcome o : boxes.outcomes()) {
            ObjectNode n = images.addObject();
            n.put("id", o.id()).put("trueClass", m.classes().get(o.trueClass()))
                .put("predictedClass", m.classes().get(o.predictedClass())).put("iou", o.iou());
            n.set("box", Reports.boxJson(o.box()));
            ArrayNode gt = n.putArray("groundTruth");
            o.groundTruth().forEach(b -> gt.add(Reports.boxJson(b)));
          }
          table = SupervisedScoring.markdownTable(bm);
          notes.add("– " + SupervisedScoring.NO_MAP_REASON + ".");
        } else {
          double tau = tau(m.card(), tauOverride);
          SupervisedScoring.Maps maps = scoreMaps(m, dataset, tau);
          p.step(dataset.size(), "");
          LocalizationMetrics lm = maps.metrics();
          root.set("metrics", JSON.valueToTree(lm));
          root.set("masks", Reports.masksJson(maps.masks(), m.classes()));
          ArrayNode curve = root.putArray("maxBoxAccCurve");
          double[] c = maps.curve();
          for (int i = 0; i < c.length; i++) {
            curve.addObject().put("tau", LocalizationMetrics.tauAt(i)).put("gtKnownLoc", c[i]);
          }
          ArrayNode images = root.putArray("images");
          for (ImageOutcome o : maps.outcomes()) {
            ObjectNode n = images.addObject();
            n.put("id", o.id()).put("trueClass", m.classes().get(o.trueClass()))
                .put("predictedClass", m.classes().get(o.predictedClass())).put("confidence", o.confidence())
                .put("predictedIou", o.predictedIou()).put("gtKnownIou", o.gtKnownIou());
            o.predictedBox().ifPresent(b -> n.set("predictedBox", Reports.boxJson(b)));
          }
          table = Reports.markdownTable(lm) + "\n" + Reports.maskTable(maps.masks(), m.classes());
          notes.add(String.format(Locale.ROOT, "Maps: the segmenter's softmax probability of each class per pixel,"
              + " thresholded at τ = %.2f (%s); the predicted class has the largest probability mass.", tau,
              tauSource(m.card(), tauOverride)));
        }
      }
      notes.add("Model: " + m.description() + ", trained on " + m.card().data().images() + " images with "
          + (m.card().boxes() ? "their labels and boxes" : "their object masks") + ".");
      Files.createDirectories(out);
      AtomicFiles.writeString(out.resolve("metrics.json"), JSON.writeValueAsString(root));
      Reports.writeMarkdown("camkit evaluation: fully supervised " + m.card().supervision(), table, notes,
          out.resolve("report.md"));
      System.out.println(table);
      notes.forEach(System.out::println);
      System.out.println("written: " + out.resolve("metrics.json") + ", " + out.resolve("report.md"));
    }
    return 0;
  }

  /**
   * {@code camkit localize} of a supervised model: for each image {@code NAME.json} (the predicted
   * class, its probability, the box as COCO {@code [x, y, w, h]}), {@code NAME-box.png} (the box
   * drawn) and, for a mask model, {@code NAME-mask.png} (the predicted class's probability ≥ τ);
   * {@code localizations.json} holds them all.
   */
  static int localize(Path model, List<Path> files, Double tauOverride, Path out) throws IOException {
    Files.createDirectories(out);
    List<ObjectNode> summary = new ArrayList<>();
    int skipped = 0;
    try (SupervisedModel m = SupervisedModel.load(model);
        Progress p = new Progress("localize", files.size(), 0, "images")) {
      double tau = tau(m.card(), tauOverride);
      int done = 0;
      for (Path file : files) {
        io.camkit.core.Interruption.check("stopped while localizing");
        RgbImage image;
        try {
          image = ImageFiles.read(file);
        } catch (io.camkit.core.CamkitException e) {
          System.err.println("skipped: " + file + ": " + e.getMessage());
          skipped++;
          continue;
        }
        String stem = ResultFiles.stem(file);
        ObjectNode n = JSON.createObjectNode();
        n.put("image", file.toString()).put("width", image.width()).put("height", image.height())
            .put("supervision", m.card().supervision());
        float[] scores;
        Optional<io.camkit.core.Box> box;
        HeatMap map = null;
        if (m.card().boxes()) {
          BoxTrainer.Prediction pr = m.boxes(List.of(image)).get(0);
          scores = softmax(pr.scores());
          box = Optional.of(pr.box());
        } else {
          int side = m.side();
          int k = m.classes().size() + 1;
          float[] planes = m.probabilities(List.of(image));
          double[] mass = new double[k - 1];
          for (int c = 0; c < k - 1; c++) {
            for (int q = (c + 1) * side * side; q < (c + 2) * side * side; q++) {
              mass[c] += planes[q];
            }
          }
          double total = Arrays.stream(mass).sum();
          scores = new float[k - 1];
          for (int c = 0; c < k - 1; c++) {
            scores[c] = total == 0 ? 0 : (float) (mass[c] / total);
          }
          int pred = SupervisedScoring.argMax(scores);
          map = new HeatMap(side, side, Arrays.copyOfRange(planes, (pred + 1) * side * side, (pred + 2) * side * side))
              .resize(image.width(), image.height());
          Localization loc = new ThresholdLocalizer(tau).localizeNormalised(map);
          box = loc.box();
          ImageFiles.writePng(loc.foreground().toBufferedImage(), out.resolve(stem + "-mask.png"));
          n.put("tau", tau);
        }
        int pred = SupervisedScoring.argMax(scores);
        n.put("class", m.classes().get(pred)).put("probability", scores[pred]);
        box.ifPresent(b -> n.set("box", Reports.boxJson(b)));
        ArrayNode preds = n.putArray("predictions");
        Integer[] order = new Integer[scores.length];
        for (int c = 0; c < order.length; c++) {
          order[c] = c;
        }
        float[] s = scores;
        Arrays.sort(order, (a, b) -> Float.compare(s[b], s[a]));
        for (int c : order) {
          preds.addObject().put("class", m.classes().get(c)).put("index", c).put("probability", s[c]);
        }
        int scale = Math.max(1, 256 / Math.max(image.width(), image.height()));
        ImageFiles.writePng(Overlay.render(image, map == null ? new HeatMap(1, 1, new float[1]) : map,
            map == null ? 0 : 0.5, List.of(), box, scale), out.resolve(stem + "-box.png"));
        AtomicFiles.writeString(out.resolve(stem + ".json"), JSON.writeValueAsString(n));
        summary.add(n);
        p.step(++done + skipped, "");
      }
      ResultFiles.writeSummary(out.resolve("localizations.json"), summary);
      System.out.println("localized " + done + " image(s) with the " + m.description()
          + (skipped > 0 ? ", skipped " + skipped : "") + " -> " + out);
      return done == 0 ? Camkit.USER_ERROR : 0;
    }
  }

  private static float[] softmax(float[] y) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : y) {
      max = Math.max(max, v);
    }
    double sum = 0;
    float[] p = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      p[i] = (float) Math.exp(y[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < y.length; i++) {
      p[i] /= (float) sum;
    }
    return p;
  }
}
