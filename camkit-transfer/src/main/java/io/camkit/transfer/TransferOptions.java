package io.camkit.transfer;

import io.camkit.core.Options;
import io.camkit.model.HeadOptions;
import io.camkit.model.train.TrainOptions;

/**
 * Options of {@link TransferTrainer}.
 *
 * @param layer the backbone layer the head reads; null: the backbone's default layer
 * @param head the new head (GAP + linear by default, or a class-map head of {@code pooling/})
 * @param training the head's training (epochs, batch, learning rate, seed); its flip/shift
 *     augmentation fields are ignored: cached features are fixed (see {@link #flipViews})
 * @param flipViews cache each training image's mirror as a second view (2× cache and epoch)
 * @param fineTuneEpochs epochs of whole-net training after the head's (0: none); for backbones
 *     camkit can train: camkit model folders and TorchScript files (batch norm kept in inference
 *     mode, {@link TorchScriptTrunk})
 * @param backboneLrFactor the backbone's learning rate ÷ the head's during fine-tuning, in (0, 1]
 * @param unfreezeLast while fine-tuning, only the last k blocks of the backbone train (camkit
 *     models: the last k layers of {@code features} up to the cut; TorchScript: the last k
 *     parameter groups feeding the layer); 0: all. Needs {@code fineTuneEpochs > 0}
 * @param cacheLimitMb the most memory the cached features (and, when fine-tuning, the scaled
 *     images) may take, in MiB
 */
public record TransferOptions(
    String layer, HeadOptions head, TrainOptions training, boolean flipViews, int fineTuneEpochs,
    double backboneLrFactor, int unfreezeLast, long cacheLimitMb) {

  /** Default cache bound: 2 GiB. */
  public static final long DEFAULT_CACHE_LIMIT_MB = 2048;

  public TransferOptions {
    head = head == null ? HeadOptions.gap() : head;
    Options.check(!training.multiLabel(), "multi-label", true, "single-label only with --backbone");
    Options.check(fineTuneEpochs >= 0 && fineTuneEpochs <= 10_000, "fine-tune-epochs", fineTuneEpochs, "0..10000");
    Options.check(backboneLrFactor > 0 && backboneLrFactor <= 1, "backbone-lr-factor", backboneLrFactor, "(0, 1]");
    Options.check(cacheLimitMb >= 1, "cache-limit-mb", cacheLimitMb, ">= 1");
    Options.check(unfreezeLast >= 0, "unfreeze-last", unfreezeLast, ">= 0 (0: every block)");
    Options.check(unfreezeLast == 0 || fineTuneEpochs > 0, "unfreeze-last", unfreezeLast,
        "0 without --fine-tune-epochs (it chooses what fine-tuning trains)");
  }

  /** Without {@code unfreezeLast}: every block of the backbone trains when fine-tuning. */
  public TransferOptions(String layer, HeadOptions head, TrainOptions training, boolean flipViews, int fineTuneEpochs,
      double backboneLrFactor, long cacheLimitMb) {
    this(layer, head, training, flipViews, fineTuneEpochs, backboneLrFactor, 0, cacheLimitMb);
  }

  /** A GAP head at the default layer, no flip views, no fine-tuning. */
  public static TransferOptions of(TrainOptions training) {
    return new TransferOptions(null, HeadOptions.gap(), training, false, 0, 0.1, 0, DEFAULT_CACHE_LIMIT_MB);
  }

  public long cacheLimitBytes() {
    return cacheLimitMb << 20;
  }
}
