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
      + " and epoch); other augmentation is off with cached features")
  boolean flipViews;

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
    return new TransferOptions(layer, training.head(), head, flipViews, fineTuneEpochs,
        backboneLrFactor, unfreezeLast, cacheLimitMb);
  }
}
