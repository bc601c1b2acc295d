package io.camkit.model.fcn;

/**
 * The spatial footprint of one layer of a conv stack (a convolution or a pooling), along one axis:
 * input length {@code s} gives output length {@code ⌊(s + 2p − k) / stride⌋ + 1}.
 *
 * @param kernel k, at least 1
 * @param stride at least 1
 * @param padding p, zeros added on each side, at least 0
 */
public record ConvLayer(int kernel, int stride, int padding) {
  public ConvLayer {
    if (kernel < 1 || stride < 1 || padding < 0) {
      throw new IllegalArgumentException("kernel " + kernel + ", stride " + stride + ", padding " + padding);
    }
  }

  /** The output length for input length {@code s}, or 0 when the padded input is shorter than the kernel. */
  public int outputSize(int s) {
    if (s + 2 * padding < kernel) {
      return 0;
    }
    return (s + 2 * padding - kernel) / stride + 1;
  }

  /**
   * The smallest input length whose output is at least {@code out} ≥ 1: from {@code ⌊(s + 2p − k)
   * / stride⌋ + 1 ≥ out ⇔ s ≥ (out − 1)·stride + k − 2p}, and at least 1.
   */
  public int smallestInput(int out) {
    if (out < 1) {
      throw new IllegalArgumentException("output " + out);
    }
    return Math.max(1, (out - 1) * stride + kernel - 2 * padding);
  }
}
