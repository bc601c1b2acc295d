package io.camkit.model.arch;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import io.camkit.model.pooling.GlobalAveragePooling;
import java.util.List;

/**
 * The two networks of the classic CNN-flatten vs CNN-GAP comparison, layer for layer as their
 * Keras summaries (input {@code [N, 1, 64, 64]}, "valid" 3×3 convolutions with ReLU):
 *
 * <pre>
 *   conv 32 → maxpool 2 → conv 64 → maxpool 2 → conv 128          (the shared trunk, 92 672 params)
 *   flatten: → maxpool 2 → flatten 4608 → dropout → dense 64 → dropout → dense C   (388 298 for C = 10)
 *   GAP:     → GAP 128 → dropout → dense 64 → dropout → dense C                     (101 578 for C = 10)
 * </pre>
 *
 * The flatten variant's first dense layer ties every weight to one position, so it cannot
 * recognise a digit it has only seen elsewhere; GAP has no parameters and is shift invariant.
 */
public final class KerasBaselines {
  /** Input side of both networks. */
  public static final int INPUT = 64;

  private KerasBaselines() {}

  /** The pooling of CNN-flatten's dense head before it flattens: 2×2, stride 2. */
  public static final LayerSpec.MaxPool FLATTEN_POOL = new LayerSpec.MaxPool(2);

  /** The shared trunk as data: valid 3×3 conv 32 (ReLU) → pool 2 → conv 64 → pool 2 → conv 128. */
  public static final List<LayerSpec> TRUNK = List.of(LayerSpec.Conv.valid(3, 32), new LayerSpec.MaxPool(2),
      LayerSpec.Conv.valid(3, 64), new LayerSpec.MaxPool(2), LayerSpec.Conv.valid(3, 128));

  /** conv 32 → pool → conv 64 → pool → conv 128 ({@code [N, 1, 64, 64] → [N, 128, 12, 12]}). */
  public static SequentialBlock trunk() {
    return Architecture.block(TRUNK);
  }

  public static Block cnnFlatten(int classes, float dropout) {
    return trunk().add(flattenHead(classes, dropout));
  }

  /**
   * The dense head of CNN-flatten, {@code [N, 128, h, w] → [N, C]}: max-pool 2 → flatten → dropout
   * → dense 64 → ReLU → dropout → dense C. Its first dense layer's input size follows the map's.
   */
  public static SequentialBlock flattenHead(int classes, float dropout) {
    return new SequentialBlock()
        .add(FLATTEN_POOL.block())
        .add(Blocks.batchFlattenBlock())
        .add(Dropout.builder().optRate(dropout).build())
        .add(Linear.builder().setUnits(64).build())
        .add(Activation::relu)
        .add(Dropout.builder().optRate(dropout).build())
        .add(Linear.builder().setUnits(classes).build());
  }

  public static Block cnnGap(int classes, float dropout) {
    return trunk()
        .add(new GlobalAveragePooling().block())
        .add(Dropout.builder().optRate(dropout).build())
        .add(Linear.builder().setUnits(64).build())
        .add(Activation::relu)
        .add(Dropout.builder().optRate(dropout).build())
        .add(Linear.builder().setUnits(classes).build());
  }
}
