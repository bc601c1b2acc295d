package io.camkit.cli;

import io.camkit.dataset.Dataset;
import io.camkit.dataset.Split;
import io.camkit.dataset.io.CocoFormat;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code camkit train}: trains a CNN-GAP net on a dataset folder written by {@code generate}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a CNN-GAP classifier from image-level labels (a folder with train/ and val/ COCO splits),"
        + " or, with --backbone MODEL --freeze, a new pooling head on a pretrained backbone's activations.")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "dataset folder with train/ (and val/) subfolders, or one training folder; each COCO,"
      + " image list or one subfolder per class")
  Path data;

  @Option(names = "--out", required = true, description = "output folder: model/, checkpoints/, training-curves.png")
  Path out;

  @Mixin TrainMixin training;

  @picocli.CommandLine.ArgGroup(exclusive = false, heading = "%nTransfer learning (a new head on a pretrained backbone):%n")
  TransferMixin transfer;

  @Override
  public Integer call() throws Exception {
    // data/train (and data/val) in any layout (COCO, image list, one subfolder per class), else data itself
    Path trainDir = java.nio.file.Files.isDirectory(data.resolve(Split.TRAIN.label())) ? data.resolve(Split.TRAIN.label())
        : data;
    CocoFormat.Loaded train = io.camkit.dataset.io.DatasetFolders.read(trainDir);
    train.skipped().forEach(s -> System.err.println("skipped: " + s));
    Dataset val = java.nio.file.Files.isDirectory(data.resolve(Split.VAL.label()))
        ? io.camkit.dataset.io.DatasetFolders.read(data.resolve(Split.VAL.label())).dataset()
        : new Dataset("none", train.dataset().classes(), java.util.List.of());
    if (transfer != null) {
      Path model = Workflows.trainTransfer(train.dataset(), val, transfer, training, out);
      System.out.println("model saved to " + model);
      return 0;
    }
    Path model = Workflows.train(train.dataset(), val, Map.of("folder", data.toAbsolutePath().toString()),
        training, out);
    System.out.println("model saved to " + model);
    return 0;
  }
}
