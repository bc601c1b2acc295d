package io.camkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Channels-last memory order for image batches: an array of logical shape {@code [N, C, H, W]}
 * stored as {@code [N, H, W, C]} (PyTorch's {@code channels_last}). PyTorch's oneDNN convolutions,
 * batch norms and poolings read and write it directly, instead of converting every activation to
 * their blocked layout and back as they do for the plain {@code NCHW} order; the results are the
 * same up to the order of float sums. DJL has no memory-format API: a contiguous {@code [N, H, W,
 * C]} array seen through a transpose is exactly such a tensor.
 */
public final class ChannelsLast {
  private ChannelsLast() {}

  /**
   * A channels-last copy of {@code x [N, C, H, W]}, attached to {@code x}'s manager, with the same
   * logical shape and values; arrays of any other rank are returned as they are.
   */
  public static NDArray copyOf(NDArray x) {
    return x.getShape().dimension() != 4 ? x : hwc(x).transpose(0, 3, 1, 2);
  }

  /** {@code x [N, C, H, W]} copied into {@code [N, H, W, C]} order: a contiguous {@code [N, H, W, C]} array. */
  public static NDArray hwc(NDArray x) {
    Shape s = x.getShape();
    // the flat reshape of the permuted view cannot be a view: it copies in [N, H, W, C] order
    return x.transpose(0, 2, 3, 1).reshape(s.get(0), -1).reshape(s.get(0), s.get(2), s.get(3), s.get(1));
  }
}
