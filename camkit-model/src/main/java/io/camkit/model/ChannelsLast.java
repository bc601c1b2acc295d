package io.camkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Channels-last memory order for image batches: an array of logical shape {@code [N, C, H, W]}
 * stored as {@code [N, H, W, C]} (PyTorch's {@code channels_last}). PyTorch's oneDNN convolutions,
 * batch norms and poolings read and write it directly, instead of converting every activation to
 * their blocked layout and back as they do for the plain {@code NCHW} order; the results should be
 * the same up to the order of float sums. DJL has no memory-format API: a contiguous {@code [N, H, W,
 * C]} array seen through a transpose is exactly such a tensor.
 *
 * <p>They are not always: on a 2-core AMD EPYC VM (AVX-512, Zen), PyTorch 2.7.1's channels-last 1×1
 * stride-2 convolution of 256 to 512 channels at 14×14 (ResNet-18's layer4 shortcut) was off by up
 * to 0.4 on outputs of magnitude 1, and the reference ResNet-18's logits by 0.11, while the same
 * convolution in {@code NCHW}, and other shapes channels-last, agreed to 1e-5 (with oneDNN held to
 * its SSE4.1 kernels, {@code ONEDNN_MAX_CPU_ISA=SSE41}, they agreed too). Whoever relies on numbers
 * computed in this layout checks a model's outputs against the plain layout once ({@link #agrees});
 * the explain benchmark uses it only to time forward passes.
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

  /**
   * Whether outputs computed from a channels-last input agree with those of the plain layout: the
   * largest difference at most {@code 1e-4 · max(1, max |plain|)}. Float sums in another order
   * differ by about 1e-6 of the largest value; the engine fault described above by 1e-2 and more.
   */
  public static boolean agrees(float[] channelsLast, float[] plain) {
    if (channelsLast.length != plain.length) {
      return false;
    }
    double scale = 1;
    for (float v : plain) {
      scale = Math.max(scale, Math.abs(v));
    }
    return maxDifference(channelsLast, plain) <= 1e-4 * scale; // NaN compares false: a NaN is a disagreement
  }

  /** The largest {@code |a[i] − b[i]|} over the common length (NaN if any difference is NaN). */
  public static double maxDifference(float[] a, float[] b) {
    double diff = 0;
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      double d = Math.abs((double) a[i] - b[i]);
      if (Double.isNaN(d)) {
        return d;
      }
      diff = Math.max(diff, d);
    }
    return diff;
  }

  /**
   * What this machine's check found for {@code model}: true when its channels-last outputs agree with
   * the plain layout, false when they do not, null before it is checked ({@link #remember}).
   */
  public static Boolean verdict(io.camkit.model.layers.LayeredModel model) {
    return VERDICTS.get(model);
  }

  /** Records the check's verdict for {@code model}, for as long as the model lives. */
  public static void remember(io.camkit.model.layers.LayeredModel model, boolean agrees) {
    VERDICTS.put(model, agrees);
  }

  private static final java.util.Map<io.camkit.model.layers.LayeredModel, Boolean> VERDICTS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
}
