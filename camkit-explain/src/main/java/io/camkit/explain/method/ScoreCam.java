package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.explain.target.MapTarget;
import io.camkit.explain.target.Target;
import io.camkit.model.ChannelsLast;
import java.util.ArrayList;
import java.util.List;

/**
 * Score-CAM (Wang et al., "Score-CAM: Score-Weighted Visual Explanations for Convolutional Neural
 * Networks", CVPR-W 2020, Eq. 6–8): every channel {@code A_k}, upsampled bilinearly to the input
 * and min-max normalised ({@code (A − min) / (max − min + 1e-8)}; ε keeps a constant channel at 0
 * instead of NaN), masks the input, {@code x ⊙ s(A_k)}; the target's score of each masked input
 * gives the channel's weight after a softmax over channels, {@code w = softmax_k(s_k)}; the map is
 * {@code Σ_k w_k A_k}. Gradient-free: K extra forward passes per image, run in batches of
 * {@link #maskBatch()} masked inputs.
 *
 * <p>Conventions, as pytorch-grad-cam's {@code ScoreCAM} (its maps are matched to 1e-4 in
 * ReferenceAgreementTest): the raw target score (not a probability), a softmax over the K
 * channels, and the upsampling of {@code UpsamplingBilinear2d}, which aligns corners ({@link
 * #alignCorners}; false gives {@code F.interpolate}'s half-pixel centres). torch-cam normalises each
 * channel at the layer's resolution before upsampling with half-pixel centres ({@link
 * #torchCamMasks()}; its raw and normalised maps are matched to 1e-4 too); its softmax of logit
 * differences is camkit's softmax of logits (a constant per image cancels).
 */
public class ScoreCam extends CamMethod {
  static final float EPS = 1e-8f;
  /**
   * 16 masked inputs per pass: as fast per input as 32 on the reference ResNet-18 (channels-last:
   * 6.7 vs 6.9 s per image in one run), and Score-CAM over 8 images then peaks at 834 MiB of
   * resident memory against 1071 MiB at 32 (docs/BENCHMARKS.md).
   */
  private int maskBatch = 16;
  private boolean alignCorners = true;
  private boolean normaliseFirst;
  private boolean channelsLast = true;

  @Override
  public String name() {
    return "scorecam";
  }

  @Override
  public boolean needsGradients() {
    return false;
  }

  /** Sets the number of masked inputs per forward pass (≥ 1). */
  public ScoreCam maskBatch(int inputs) {
    if (inputs < 1) {
      throw new IllegalArgumentException("option --mask-batch = " + inputs + " is out of range (allowed: >= 1)");
    }
    this.maskBatch = inputs;
    return this;
  }

  public int maskBatch() {
    return maskBatch;
  }

  /**
   * torch-cam's arrangement: each channel min-max normalised at the layer's resolution, {@code (A −
   * min) / (max(A − min) + 1e-8)}, then upsampled with half-pixel centres (sets {@link
   * #alignCorners} false). Default: pytorch-grad-cam's (upsample with aligned corners, then
   * normalise).
   */
  public ScoreCam torchCamMasks() {
    this.normaliseFirst = true;
    this.alignCorners = false;
    return this;
  }

  /**
   * Whether the masked inputs are laid out channels-last in memory (logical shape {@code [B, 3, H,
   * W]}, stored as {@code [B, H, W, 3]}), default true: PyTorch's oneDNN convolutions then run
   * without converting every activation to and from their blocked layout: 1.25–1.43× faster per
   * image on the reference ResNet-18 in paired runs (docs/BENCHMARKS.md). The values of the masked
   * inputs are the same, the map the same up to the order of float sums; false keeps the plain
   * {@code NCHW} layout. The first masked batch of each model is run in both layouts: where this
   * machine's channels-last convolutions give other logits (an AMD EPYC VM did, on ResNet-18's
   * layer4 shortcut), a warning says so and that model's passes stay {@code NCHW}.
   */
  public ScoreCam channelsLast(boolean on) {
    this.channelsLast = on;
    return this;
  }

  public boolean channelsLast() {
    return channelsLast;
  }

  /** Whether the channels are upsampled with aligned corners (default: true, pytorch-grad-cam's). */
  public ScoreCam alignCorners(boolean align) {
    this.alignCorners = align;
    return this;
  }

  /**
   * Each image's temporaries live in a manager of their own, closed once the image's row of weights
   * is known; each mask batch's B upsampled masks {@code [B, 1, H, W]} in one closed after the
   * batch, and each pass's masked inputs and everything the model computes on them in one closed
   * after the pass: memory is bounded by one mask batch, not by K upsampled masks per image nor by
   * the batch size times K (issue 11; at 224 px K = 512 masks are 103 MB, and their normalisation
   * held three such tensors).
   */
  @Override
  protected final NDArray weights(LayerCapture c) {
    return weights(List.of(c)).get(0);
  }

  /**
   * The maps of all the targets from one set of masked passes: a pass's outputs give every target's
   * score, so T targets cost K passes per image, not T · K (the maps are those of T separate calls).
   * Final, as is {@link #weights(LayerCapture)}: the Score-CAM family varies its masks through
   * {@link #perturb}, {@link #samples()} and {@link #startImage}, not its weights.
   */
  @Override
  protected final List<NDArray> maps(List<LayerCapture> captures) {
    List<NDArray> w = weights(captures);
    List<NDArray> out = new ArrayList<>(captures.size());
    for (int j = 0; j < captures.size(); j++) {
      out.add(weightedSum(w.get(j), captures.get(j).activations()));
    }
    return out;
  }

  /**
   * The weights {@code [N, K]} of each capture's target (the captures share the batch, its
   * activations and its layer, and differ only in their target), computed from one set of masked
   * passes.
   */
  private List<NDArray> weights(List<LayerCapture> cs) {
    LayerCapture c = cs.get(0);
    int targets = cs.size();
    long hIn = c.input().getShape().get(2);
    long wIn = c.input().getShape().get(3);
    int k = c.channels();
    List<List<NDArray>> rows = new ArrayList<>(targets);
    for (int j = 0; j < targets; j++) {
      rows.add(new ArrayList<>(c.batch()));
    }
    for (int i = 0; i < c.batch(); i++) {
      try (NDManager image = c.scope().newSubManager()) {
        NDArray a = into(image, c.activations().get(i)).expandDims(0); // [1, K, h, w]
        NDArray xi = into(image, c.input().get(i)).expandDims(0); // [1, 3, H, W]
        // channels-last unless this model's check found it faulty (ChannelsLast.verdict: null until checked)
        NDArray xiHwc = channelsLast && !Boolean.FALSE.equals(ChannelsLast.verdict(c.model()))
            ? ChannelsLast.hwc(xi) : null; // [1, H, W, 3], contiguous
        Target[] t = new Target[targets];
        boolean anyMap = false;
        boolean anyLogits = false;
        for (int j = 0; j < targets; j++) {
          t[j] = forImage(cs.get(j).target(), i);
          anyMap |= t[j] instanceof MapTarget;
          anyLogits |= !(t[j] instanceof MapTarget);
        }
        int samples = samples();
        startImage(image, k, hIn, wIn);
        // A channel that is 0 everywhere (a dead ReLU) masks the input to 0 whatever its index: one
        // of them is run and the others share its score (exact: their masks are exactly 0).
        boolean[] dead = sharesZeroMasks() ? deadChannels(a, k) : new boolean[k];
        int[] run = channelsToRun(dead);
        float[][] row = new float[targets][k];
        for (int from = 0; from < run.length; from += maskBatch) {
          int to = Math.min(run.length, from + maskBatch);
          NDArray[] sum = new NDArray[targets];
          try (NDManager batch = image.newSubManager()) {
            // only this mask batch's B channels are upsampled: [B, 1, H, W], not all K at once
            NDArray chosen = into(batch, a.get(new ai.djl.ndarray.index.NDIndex(":, {}",
                batch.create(java.util.Arrays.copyOfRange(run, from, to))))); // [1, B, h, w]
            NDArray masks = masks(batch, chosen, hIn, wIn);
            for (int sample = 0; sample < samples; sample++) {
              io.camkit.core.Interruption.check("stopped during " + displayName() + "'s masked passes");
              try (NDManager pass = batch.newSubManager()) {
                NDArray m = perturb(pass, masks, sample); // [B, 1, H, W]
                Boolean verdict = ChannelsLast.verdict(c.model()); // re-read: another thread may have checked
                boolean cl = xiHwc != null && !Boolean.FALSE.equals(verdict);
                NDArray masked = cl ? maskedChannelsLast(pass, xiHwc, m) : into(pass, xi.mul(m)); // [B, 3, H, W]
                NDArray checked = null; // the logits of the layout check, in the layout kept
                if (cl && verdict == null) { // once per model: one more forward pass
                  NDArray plain = into(pass, xi.mul(m));
                  NDArray inCl = c.model().logits(pass, masked);
                  NDArray inPlain = c.model().logits(pass, plain);
                  cl = checkLayout(c.model(), inCl, inPlain);
                  masked = cl ? masked : plain;
                  checked = cl ? inCl : inPlain;
                }
                // one forward pass serves every target: the logits, or the layer's maps for a map target
                NDArray features = anyMap ? c.model().features(pass, masked, c.layer()) : null;
                NDArray logits = !anyLogits ? null : checked != null ? checked : c.model().logits(pass, masked);
                for (int j = 0; j < targets; j++) {
                  NDArray s = t[j] instanceof MapTarget
                      ? score(c.model(), pass, features, c.layer(), t[j])
                      : t[j].score(logits);
                  s.attach(image);
                  sum[j] = sum[j] == null ? s : sum[j].add(s);
                }
              }
              // in units of the image's K channels × samples, the shared dead channels counted as done with their pass
              long units = (long) from * samples + (long) (to - from) * (sample + 1);
              io.camkit.core.InnerProgress.update(displayName().toLowerCase(java.util.Locale.ROOT) + " masked passes",
                  (long) i * k * samples + units * k / run.length, (long) c.batch() * k * samples);
            }
          }
          for (int j = 0; j < targets; j++) {
            float[] v = (samples == 1 ? sum[j] : sum[j].div(samples)).toFloatArray();
            for (int r = from; r < to; r++) {
              row[j][run[r]] = v[r - from];
            }
          }
        }
        int shared = -1;
        for (int r : run) {
          shared = dead[r] ? r : shared;
        }
        for (int j = 0; j < targets; j++) {
          for (int ch = 0; ch < k; ch++) {
            if (dead[ch]) {
              row[j][ch] = row[j][shared];
            }
          }
          NDArray weights = image.create(row[j]).softmax(0).reshape(new Shape(1, k));
          weights.attach(c.scope()); // only the rows of K weights outlive the image
          rows.get(j).add(weights);
        }
      }
    }
    List<NDArray> out = new ArrayList<>(targets);
    for (List<NDArray> r : rows) {
      out.add(NDArrays.concat(new NDList(r))); // [N, K]
    }
    return out;
  }

  /**
   * Checks once per model that its logits from channels-last masked inputs ({@code channelsLast})
   * agree with those from the same inputs in {@code NCHW} ({@code plain}; {@link ChannelsLast#agrees}),
   * remembers the verdict ({@link ChannelsLast#remember}) and warns when they do not; returns it.
   */
  private boolean checkLayout(io.camkit.model.layers.LayeredModel model, NDArray channelsLast, NDArray plain) {
    float[] a = channelsLast.toFloatArray();
    float[] b = plain.toFloatArray();
    boolean ok = layoutsAgree(a, b);
    ChannelsLast.remember(model, ok);
    if (!ok) {
      double diff = ChannelsLast.maxDifference(a, b);
      org.slf4j.LoggerFactory.getLogger(ScoreCam.class).warn(
          "{}: this machine's channels-last convolutions disagree with the plain layout on {} (logits differ by up to"
              + " {}); its masked passes use the plain layout (slower, exact)", displayName(), model.description(),
          String.format(java.util.Locale.ROOT, "%.3g", diff));
    }
    return ok;
  }

  /** {@link ChannelsLast#agrees}; tests replace it to follow the fallback. */
  boolean layoutsAgree(float[] channelsLast, float[] plain) {
    return ChannelsLast.agrees(channelsLast, plain);
  }

  /**
   * The masks of channels {@code a [1, B, h, w]}: upsampled to {@code H × W} and min-max
   * normalised per channel, in the order of {@link #torchCamMasks()} or pytorch-grad-cam's;
   * {@code [B, 1, H, W]}.
   */
  private NDArray masks(NDManager m, NDArray a, long hIn, long wIn) {
    long b = a.getShape().get(1);
    if (normaliseFirst) { // torch-cam: ψ at h × w, then up
      NDArray flat = a.reshape(b, -1);
      NDArray shifted = flat.sub(flat.min(new int[] {1}, true));
      NDArray norm = shifted.div(shifted.max(new int[] {1}, true).add(EPS)).reshape(a.getShape());
      return upsample(m, norm, hIn, wIn).reshape(b, 1, hIn, wIn);
    }
    // pytorch-grad-cam: up, then ψ at H × W
    NDArray up = upsample(m, a, hIn, wIn).reshape(b, hIn * wIn);
    NDArray lo = up.min(new int[] {1}, true);
    NDArray hi = up.max(new int[] {1}, true);
    return up.sub(lo).div(hi.sub(lo).add(EPS)).reshape(b, 1, hIn, wIn);
  }

  /**
   * {@code x ⊙ m} for {@code xHwc [1, H, W, C]} (from {@link io.camkit.model.ChannelsLast#hwc}) and masks {@code m [B, 1, H,
   * W]}: the product is computed as {@code [B, H, W, C]}, contiguous, and returned as its {@code [B,
   * C, H, W]} view, i.e. a channels-last tensor with the same values as {@code x.mul(m)}; it and
   * every intermediate array are attached to {@code into}.
   */
  static NDArray maskedChannelsLast(NDManager into, NDArray xHwc, NDArray m) {
    Shape s = m.getShape();
    NDArray mHwc = m.reshape(s.get(0), s.get(2), s.get(3), 1); // a view of the same storage
    mHwc.attach(into);
    return mHwc.mul(xHwc).transpose(0, 3, 1, 2);
  }

  /** Channels of {@code a [1, K, h, w]} that are exactly 0 everywhere. */
  static boolean[] deadChannels(NDArray a, int k) {
    float[] absMax = a.abs().reshape(k, -1).max(new int[] {1}).toFloatArray();
    boolean[] dead = new boolean[k];
    for (int ch = 0; ch < k; ch++) {
      dead[ch] = absMax[ch] == 0f;
    }
    return dead;
  }

  /** The channels that get masked passes, in order: every live one and the first dead one. */
  static int[] channelsToRun(boolean[] dead) {
    int[] run = new int[dead.length];
    int n = 0;
    boolean deadSeen = false;
    for (int ch = 0; ch < dead.length; ch++) {
      if (!dead[ch] || !deadSeen) {
        run[n++] = ch;
      }
      deadSeen |= dead[ch];
    }
    return java.util.Arrays.copyOf(run, n);
  }

  /**
   * Whether a zero mask stays the same input whatever its channel, so dead channels can share one
   * pass: true unless {@link #perturb} adds something to the masks (SS-CAM's noise).
   */
  protected boolean sharesZeroMasks() {
    return true;
  }

  /** The method's name in messages: "Score-CAM". */
  protected String displayName() {
    return "Score-CAM";
  }

  /** Masked passes per channel: 1 for Score-CAM; SS-CAM and IS-CAM average the score over several. */
  protected int samples() {
    return 1;
  }

  /** {@link #samples()}, for benchmarks: each channel costs this many masked inputs. */
  public final int passesPerChannel() {
    return samples();
  }

  /**
   * Called once per image before its masked passes, with the image's own manager (for per-image
   * state such as a noise generator).
   */
  protected void startImage(NDManager image, int channels, long height, long width) {}

  /**
   * The multiplier of the input for pass {@code sample} of the channels in {@code masks [B, 1, H,
   * W]} (their upsampled, min-max normalised maps): Score-CAM uses the masks as they are.
   */
  protected NDArray perturb(NDManager pass, NDArray masks, int sample) {
    return masks;
  }

  /**
   * Bilinear upsampling of {@code a [1, K, h, w]} to {@code [1, K, H, W]}: with aligned corners as
   * {@code Ry · A_k · Rxᵀ}, with {@code R} the interpolation matrices (DJL 0.35's {@code
   * interpolation} ignores its alignCorners flag), else DJL's half-pixel-centre interpolation.
   */
  private NDArray upsample(NDManager m, NDArray a, long hIn, long wIn) {
    if (!alignCorners) {
      return a.getNDArrayInternal().interpolation(new long[] {hIn, wIn}, 1, false);
    }
    long h = a.getShape().get(2);
    long w = a.getShape().get(3);
    NDArray ry = m.create(alignedWeights((int) hIn, (int) h), new Shape(hIn, h));
    NDArray rxT = m.create(alignedWeights((int) wIn, (int) w), new Shape(wIn, w)).transpose();
    return ry.matMul(a.squeeze(0)).matMul(rxT).expandDims(0); // [K, H, h]·… → [1, K, H, W]
  }

  /**
   * The {@code [out, in]} matrix of 1-D linear interpolation with aligned corners: output {@code i}
   * reads input {@code s = i · (in − 1) / (out − 1)}, split between {@code ⌊s⌋} and {@code ⌊s⌋ + 1}.
   */
  static float[] alignedWeights(int out, int in) {
    float[] r = new float[out * in];
    for (int i = 0; i < out; i++) {
      double src = out == 1 || in == 1 ? 0 : (double) i * (in - 1) / (out - 1);
      int i0 = Math.min(in - 1, (int) Math.floor(src));
      int i1 = Math.min(in - 1, i0 + 1);
      double f = src - i0;
      r[i * in + i0] += (float) (1 - f);
      r[i * in + i1] += (float) f;
    }
    return r;
  }

  /** {@code x} moved to {@code m}: the arrays computed from it are then attached to {@code m} too. */
  private static NDArray into(NDManager m, NDArray x) {
    x.attach(m);
    return x;
  }
}
