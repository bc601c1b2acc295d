package io.camkit.cli;

import io.camkit.core.CamkitException;
import io.camkit.dataset.Split;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.dataset.io.CubFormat;
import io.camkit.dataset.io.DatasetFolders;
import io.camkit.pipeline.TtaPresets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Chooses τ and the map's refinement for a model that exists already (an imported TorchScript or
 * ONNX model, or a model trained before calibration existed) on held-out annotated images, as
 * {@code train} does after training; writes the model's {@code calibration.json}.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
    description = "Choose τ* and the map's refinement (a guided filter, or none) on annotated validation images for an"
        + " existing model, as train does after training, and store them beside the model (calibration.json, or"
        + " NAME.calibration.json beside a .pt/.onnx); localize, evaluate, serve and spark then use them by default."
        + " The entry that did best (MaxBoxAcc, then MaxBoxAccV2, then fewer augmentations, then mean IoU) is stored"
        + " as preferred: localize and evaluate use its method and augmentations when no --method is given."
        + " Never give it the test split.")
final class CalibrateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "camkit model or transfer folder, or a TorchScript .pt /"
      + " ONNX .onnx file with its .json card beside it")
  Path model;

  @Option(names = "--data", required = true, description = "annotated validation images (COCO, image list, class"
      + " folders with VOC boxes), or a CUB-200-2011 folder (its validation part: --cub-val-per-class images of each"
      + " class drawn from the official training split)")
  Path data;

  @Option(names = "--method", split = ",", description = "the methods to choose τ and the refinement for (default:"
      + " cam, or gradcam where the head is not GAP + linear); τ* of other methods already stored on the same"
      + " validation images is kept")
  java.util.List<String> methods;

  @Option(names = "--tta", description = "choose τ and the refinement for each method's maps averaged over these"
      + " test-time augmentations (flip, shift, rotate or a comma-separated list), as evaluate and localize --tta"
      + " compute them; stored beside the plain method's τ*, which is kept. Repeat it to calibrate several sets;"
      + " 'none' for the plain maps (e.g. --tta none --tta flip)")
  java.util.List<String> ttas;

  @Option(names = "--strict", description = "stop at the first bad annotation or damaged image (default: name it"
      + " and go on)")
  boolean strict;

  @Mixin CubMixin cub;

  @Override
  public Integer call() throws Exception {
    if (!Files.exists(model)) {
      throw new CamkitException("no model at " + model);
    }
    CocoFormat.Loaded val = Files.isDirectory(data) && CubFormat.isCub(data)
        ? CubFormat.read(data, Split.VAL, cub.selection(), strict)
        : DatasetFolders.read(data, strict);
    if (val.dataset().size() == 0) {
      throw new CamkitException(data + " holds no annotated image: nothing to choose τ on");
    }
    Workflows.printProblems(val.dataset().size(), val.problems(), "");
    java.util.List<String> sets = ttas == null ? null : ttas.stream()
        .map(t -> t.trim().equalsIgnoreCase("none") ? null : TtaPresets.canonical(t)).distinct().toList();
    Workflows.calibrate(model, val.dataset(), methods, sets);
    return 0;
  }
}
