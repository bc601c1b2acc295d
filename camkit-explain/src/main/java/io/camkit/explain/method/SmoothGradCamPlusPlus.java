package io.camkit.explain.method;

import ai.djl.ndarray.NDArray;
import io.camkit.explain.target.Target;
import io.camkit.model.layers.LayeredModel;
import java.util.SplittableRandom;

/**
 * Smooth Grad-CAM++ (Omeiza et al., "Smooth Grad-CAM++: An Enhanced Inference Level
 * Visualization Technique for Deep Convolutional Neural Network Models", 2019): the gradient terms
 * of Grad-CAM++ ({@code G}, {@code G²}, {@code G³}) are averaged over {@code n} noisy copies {@code
 * x + N(0, σ²)} of the input (SmoothGrad), then combined with the clean input's activations by
 * Grad-CAM++'s closed form (torch-cam's arrangement). Noise is drawn from a seeded generator: same
 * seed, same map.
 */
public final class SmoothGradCamPlusPlus extends CamMethod {
  private final int samples;
  private final float sigma;
  private final long seed;

  /**
   * @param samples n ≥ 1 noisy copies
   * @param sigma σ ≥ 0 of the Gaussian noise, in units of the model's input (after its scaling)
   * @param seed seed of the noise
   */
  public SmoothGradCamPlusPlus(int samples, float sigma, long seed) {
    io.camkit.core.Options.check(samples >= 1, "samples", samples, ">= 1");
    io.camkit.core.Options.check(sigma >= 0 && Float.isFinite(sigma), "sigma", sigma, ">= 0");
    this.samples = samples;
    this.sigma = sigma;
    this.seed = seed;
  }

  /** torch-cam's defaults: 4 samples, σ = 0.3. */
  public SmoothGradCamPlusPlus() {
    this(4, 0.3f, 0);
  }

  @Override
  public String name() {
    return "smoothgradcampp";
  }

  @Override
  protected boolean needsCleanGradients() {
    return false; // the gradients come from the noisy copies
  }

  @Override
  protected NDArray maps(LayerCapture c) {
    LayeredModel m = c.model();
    Target t = c.target();
    SplittableRandom rng = new SplittableRandom(seed);
    NDArray g1 = null;
    NDArray g2 = null;
    NDArray g3 = null;
    for (int s = 0; s < samples; s++) {
      io.camkit.core.Interruption.check("stopped during Smooth Grad-CAM++'s noisy passes");
      io.camkit.core.InnerProgress.update("smooth grad-cam++ noisy passes", s, samples);
      NDArray noisy = c.input().add(noise(c, rng));
      NDArray a = m.features(c.scope(), noisy, c.layer());
      NDArray g = scoreAndGradient(m, c.layer(), a, t)[1].reshape(c.batch(), c.channels(), c.positions());
      NDArray sq = g.pow(2);
      g1 = g1 == null ? g : g1.add(g);
      g2 = g2 == null ? sq : g2.add(sq);
      g3 = g3 == null ? sq.mul(g) : g3.add(sq.mul(g));
    }
    NDArray w = GradCamPlusPlus.weights(c.flatActivations(), g1.div(samples), g2.div(samples), g3.div(samples));
    return weightedSum(w, c.activations());
  }

  private NDArray noise(LayerCapture c, SplittableRandom rng) {
    float[] n = new float[(int) c.input().size()];
    for (int i = 0; i < n.length; i++) {
      n[i] = (float) (gaussian(rng) * sigma);
    }
    return c.scope().create(n, c.input().getShape());
  }

  /** Box–Muller: one standard normal value. */
  private static double gaussian(SplittableRandom rng) {
    double u = 1.0 - rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}
