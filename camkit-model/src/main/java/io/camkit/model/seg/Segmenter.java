package io.camkit.model.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A fully supervised segmenter, {@code x [N, 3, H, W] → scores [N, C + 1, H, W]} for any H, W:
 * the upper bound weakly supervised masks are compared with.
 *
 * <p>Contracting path: at level {@code i = 0 … depth − 1} two 3×3 convolutions (padding 1) with
 * batch norm and ReLU to {@code width · 2^i} channels, then 2×2 max pooling (stride 2, flooring
 * odd sides); at the bottom the same double convolution to {@code width · 2^depth} channels.
 *
 * <ul>
 *   <li><b>unet</b>: each level up, a 2×2 transposed convolution of stride 2 halves the channels
 *       and doubles the side; it is padded at the bottom and right to the skip's size (an odd side
 *       floored by the pooling loses one row), concatenated after the skip's {@code width · 2^i}
 *       channels, and a double convolution brings {@code 2 · width · 2^i} channels back to {@code
 *       width · 2^i}; a 1×1 convolution gives the scores.
 *   <li><b>fcn</b>: a 1×1 convolution scores the bottom and every skip; from the bottom up, the
 *       scores are upsampled 2× by a transposed convolution, padded to the skip's size and added to
 *       the skip's scores.
 * </ul>
 */
public final class Segmenter extends AbstractBlock {
  private final SegmenterOptions options;
  private final List<Block> down = new ArrayList<>();
  private final Block bottom;
  private final List<Block> up = new ArrayList<>(); // transposed convolutions, index = level
  private final List<Block> merge = new ArrayList<>(); // unet: double convs; fcn: skip scorers
  private final Block head; // unet: 1×1 to scores; fcn: bottom scorer

  public Segmenter(SegmenterOptions options) {
    this.options = options;
    int k = options.outputs();
    for (int i = 0; i < options.depth(); i++) {
      down.add(addChildBlock("down" + i, doubleConv(channels(i))));
    }
    bottom = addChildBlock("bottom", doubleConv(channels(options.depth())));
    boolean unet = options.variant().equals("unet");
    for (int i = 0; i < options.depth(); i++) {
      up.add(addChildBlock("up" + i, new Upsample2x(unet ? channels(i) : k)));
      merge.add(addChildBlock((unet ? "merge" : "score") + i, unet ? doubleConv(channels(i)) : conv1x1(k)));
    }
    head = addChildBlock(unet ? "head" : "scoreBottom", conv1x1(k));
  }

  public SegmenterOptions options() {
    return options;
  }

  /** Channels at level i: {@code width · 2^i}. */
  int channels(int level) {
    return options.width() << level;
  }

  private static Block doubleConv(int filters) {
    SequentialBlock b = new SequentialBlock();
    for (int j = 0; j < 2; j++) {
      b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build())
          .add(BatchNorm.builder().build())
          .add(Activation::relu);
    }
    return b;
  }

  private static Block conv1x1(int filters) {
    return Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(filters).build();
  }

  /** The sides {@code [H, W]} of each level: the input's, then each floored half, the bottom last. */
  public static int[][] levelSides(int height, int width, int depth) {
    int[][] s = new int[depth + 1][];
    s[0] = new int[] {height, width};
    for (int i = 1; i <= depth; i++) {
      s[i] = new int[] {s[i - 1][0] / 2, s[i - 1][1] / 2};
    }
    return s;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    List<NDArray> skips = new ArrayList<>();
    for (int i = 0; i < options.depth(); i++) {
      x = down.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
      skips.add(x);
      x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
    }
    x = bottom.forward(ps, new NDList(x), training).singletonOrThrow();
    boolean unet = options.variant().equals("unet");
    if (!unet) {
      x = head.forward(ps, new NDList(x), training).singletonOrThrow(); // the bottom's scores
    }
    for (int i = options.depth() - 1; i >= 0; i--) {
      NDArray skip = skips.get(i);
      NDArray u = padTo(up.get(i).forward(ps, new NDList(x), training).singletonOrThrow(), skip);
      if (unet) {
        x = merge.get(i).forward(ps, new NDList(skip.concat(u, 1)), training).singletonOrThrow();
      } else {
        x = merge.get(i).forward(ps, new NDList(skip), training).singletonOrThrow().add(u);
      }
    }
    return new NDList(unet ? head.forward(ps, new NDList(x), training).singletonOrThrow() : x);
  }

  /** {@code u} zero-padded at the bottom and right to {@code skip}'s height and width. */
  static NDArray padTo(NDArray u, NDArray skip) {
    long dh = skip.getShape().get(2) - u.getShape().get(2);
    long dw = skip.getShape().get(3) - u.getShape().get(3);
    return dh == 0 && dw == 0 ? u : u.pad(new Shape(0, dw, 0, dh), 0);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    Shape s = inputs[0];
    return new Shape[] {new Shape(s.get(0), options.outputs(), s.get(2), s.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    long n = in.get(0);
    int[][] sides = levelSides((int) in.get(2), (int) in.get(3), options.depth());
    long c = in.get(1);
    for (int i = 0; i < options.depth(); i++) {
      down.get(i).initialize(manager, dataType, new Shape(n, c, sides[i][0], sides[i][1]));
      c = channels(i);
    }
    int[] b = sides[options.depth()];
    bottom.initialize(manager, dataType, new Shape(n, c, b[0], b[1]));
    boolean unet = options.variant().equals("unet");
    int k = options.outputs();
    long below = unet ? channels(options.depth()) : k;
    if (!unet) {
      head.initialize(manager, dataType, new Shape(n, channels(options.depth()), b[0], b[1]));
    }
    for (int i = options.depth() - 1; i >= 0; i--) {
      int[] lo = sides[i + 1];
      int[] hi = sides[i];
      up.get(i).initialize(manager, dataType, new Shape(n, below, lo[0], lo[1]));
      merge.get(i).initialize(manager, dataType, new Shape(n, unet ? 2L * channels(i) : channels(i), hi[0], hi[1]));
      below = unet ? channels(i) : k;
    }
    if (unet) {
      head.initialize(manager, dataType, new Shape(n, channels(0), sides[0][0], sides[0][1]));
    }
  }
}
