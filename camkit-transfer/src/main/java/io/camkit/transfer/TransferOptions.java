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
 * @param augment photo augmentation (random resized crops, flips, colour jitter), or null for none:
 *     while fine-tuning every step draws fresh crops; the head alone trains on cached features, so
 *     {@code augmentViews} views of each training image are cached (the first the image itself,
 *     the others augmented copies drawn once, seeded by the training seed)
 * @param augmentViews views of each training image cached for the head when {@code augment} is set,
 *     ≥ 1 (1 when it is not)
 * @param removeLastStride run the backbone with its last downsampling node before the layer at
 *     stride 1, for maps twice as fine ({@link io.camkit.interop.onnx.OnnxGraph#withoutLastStride};
 *     ONNX backbones only); the edited backbone is saved in the model folder
 */
public record TransferOptions(
    String layer, HeadOptions head, TrainOptions training, boolean flipViews, int fineTuneEpochs,
    double backboneLrFactor, int unfreezeLast, long cacheLimitMb, io.camkit.dataset.augment.PhotoAugmentation augment,
    int augmentViews, boolean removeLastStride) {

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
    Options.check(augmentViews >= 1 && augmentViews <= 64, "augment-views", augmentViews, "1..64");
    Options.check(augment != null || augmentViews == 1, "augment-views", augmentViews, "1 without --augment");
    Options.check(augment == null || !flipViews, "flip-views", true,
        "off with --augment (its views are flipped at random already)");
  }

  /** With the backbone's strides as they are. */
  public TransferOptions(String layer, HeadOptions head, TrainOptions training, boolean flipViews, int fineTuneEpochs,
      double backboneLrFactor, int unfreezeLast, long cacheLimitMb, io.camkit.dataset.augment.PhotoAugmentation augment,
      int augmentViews) {
    this(layer, head, training, flipViews, fineTuneEpochs, backboneLrFactor, unfreezeLast, cacheLimitMb, augment,
        augmentViews, false);
  }

  /** Without augmentation. */
  public TransferOptions(String layer, HeadOptions head, TrainOptions training, boolean flipViews, int fineTuneEpochs,
      double backboneLrFactor, int unfreezeLast, long cacheLimitMb) {
    this(layer, head, training, flipViews, fineTuneEpochs, backboneLrFactor, unfreezeLast, cacheLimitMb, null, 1);
  }

  /** Without {@code unfreezeLast}: every block of the backbone trains when fine-tuning. */
  public TransferOptions(String layer, HeadOptions head, TrainOptions training, boolean flipViews, int fineTuneEpochs,
      double backboneLrFactor, long cacheLimitMb) {
    this(layer, head, training, flipViews, fineTuneEpochs, backboneLrFactor, 0, cacheLimitMb, null, 1);
  }

  /** A GAP head at the default layer, no flip views, no fine-tuning. */
  public static TransferOptions of(TrainOptions training) {
    return new TransferOptions(null, HeadOptions.gap(), training, false, 0, 0.1, 0, DEFAULT_CACHE_LIMIT_MB, null, 1);
  }

  /** The same options with {@code augment} and {@code views} cached views per training image. */
  public TransferOptions withAugmentation(io.camkit.dataset.augment.PhotoAugmentation augment, int views) {
    return new TransferOptions(layer, head, training, flipViews, fineTuneEpochs, backboneLrFactor, unfreezeLast,
        cacheLimitMb, augment, views, removeLastStride);
  }

  /** The same options with the backbone's last stride before the layer removed, or not. */
  public TransferOptions withRemoveLastStride(boolean remove) {
    return new TransferOptions(layer, head, training, flipViews, fineTuneEpochs, backboneLrFactor, unfreezeLast,
        cacheLimitMb, augment, augmentViews, remove);
  }

  /** Views of each training image the head trains on: 2 with flip views, {@code augmentViews} with augmentation. */
  public int views() {
    return flipViews ? 2 : augmentViews;
  }

  public long cacheLimitBytes() {
    return cacheLimitMb << 20;
  }
}
