package io.camkit.cli;

import io.camkit.core.CamkitException;
import io.camkit.core.Options;
import io.camkit.model.seg.SegmenterOptions;
import io.camkit.model.train.BoxTrainer;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code camkit train --supervision labels|boxes|masks} and the options of the fully supervised models. */
final class SupervisionMixin {
  static final List<String> KINDS = List.of("labels", "boxes", "masks");

  @Option(names = "--supervision", description = "what the training uses: labels (image labels, the weakly supervised"
      + " classifier), boxes (a classifier plus a box-regression branch trained on the boxes, L = α·CE + (1 − α)·R)"
      + " or masks (a U-Net or FCN segmenter trained on the object masks) (default: ${DEFAULT-VALUE})")
  String supervision = "labels";

  @Option(names = "--box-alpha", description = "boxes: α, the weight of the classification loss, in (0, 1]"
      + " (default: ${DEFAULT-VALUE})")
  float boxAlpha = BoxTrainer.Options.defaults().alpha();

  @Option(names = "--box-loss", description = "boxes: R, smooth-l1 (on the normalised corners, β = 1/9) or giou"
      + " (1 − generalized IoU) (default: ${DEFAULT-VALUE})")
  String boxLoss = BoxTrainer.SMOOTH_L1;

  @Option(names = "--seg-arch", description = "masks: unet (transposed-convolution decoder, concatenated skips) or fcn"
      + " (class scores upsampled and summed with the skips' scores) (default: ${DEFAULT-VALUE})")
  String segArch = "unet";

  @Option(names = "--seg-width", description = "masks: channels of the segmenter's first level (doubled at each level"
      + " down) (default: ${DEFAULT-VALUE})")
  int segWidth = 16;

  @Option(names = "--seg-depth", description = "masks: the segmenter's number of 2× poolings (default: ${DEFAULT-VALUE})")
  int segDepth = 3;

  boolean labels() {
    return supervision.equals("labels");
  }

  boolean boxes() {
    return supervision.equals("boxes");
  }

  /**
   * Checks the options before any data is read: the kind, α, the loss, the segmenter, and the
   * classifier options that do not apply to a supervised model.
   */
  void validate(TrainMixin training, TransferMixin transfer) {
    Options.check(KINDS.contains(supervision), "supervision", supervision, String.join(", ", KINDS));
    Options.check(boxAlpha > 0 && boxAlpha <= 1, "box-alpha", boxAlpha, "(0, 1]");
    Options.check(BoxTrainer.LOSSES.contains(boxLoss), "box-loss", boxLoss, String.join(", ", BoxTrainer.LOSSES));
    Options.check(SegmenterOptions.VARIANTS.contains(segArch), "seg-arch", segArch,
        String.join(", ", SegmenterOptions.VARIANTS));
    Options.check(segWidth >= 1, "seg-width", segWidth, ">= 1");
    Options.check(segDepth >= 1, "seg-depth", segDepth, ">= 1");
    if (labels()) {
      return;
    }
    String what = "--supervision " + supervision;
    if (!training.pooling.equals("gap") || !training.arch.equals("camnet") || !training.wsol.equals("cam")) {
      throw new CamkitException(what + " trains its own heads on camnet's trunk: --pooling, --arch and --wsol do not"
          + " apply");
    }
    if (training.multiLabel) {
      throw new CamkitException(what + " trains single-label models: --multi-label does not apply");
    }
    if (training.resume) {
      throw new CamkitException(what + " has no checkpoints to resume: run it again without --resume");
    }
    if (transfer != null) {
      if (!boxes()) {
        throw new CamkitException("--backbone goes with --supervision boxes (a box head on the frozen backbone) or"
            + " labels; a segmenter trains from scratch");
      }
      if (!transfer.freeze) {
        throw new CamkitException("--backbone trains a new head on the frozen backbone: add --freeze");
      }
      if (transfer.fineTuneEpochs > 0 || transfer.flipViews) {
        throw new CamkitException("--fine-tune-epochs and --flip-views are not available with --supervision boxes"
            + " (the box head trains on the frozen backbone's cached features; a mirror would move the box)");
      }
    }
  }

  BoxTrainer.Options boxOptions(TrainMixin t) {
    return new BoxTrainer.Options(t.epochs, t.batchSize, t.lr, boxAlpha, t.seed, boxLoss);
  }
}
