package io.camkit.cli;

import io.camkit.core.DataProblem;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Split;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.dataset.io.CubFormat;
import io.camkit.dataset.io.DatasetFolders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code camkit train}: trains a CNN-GAP net on a dataset folder written by {@code generate}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a CNN-GAP classifier from image-level labels (a folder with train/ and val/ COCO splits),"
        + " or, with --backbone MODEL --freeze, a new pooling head on a pretrained backbone's activations; with"
        + " --supervision boxes|masks, the fully supervised upper bounds: a classifier with a box-regression branch"
        + " (also on a frozen --backbone) or a U-Net/FCN segmenter.")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "dataset folder with train/ (and val/) subfolders, or one training folder; each COCO,"
      + " image list or one subfolder per class; or a CUB-200-2011 folder (its training split, validation drawn from it)")
  Path data;

  @Option(names = "--out", required = true, description = "output folder: model/, checkpoints/, training-curves.png,"
      + " problems.json (the data files skipped or used with a problem, and why)")
  Path out;

  @Mixin TrainMixin training;

  @Mixin CubMixin cub;

  @Option(names = "--tau-data", description = "annotated folder on which τ* is chosen (default: the validation split),"
      + " e.g. raccoon-data's val-raccoon/: an image of a class folder without boxes counts its whole frame as its"
      + " box, which pulls τ* towards 0")
  Path tauData;

  @Option(names = "--background-class", description = "the class that means 'no object here' (e.g. the background/"
      + " crops of generate --crops): stored in the model card, and heatmap --count counts every other class; 'none':"
      + " no background class (default: 'background' when the data has a class of that name, else none)")
  String backgroundClass;

  @picocli.CommandLine.ArgGroup(exclusive = false, heading = "%nTransfer learning (a new head on a pretrained backbone):%n")
  TransferMixin transfer;

  @Mixin SupervisionMixin supervision;

  @Override
  public Integer call() throws Exception {
    supervision.validate(training, transfer); // before any data is read
    if (supervision.boxes() && tauData != null) {
      throw new io.camkit.core.CamkitException("--tau-data does not apply to --supervision boxes: a regressed box has"
          + " no threshold");
    }
    CocoFormat.Loaded train;
    CocoFormat.Loaded val;
    if (java.nio.file.Files.isDirectory(data) && CubFormat.isCub(data)) {
      // CUB-200-2011: the official training split, less the validation part drawn from it
      train = CubFormat.read(data, Split.TRAIN, cub.selection(), training.strict);
      val = CubFormat.read(data, Split.VAL, cub.selection(), training.strict);
    } else {
      // data/train (and data/val) in any layout (COCO, image list, one subfolder per class), else data itself
      Path trainDir = java.nio.file.Files.isDirectory(data.resolve(Split.TRAIN.label()))
          ? data.resolve(Split.TRAIN.label()) : data;
      train = DatasetFolders.read(trainDir, training.strict);
      val = java.nio.file.Files.isDirectory(data.resolve(Split.VAL.label()))
          ? DatasetFolders.read(data.resolve(Split.VAL.label()), training.strict)
          : new CocoFormat.Loaded(new Dataset("none", train.dataset().classes(), List.of()), List.of());
    }
    List<DataProblem> problems = new ArrayList<>(train.problems());
    problems.addAll(val.problems());
    Dataset tauSet = val.dataset();
    if (tauData != null) {
      CocoFormat.Loaded t = DatasetFolders.read(tauData, training.strict);
      problems.addAll(t.problems());
      if (!t.dataset().classes().equals(train.dataset().classes())) {
        throw new io.camkit.core.CamkitException("--tau-data " + tauData + " has classes " + t.dataset().classes()
            + ", the training data " + train.dataset().classes() + "; give a folder with the same classes");
      }
      tauSet = t.dataset();
    }
    String background = backgroundClass(train.dataset().classes());
    Workflows.reportProblems(train.dataset().size() + val.dataset().size(), problems, out);
    if (!supervision.labels()) { // masks: τ chosen on --tau-data when given, else on the validation split
      SupervisedRuns.train(train.dataset(), tauSet, data, supervision, training, transfer, out);
      return 0;
    }
    if (transfer != null) {
      if (background != null && backgroundClass != null) {
        throw new io.camkit.core.CamkitException("--background-class is stored in a camkit model's card; a transfer"
            + " model (--backbone) has none: train without --backbone to count with a background class");
      }
      Path model = Workflows.trainTransfer(train.dataset(), val.dataset(), transfer, training, out);
      System.out.println("model saved to " + model);
      Workflows.calibrate(model, tauSet);
      return 0;
    }
    if (background != null) {
      System.out.println("background class: " + background + " (heatmap --count ignores it)");
    }
    Path model = Workflows.train(train.dataset(), val.dataset(), Map.of("folder", data.toAbsolutePath().toString()),
        training, out, background);
    System.out.println("model saved to " + model);
    Workflows.calibrate(model, tauSet);
    return 0;
  }

  /** The background class the options name among {@code classes}, or null for none. */
  String backgroundClass(List<String> classes) {
    if (backgroundClass == null) {
      return classes.contains(io.camkit.dataset.shapes.CountingCrops.BACKGROUND)
          ? io.camkit.dataset.shapes.CountingCrops.BACKGROUND : null;
    }
    if (backgroundClass.equals("none")) {
      return null;
    }
    if (!classes.contains(backgroundClass)) {
      throw new io.camkit.core.CamkitException("--background-class '" + backgroundClass + "' is not a class of the"
          + " training data " + classes + "; name one of them, or 'none'");
    }
    if (classes.size() < 2) {
      throw new io.camkit.core.CamkitException("--background-class needs at least one other class to count");
    }
    return backgroundClass;
  }
}
