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
public sealed interface LayerSpec permits LayerSpec.Conv, LayerSpec.MaxPool, LayerSpec.MlpConv {

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
