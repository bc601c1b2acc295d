package io.camkit.cli;

import io.camkit.core.CamkitException;
import io.camkit.transfer.TransferOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code camkit train --backbone MODEL --freeze …}: the transfer-learning options. */
final class TransferMixin {
  @Option(names = "--backbone", required = true, description = "pretrained model whose activations the new head reads:"
      + " a TorchScript .pt (card beside it or --card) or a camkit model folder")
  Path backbone;

  @Option(names = "--card", description = "the backbone's TorchScript card (default: MODEL.json beside it)")
  Path card;

  @Option(names = "--layer", description = "backbone layer the head reads (see camkit layers; default: its default layer)")
  String layer;

  @Option(names = "--freeze", description = "keep the backbone frozen while the head trains (required with --backbone;"
      + " features are computed once and cached)")
  boolean freeze;

  @Option(names = "--flip-views", description = "also cache each training image's mirror as a second view (2× cache"
      + " and epoch); see --augment for more")
  boolean flipViews;

  @Option(names = "--augment", description = "photo augmentation: random resized crops (area --augment-min-scale to"
      + " 1, ratio 3/4 to 4/3), flips and colour jitter (--jitter); fine-tuning draws fresh crops at every step, the"
      + " head alone trains on --augment-views cached views of each image")
  boolean augment;

  @Option(names = "--augment-views", description = "with --augment: views of each training image whose features are"
      + " cached for the head, the image itself and V − 1 augmented copies (default: ${DEFAULT-VALUE})")
  int augmentViews = 4;

  @Option(names = "--augment-min-scale", description = "with --augment: least fraction of the image's area a crop"
      + " keeps (default: ${DEFAULT-VALUE})")
  double augmentMinScale = 0.25;

  @Option(names = "--jitter", description = "with --augment: brightness, contrast and saturation factors drawn from"
      + " [1 − J, 1 + J] (default: ${DEFAULT-VALUE})")
  double jitter = 0.2;

  @Option(names = "--fine-tune-epochs", description = "then train backbone and head together for N epochs (camkit model"
      + " folders, and TorchScript files with batch norm kept on its running statistics; the fine-tuned backbone is"
      + " saved in the model folder, the imported file is only read) (default: ${DEFAULT-VALUE})")
  int fineTuneEpochs;

  @Option(names = "--backbone-lr-factor", description = "backbone learning rate ÷ head learning rate while fine-tuning"
      + " (default: ${DEFAULT-VALUE})")
  double backboneLrFactor = 0.1;

  @Option(names = "--unfreeze-last", description = "while fine-tuning, train only the backbone's last K blocks (camkit"
      + " models: layers up to --layer; TorchScript: parameter groups such as one conv or one batch norm); 0: all"
      + " (default: ${DEFAULT-VALUE})")
  int unfreezeLast;

  @Option(names = "--remove-last-stride", description = "run an ONNX backbone with its last downsampling conv or pool"
      + " before --layer at stride 1: maps twice as fine (14×14 instead of 7×7 at 224 px), as wsolevaluation's"
      + " backbones; the edited copy is saved in the model folder")
  boolean removeLastStride;

  @Option(names = "--cache-limit-mb", description = "most memory the cached features may take (default: ${DEFAULT-VALUE})")
  long cacheLimitMb = TransferOptions.DEFAULT_CACHE_LIMIT_MB;

  TransferOptions options(TrainMixin training) {
    if (!freeze) {
      throw new CamkitException("--backbone trains a new head on the frozen backbone: add --freeze (and"
          + " --fine-tune-epochs N to train the whole net afterwards)");
    }
    if (training.multiLabel) {
      throw new CamkitException("--multi-label is not available with --backbone (single-label heads only)");
    }
    if (!training.wsol.equals("cam")) {
      throw new CamkitException("--wsol " + training.wsol + " is not available with --backbone (the backbone's"
          + " features are cached and fixed)");
    }
    var t = training.options(); // cached features are fixed: no random flips or shifts
    var head = new io.camkit.model.train.TrainOptions(t.epochs(), t.batchSize(), t.learningRate(), t.weightDecay(),
        t.warmupSteps(), false, 0, t.seed());
    var options = new TransferOptions(layer, training.head(), head, flipViews, fineTuneEpochs,
        backboneLrFactor, unfreezeLast, cacheLimitMb).withRemoveLastStride(removeLastStride);
    if (!augment) {
      return options;
    }
    if (flipViews) {
      throw new CamkitException("--flip-views and --augment: choose one (--augment flips its views at random)");
    }
    return options.withAugmentation(
        io.camkit.dataset.augment.PhotoAugmentation.withJitter(augmentMinScale, jitter), augmentViews);
  }
}
