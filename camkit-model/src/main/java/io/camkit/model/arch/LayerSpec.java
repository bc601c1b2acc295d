package io.camkit.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import io.camkit.model.fcn.ConvLayer;
import java.util.List;

/**
 * One layer of a conv stack as data: what it computes ({@link #block()}, a fresh DJL block, one
 * child of the stack's {@code SequentialBlock}), its output channels and its spatial footprint.
 * Every layer maps {@code [N, C_in, H, W] → [N, C_out, H', W']} with, along each axis,
 *
 * <pre>  H' = ⌊(H + 2p − k) / s⌋ + 1   (0 when H + 2p &lt; k)</pre>
 *
 * for the kernel k, stride s and padding p of its {@link #footprint()}; 1×1 convolutions inside a
 * layer do not change the footprint.
 */
public sealed interface LayerSpec
    permits LayerSpec.Conv, LayerSpec.MaxPool, LayerSpec.MlpConv, LayerSpec.CoarseToFine {

  /** The kernel k, stride s and padding p of the layer's one spatial operation (x and y alike). */
  ConvLayer footprint();

  /** {@code C_out} for {@code C_in} input channels. */
  int channels(int in);

  /** A fresh, uninitialised block computing this layer. */
  Block block();

  /**
   * A k×k convolution of {@code filters} channels, then batch norm when {@code batchNorm} (the
   * convolution then has no bias: BN's β replaces it), then ReLU: {@code y = ReLU(BN(W ∗ x))} or
   * {@code y = ReLU(W ∗ x + b)}.
   *
   * @param kernel k ≥ 1
   * @param stride s ≥ 1
   * @param padding p ≥ 0, zeros on each side
   * @param filters C_out ≥ 1
   * @param batchNorm whether BN follows the convolution
   */
  record Conv(int kernel, int stride, int padding, int filters, boolean batchNorm) implements LayerSpec {
    public Conv {
      new ConvLayer(kernel, stride, padding); // validates k, s, p
      if (filters < 1) {
        throw new IllegalArgumentException("filters " + filters);
      }
    }

    /** A "same" convolution ({@code p = (k − 1) / 2}, odd k) with batch norm: camnet's layer. */
    public static Conv same(int kernel, int stride, int filters) {
      return new Conv(kernel, stride, (kernel - 1) / 2, filters, true);
    }

    /** A "valid" convolution ({@code p = 0}, stride 1) with bias and no batch norm: the Keras layer. */
    public static Conv valid(int kernel, int filters) {
      return new Conv(kernel, 1, 0, filters, false);
    }

    @Override
    public ConvLayer footprint() {
      return new ConvLayer(kernel, stride, padding);
    }

    @Override
    public int channels(int in) {
      return filters;
    }

    @Override
    public Block block() {
      SequentialBlock b = new SequentialBlock().add(conv2d(kernel, stride, padding, filters, !batchNorm));
      if (batchNorm) {
        b.add(BatchNorm.builder().build());
      }
      return b.add(Activation::relu);
    }
  }

  /**
   * Max pooling over k×k windows with stride k and no padding: {@code [N, C, H, W] → [N, C, ⌊H /
   * k⌋, ⌊W / k⌋]}.
   *
   * @param kernel k ≥ 1
   */
  record MaxPool(int kernel) implements LayerSpec {
    public MaxPool {
      new ConvLayer(kernel, kernel, 0);
    }

    @Override
    public ConvLayer footprint() {
      return new ConvLayer(kernel, kernel, 0);
    }

    @Override
    public int channels(int in) {
      return in;
    }

    @Override
    public Block block() {
      return Pool.maxPool2dBlock(new Shape(kernel, kernel));
    }

    /** The pooling as a function, {@code [N, C, H, W] → [N, C, ⌊H / k⌋, ⌊W / k⌋]}. */
    public NDArray apply(NDArray x) {
      return Pool.maxPool2d(x, new Shape(kernel, kernel), new Shape(kernel, kernel), new Shape(0, 0), false);
    }
  }

  /**
   * The mlpconv block of Network in Network (Lin et al. 2014, Sec. 3.1): a k×k convolution ("same"
   * padding {@code p = (k − 1) / 2}) of {@code channels[0]} maps followed by 1×1 convolutions of
   * {@code channels[1..]} maps, each with bias and ReLU — a small multilayer perceptron slid over
   * the image. NiN's last mlpconv ends with one map per class; camkit's {@code nin} leaves that
   * final 1×1 out of the stack and makes it the class-map head ({@link ClassMapHead}).
   *
   * @param kernel k, odd
   * @param channels the output channels of the k×k convolution, then of each 1×1 (at least one)
   */
  record MlpConv(int kernel, List<Integer> channels) implements LayerSpec {
    public MlpConv {
      channels = List.copyOf(channels);
      new ConvLayer(kernel, 1, (kernel - 1) / 2);
      if (channels.isEmpty() || channels.stream().anyMatch(c -> c < 1)) {
        throw new IllegalArgumentException("channels " + channels);
      }
    }

    @Override
    public ConvLayer footprint() {
      return new ConvLayer(kernel, 1, (kernel - 1) / 2);
    }

    @Override
    public int channels(int in) {
      return channels.get(channels.size() - 1);
    }

    @Override
    public Block block() {
      int pad = (kernel - 1) / 2;
      SequentialBlock b = new SequentialBlock();
      for (int i = 0; i < channels.size(); i++) {
        b.add(i == 0 ? conv2d(kernel, 1, pad, channels.get(0), true) : conv2d(1, 1, 0, channels.get(i), true))
            .add(Activation::relu);
      }
      return b;
    }
  }

  /**
   * A coarse branch beside the identity, fused at the input's resolution (a U-Net / FPN top-down
   * step, Ronneberger et al. 2015; Lin et al. 2017): the input {@code x = [N, C, H, W]} goes
   * through {@code coarse} (a max pool of 2 then convolutions: stride 2, a wider receptive field,
   * more channels {@code C'}), is upsampled ×2 by repeating each cell over 2×2 (nearest
   * neighbour; the last row and column are repeated once more when H or W is odd), and is
   * concatenated with x along the channels:
   *
   * <pre>  y = concat(up₂(coarse(x)), x) = [N, C' + C, H, W]</pre>
   *
   * <p>A 1×1 convolution after it then sees, at every position of the fine grid, the coarse
   * context (which class is near) and the fine features of that very position (is this pixel part
   * of it), so a class map can follow the object at the fine stride while the classifier still
   * reads the coarse branch's wide receptive field.
   *
   * <p>Geometry: the output has the input's size (stride 1); its footprint is a "same" window
   * whose side is the coarse branch's receptive field in input units plus 1 for the nearest
   * upsampling, {@code k = R_coarse + 1}, {@code p = ⌊k / 2⌋} (k made odd).
   *
   * @param coarse the layers of the coarse branch, input first; the first must be {@code MaxPool(2)}
   */
  record CoarseToFine(List<LayerSpec> coarse) implements LayerSpec {
    public CoarseToFine {
      coarse = List.copyOf(coarse);
      if (coarse.isEmpty() || !(coarse.get(0) instanceof MaxPool m) || m.kernel() != 2) {
        throw new IllegalArgumentException("the coarse branch must start with a 2×2 max pool: " + coarse);
      }
    }

    @Override
    public ConvLayer footprint() {
      int r = 1;
      int jump = 1;
      for (LayerSpec l : coarse) {
        ConvLayer f = l.footprint();
        r += (f.kernel() - 1) * jump;
        jump *= f.stride();
      }
      int k = (r + 1) % 2 == 0 ? r + 2 : r + 1;
      return new ConvLayer(k, 1, (k - 1) / 2);
    }

    @Override
    public int channels(int in) {
      int c = in;
      for (LayerSpec l : coarse) {
        c = l.channels(c);
      }
      return c + in;
    }

    @Override
    public Block block() {
      SequentialBlock branch = new SequentialBlock();
      for (LayerSpec l : coarse) {
        branch.add(l.block());
      }
      return new ai.djl.nn.ParallelBlock(
          outs -> {
            NDArray fine = outs.get(1).singletonOrThrow();
            NDArray up = upsample2(outs.get(0).singletonOrThrow(), fine.getShape().get(2), fine.getShape().get(3));
            return new ai.djl.ndarray.NDList(up.concat(fine, 1));
          },
          List.of(branch, ai.djl.nn.Blocks.identityBlock()));
    }

    /**
     * Nearest-neighbour ×2 upsampling of {@code c = [N, C, h, w]} to {@code [N, C, H, W]} with
     * {@code H ∈ {2h, 2h + 1}}: each cell covers 2×2 outputs, an odd last row/column repeats the
     * last cells.
     */
    public static NDArray upsample2(NDArray c, long height, long width) {
      NDArray up = c.repeat(2, 2).repeat(3, 2);
      if (up.getShape().get(2) < height) {
        up = up.concat(up.get(":, :, -1:, :"), 2);
      }
      if (up.getShape().get(3) < width) {
        up = up.concat(up.get(":, :, :, -1:"), 3);
      }
      return up;
    }
  }

  private static Conv2d conv2d(int kernel, int stride, int padding, int filters, boolean bias) {
    return Conv2d.builder()
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(padding, padding))
        .setFilters(filters)
        .optBias(bias)
        .build();
  }
}
