package io.camkit.model.arch;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The mlpconv block of Network in Network (Lin et al. 2014, Sec. 3.1): a k×k convolution followed
 * by two 1×1 convolutions, each with ReLU — a small multilayer perceptron slid over the image.
 * NiN ends with an mlpconv whose last 1×1 layer has one map per class, then global average pooling.
 */
public final class MlpConv {
  private MlpConv() {}

  /**
   * @param kernel side of the first convolution ("same" padding when odd)
   * @param channels channels of the first convolution and the hidden 1×1
   * @param out channels of the last 1×1
   */
  public static Block of(int kernel, int channels, int out) {
    int pad = (kernel - 1) / 2;
    return new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optPadding(new Shape(pad, pad)).setFilters(channels).build())
        .add(Activation::relu)
        .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(channels).build())
        .add(Activation::relu)
        .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(out).build())
        .add(Activation::relu);
  }

  /**
   * The first two layers of an mlpconv, a k×k convolution ({@code channels}) and a 1×1 ({@code
   * out}), each with ReLU: NiN's last mlpconv without its final 1×1, which becomes the class-map
   * head ({@link ClassMapHead}).
   */
  public static Block open(int kernel, int channels, int out) {
    int pad = (kernel - 1) / 2;
    return new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optPadding(new Shape(pad, pad)).setFilters(channels).build())
        .add(Activation::relu)
        .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(out).build())
        .add(Activation::relu);
  }
}
