package io.camkit.cli;

import io.camkit.core.CamkitException;
import io.camkit.core.DataProblem;
import io.camkit.core.ImageFiles;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.io.DataProblems;
import io.camkit.evaluate.Reports;
import io.camkit.evaluate.TauCalibration;
import io.camkit.interop.Models;
import io.camkit.model.layers.LayeredModel;
import io.camkit.pipeline.Calibration;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import io.camkit.pipeline.TtaPresets;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.train.CamNetTrainer;
import io.camkit.model.train.Checkpoint;
import io.camkit.model.train.EpochStats;
import io.camkit.model.train.TrainOptions;
import io.camkit.render.TrainingCurves;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The steps train and demo share: train with progress bars, save the model and its curves. */
final class Workflows {
  private Workflows() {}

  /**
   * Says what the data readers met: each problem on stderr ({@code skipped: FILE: REASON}), the
   * summary line ({@code N images, M skipped: …}) on stdout, and {@code out/problems.json}.
   */
  static void reportProblems(int images, List<DataProblem> problems, Path out) throws IOException {
    printProblems(images, problems, problems.isEmpty() ? "" : " (every one in " + out.resolve(DataProblems.FILE) + ")");
    DataProblems.writeJson(images, problems, out.resolve(DataProblems.FILE));
  }

  /** Each problem on stderr, then the summary line ({@code data: N images, M skipped…}) and {@code suffix} on stdout. */
  static void printProblems(int images, List<DataProblem> problems, String suffix) {
    problems.forEach(p -> System.err.println((p.skipped() ? "skipped: " : "problem: ") + p));
    System.out.println("data: " + DataProblems.summary(images, problems) + suffix);
  }

  /**
   * Chooses τ* on the validation split (CAM where the model has it at its default layer, else
   * Grad-CAM) and stores it beside the model ({@link Calibration}), so that localize and evaluate
   * use it by default. Nothing is written when there is no validation split.
   */
  static Optional<Calibration> calibrate(Path model, Dataset val) throws IOException {
    return calibrate(model, val, null, null);
  }

  /**
   * Chooses τ* and the refinement of each of {@code methods} (null: cam, or gradcam where the head is
   * not GAP + linear) with each set of test-time augmentations in {@code ttas} ({@link
   * TtaPresets#canonical} specs, null for none; null or empty: none only) on {@code val}, and stores
   * them beside the model: maps averaged over augmentations under the method's name with the
   * augmentations ({@link Calibration#key}). Entries already stored for other methods are kept when
   * they were chosen on the same validation images at the same layer. The calibration then names the
   * entry that did best ({@link Calibration#preferredOf}) among all it holds.
   */
  static Optional<Calibration> calibrate(Path model, Dataset val, List<String> methods, List<String> ttas)
      throws IOException {
    List<String> sets = ttas == null || ttas.isEmpty() ? java.util.Collections.singletonList(null) : ttas;
    if (val.size() == 0) {
      System.out.println("no validation split: no τ chosen; localize and evaluate use τ = 0.2 unless told otherwise");
      return Optional.empty();
    }
    try (LayeredModel m = Models.open(model)) {
      List<String> chosen = methods != null && !methods.isEmpty() ? methods
          : List.of(m.supportsCam(m.defaultLayer()) ? "cam" : "gradcam");
      List<Explainer> explainers = new ArrayList<>();
      for (String tta : sets) {
        for (String method : chosen) {
          explainers.add(new Explainer(m, tta == null ? MapRequest.of(method)
              : MapRequest.of(method).withTta(TtaPresets.parse(tta, m.inputSize()))));
        }
      }
      Calibration c;
      List<io.camkit.localize.GuidedFilter> refinements = io.camkit.localize.GuidedFilter.candidates();
      try (Progress p = new Progress("choose τ and refinement on val", (long) explainers.size() * (refinements.size()
          + 2), 0, "steps")) {
        c = TauCalibration.onValidation(explainers, val, refinements, (done, total) -> p.step(done, ""));
      }
      if (io.camkit.core.Interruption.requested()) {
        throw new io.camkit.core.Interruption.Interrupted("interrupted while choosing τ on the validation split: the"
            + " model in " + model + " is complete; no τ was stored (localize and evaluate use τ = 0.2 or --tau)");
      }
      Optional<Calibration> before = Calibration.of(model);
      if (before.isPresent() && before.get().dataset().equals(c.dataset()) && before.get().images() == c.images()
          && before.get().layer().equals(c.layer())) {
        java.util.Map<String, Calibration.Entry> merged = new java.util.LinkedHashMap<>(before.get().methods());
        merged.putAll(c.methods());
        c = new Calibration(c.dataset(), c.images(), c.layer(), merged, c.createdAt()).withPreferredChosen();
      }
      Path f = c.write(model);
      for (Explainer explainer : explainers) {
        String method = explainer.calibrationKey();
        Calibration.Entry e = c.methods().get(method);
        System.out.printf(Locale.ROOT, "τ* = %.2f for %s on the validation split (%d images, MaxBoxAcc %s), %s%n",
            e.tau(), method, val.size(), Reports.pct(e.maxBoxAcc()), e.guidedFilter() == null
                ? "no refinement of the map (none of the " + refinements.size() + " guided filters tried did better)"
                : "map refined by " + e.guidedFilter().describe(val.get(0).width(), val.get(0).height()));
      }
      if (c.preferred() != null && c.methods().size() > 1) {
        Calibration.Entry e = c.methods().get(c.preferred());
        System.out.printf(Locale.ROOT, "preferred on the validation split: %s (MaxBoxAcc %s%s); localize and evaluate use it"
            + " when no --method is given%n", c.preferred(), Reports.pct(e.maxBoxAcc()), e.maxBoxAccV2() == null ? ""
                : ", MaxBoxAccV2 " + Reports.pct(e.maxBoxAccV2()));
      }
      System.out.println("written: " + f);
      return Optional.of(c);
    }
  }

  /** Trains a new model (or resumes) and saves it to {@code out/model}; returns the model folder. */
  static Path train(
      Dataset train, Dataset val, Object dataSource, TrainMixin options, Path out) throws IOException {
    return train(train, val, dataSource, options, out, null);
  }

  /** As {@link #train(Dataset, Dataset, Object, TrainMixin, Path)}; the card marks {@code backgroundClass} (or none). */
  static Path train(Dataset train, Dataset val, Object dataSource, TrainMixin options, Path out,
      String backgroundClass) throws IOException {
    TrainOptions opts = options.options();
    if (options.multiLabel || train.multiLabel()) {
      opts = opts.withMultiLabel(true);
      System.out.println("multi-label " + (options.multiLabel ? "training" : "data (an image holds 2 or more classes)")
          + ": binary cross-entropy on multi-hot targets");
    }
    boolean resume = options.resume;
    Path checkpoints = out.resolve("checkpoints");
    if (!resume && Files.exists(checkpoints.resolve(Checkpoint.FILE))) {
      throw new CamkitException(
          out + " already holds a checkpoint: pass --resume to continue it, or choose another --out");
    }
    CamNetOptions net = options.net(train.get(0).width(), train.classes().size());
    Path modelDir = out.resolve("model");
    try (CamModel model = CamNetTrainer.newModel(net, train.classes(), opts.seed())) {
      CamNetTrainer trainer;
      List<EpochStats> history;
      try (TrainingProgress progress = new TrainingProgress("train")) {
        trainer = new CamNetTrainer(opts, progress);
        history = trainer.fit(model, train, val, Optional.of(checkpoints));
      }
      if (net.head().learnBeta()) {
        System.out.printf(Locale.ROOT, "learned LSE β = %.4f (started at %s)%n",
            model.net().classMapHead().learnedBeta(), net.head().beta());
      }
      trainer.saveModel(model, modelDir, train, dataSource, history, backgroundClass);
      List<TrainingCurves.Point> pts = new ArrayList<>();
      for (EpochStats s : history) {
        pts.add(new TrainingCurves.Point(s.epoch(), s.trainLoss(), s.valLoss(), s.trainAccuracy(), s.valAccuracy()));
      }
      ImageFiles.writePng(TrainingCurves.render(pts), out.resolve("training-curves.png"));
    }
    return modelDir;
  }

  /**
   * Trains a new head on a frozen pretrained backbone (then optionally fine-tunes) and saves the
   * transfer model to {@code out/model}; returns the model folder.
   */
  static Path trainTransfer(Dataset train, Dataset val, TransferMixin transfer, TrainMixin training, Path out)
      throws IOException {
    io.camkit.transfer.TransferOptions opts = transfer.options(training);
    Path model = out.resolve("model");
    if (!training.resume && Files.exists(model.resolve(io.camkit.transfer.TransferCard.FILE))) {
      throw new CamkitException(out + " already holds a transfer model: pass --resume to retrain it reusing the"
          + " cached features, or choose another --out");
    }
    var listener = new io.camkit.transfer.TransferTrainer.Listener() {
      @Override
      public io.camkit.transfer.FeatureCache.Progress features(String split) {
        Progress[] bar = new Progress[1];
        return (done, total) -> {
          if (bar[0] == null) {
            bar[0] = new Progress("features " + split, total, 0, "images");
          }
          bar[0].step(done, "");
          if (done >= total) {
            bar[0].close();
          }
        };
      }

      @Override
      public io.camkit.model.train.TrainingListener training(String phase) {
        return new TrainingProgress(phase);
      }
    };
    var r = io.camkit.transfer.TransferTrainer.train(transfer.backbone, transfer.card, train, val, opts, out,
        listener);
    List<TrainingCurves.Point> pts = new ArrayList<>();
    for (EpochStats s : r.card().history()) {
      pts.add(new TrainingCurves.Point(s.epoch(), s.trainLoss(), s.valLoss(), s.trainAccuracy(), s.valAccuracy()));
    }
    ImageFiles.writePng(TrainingCurves.render(pts), out.resolve("training-curves.png"));
    EpochStats last = r.card().history().get(r.card().history().size() - 1);
    System.out.printf(Locale.ROOT, "head on %s @ %s (%s): features %.1f s, head %.1f s%s; last epoch train acc %.3f,"
        + " %s%n", transfer.backbone, r.card().layer(), String.join("×",
            java.util.Arrays.stream(r.card().featureShape()).mapToObj(Long::toString).toList()),
        r.featureSeconds(), r.headSeconds(),
        r.fineTuneSeconds() > 0 ? String.format(Locale.ROOT, ", fine-tune %.1f s", r.fineTuneSeconds()) : "",
        last.trainAccuracy(), Double.isNaN(last.valAccuracy()) ? "val acc " + Reports.NOT_COMPUTED
            + " (no validation split)" : String.format(Locale.ROOT, "val acc %.3f", last.valAccuracy()));
    return r.modelDir();
  }
}
