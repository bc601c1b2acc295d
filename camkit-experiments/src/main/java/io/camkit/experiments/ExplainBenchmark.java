package io.camkit.experiments;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.PeakMemory;
import io.camkit.explain.method.CamMethod;
import io.camkit.explain.method.ScoreCam;
import io.camkit.explain.target.TargetSelector;
import io.camkit.model.ChannelsLast;
import io.camkit.model.layers.LayeredModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Speed of each CAM method relative to a plain forward pass of the same model on the same batch,
 * measured in one run: for each batch size, forward and method are timed alternately (after a
 * warm-up) and the medians compared, so that machine load affects both alike.
 *
 * <p>Targets (issue 4): CAM ≤ 1.05× forward; Grad-CAM, Grad-CAM++, XGrad-CAM, Layer-CAM, HiRes-CAM
 * ≤ 1.3×; Score-CAM ≤ (K ÷ mask batch) × 1.2 forward passes of a mask batch, per image.
 */
public final class ExplainBenchmark {
  private ExplainBenchmark() {}

  /**
   * One measurement.
   *
   * @param model the model's description
   * @param method the method's name
   * @param batch images per call
   * @param msPerImage median method time per image
   * @param forwardMsPerImage median plain-forward time per image, same batch
   * @param ratio {@code msPerImage / forwardMsPerImage}
   * @param target the ratio the method should stay under, as text
   * @param withinTarget whether it does
   * @param peakRssBytes the process's peak resident memory while the method ran (its high-water
   *     mark reset before each call, {@link PeakMemory}), the model and JVM included; −1 where the
   *     system does not tell
   */
  public record Line(String model, String method, int batch, double msPerImage, double forwardMsPerImage,
      double ratio, String target, boolean withinTarget, long peakRssBytes) {}

  /**
   * @param rounds timed repetitions per measurement (medians of these); Score-CAM gets at most 2
   * @param scoreAtEveryBatch whether the Score-CAM family (K masked forwards per image) is timed at
   *     every batch size, not only at batch 1
   */
  public static List<Line> run(LayeredModel model, String name, List<CamMethod> methods, int[] batches, int rounds,
      long seed, boolean scoreAtEveryBatch, Consumer<String> log) {
    String layer = model.defaultLayer();
    long k = model.layer(layer).shape()[0];
    int[] in = model.inputSize();
    List<Line> out = new ArrayList<>();
    for (int batch : batches) {
      try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        NDArray x = scope.randomUniform(-1, 1, new Shape(batch, 3, in[0], in[1]));
        for (CamMethod m : methods) {
          boolean score = m instanceof ScoreCam; // and SS-CAM, IS-CAM: n passes per channel
          if (score && batch > 1 && !scoreAtEveryBatch) {
            continue; // K masked forwards per image: measured at batch 1 unless asked
          }
          int r = score ? Math.min(2, rounds) : rounds;
          int warm = score ? 1 : 2;
          double[] fwd = new double[r];
          double[] met = new double[r];
          long peak = -1;
          for (int i = 0; i < warm + r; i++) {
            // a Score-CAM round is seconds long: its forward is the median of 15 taken just before it
            double f = score ? medianOf(15, () -> forward(model, scope, x)) : time(() -> forward(model, scope, x));
            boolean reset = PeakMemory.reset();
            double t = time(() -> explain(m, model, scope, x, layer));
            if (reset) {
              peak = Math.max(peak, PeakMemory.residentBytes().orElse(-1));
            }
            if (i >= warm) {
              fwd[i - warm] = f / batch;
              met[i - warm] = t / batch;
            }
          }
          double fm = median(fwd);
          double mm = median(met);
          String target;
          double ratio = mm / fm;
          boolean ok;
          if (score) {
            int mb = ((ScoreCam) m).maskBatch();
            // one forward of a mask batch, in the layout the method gives the model
            double fb = medianForward(model, scope, in, mb, ((ScoreCam) m).channelsLast(), r);
            double passes = mm / fb;
            double limit = (double) k / mb * ((ScoreCam) m).passesPerChannel() * 1.2;
            target = String.format(Locale.ROOT, "≤ %.0f passes of %d (measured %.1f)", limit, mb, passes);
            ok = passes <= limit;
          } else {
            double limit = m.name().equals("cam") ? 1.05 : m.name().equals("smoothgradcampp")
                || m.name().equals("augmentedgradcam") ? Double.NaN : 1.3;
            target = Double.isNaN(limit) ? "(n passes: no target)" : String.format(Locale.ROOT, "≤ %.2f×", limit);
            ok = Double.isNaN(limit) || ratio <= limit;
          }
          String label = score ? label((ScoreCam) m) : m.name();
          Line line = new Line(name, label, batch, mm, fm, ratio, target, ok, peak);
          out.add(line);
          log.accept(String.format(Locale.ROOT, "%s %-16s batch %d: %.2f ms/image, forward %.2f ms/image, %.2f× %s",
              name, label, batch, mm, fm, ratio, target));
        }
      }
    }
    return out;
  }

  /** "scorecam (mask batch 8)", with ", NCHW" when its masked inputs are not channels-last. */
  static String label(ScoreCam m) {
    return m.name() + " (mask batch " + m.maskBatch() + (m.channelsLast() ? "" : ", NCHW") + ")";
  }

  private static double medianOf(int n, Runnable r) {
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = time(r);
    }
    return median(t);
  }

  private static double medianForward(LayeredModel model, NDManager scope, int[] in, int batch, boolean channelsLast,
      int rounds) {
    try (NDManager s = scope.newSubManager()) {
      NDArray plain = s.randomUniform(-1, 1, new Shape(batch, 3, in[0], in[1]));
      NDArray x = channelsLast ? ChannelsLast.copyOf(plain) : plain;
      forward(model, s, x);
      double[] t = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        t[i] = time(() -> forward(model, s, x));
      }
      return median(t);
    }
  }

  private static void forward(LayeredModel model, NDManager scope, NDArray x) {
    try (NDManager s = scope.newSubManager()) {
      model.logits(s, in(s, x)).toFloatArray();
    }
  }

  private static void explain(CamMethod m, LayeredModel model, NDManager scope, NDArray x, String layer) {
    try (NDManager s = scope.newSubManager()) {
      m.explain(model, s, in(s, x), layer, TargetSelector.predicted());
    }
  }

  /**
   * A view of {@code x} attached to {@code s}: arrays computed from an input attach to the input's
   * manager, so each timed call gets its own handle and everything it computes is freed with
   * {@code s}, not kept in the batch's long-lived scope (which held every forward's activations
   * until the batch size was done and inflated the peak memory of the calls after them).
   */
  private static NDArray in(NDManager s, NDArray x) {
    NDArray view = x.reshape(x.getShape());
    view.attach(s);
    return view;
  }

  private static double time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e6;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** A Markdown table of the lines. */
  public static String markdownTable(List<Line> lines) {
    StringBuilder sb = new StringBuilder(
        "| model | method | batch | ms/image | forward ms/image | ratio | target | met | peak RSS while it ran |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Line l : lines) {
      String rss = l.peakRssBytes() < 0 ? "– (no /proc/self/clear_refs)"
          : String.format(Locale.ROOT, "%.0f MiB", l.peakRssBytes() / 1048576.0);
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f | %.2f× | %s | %s | %s |%n", l.model(),
          l.method(), l.batch(), l.msPerImage(), l.forwardMsPerImage(), l.ratio(), l.target(),
          l.withinTarget() ? "yes" : "**no**", rss));
    }
    return sb.toString();
  }
}
