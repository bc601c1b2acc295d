package io.camkit.pipeline.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.core.RgbImage;
import io.camkit.model.layers.LayerInfo;
import io.camkit.model.layers.LayeredModel;
import java.util.List;
import java.util.Optional;

/**
 * A model that counts the images that go through its passes: {@link #featureImages} through
 * {@code features} (the forward pass up to the layer), {@link #logitImages} through the full
 * forward {@code logits}, {@link #headImages} through {@code head}. Everything else is delegated.
 */
public final class CountingModel implements LayeredModel {
  private final LayeredModel inner;
  public long featureImages;
  public long logitImages;
  public long headImages;

  public CountingModel(LayeredModel inner) {
    this.inner = inner;
  }

  /** Images through a forward pass of the network's input (features or logits). */
  public long forwardImages() {
    return featureImages + logitImages;
  }

  @Override
  public NDArray features(NDManager scope, NDArray x, String layer) {
    featureImages += x.getShape().get(0);
    return inner.features(scope, x, layer);
  }

  @Override
  public NDArray logits(NDManager scope, NDArray x) {
    logitImages += x.getShape().get(0);
    return inner.logits(scope, x);
  }

  @Override
  public NDArray head(NDManager scope, NDArray a, String layer) {
    headImages += a.getShape().get(0);
    return inner.head(scope, a, layer);
  }

  @Override
  public List<String> classes() {
    return inner.classes();
  }

  @Override
  public List<LayerInfo> layers() {
    return inner.layers();
  }

  @Override
  public int[] inputSize() {
    return inner.inputSize();
  }

  @Override
  public NDArray input(NDManager scope, List<RgbImage> images) {
    return inner.input(scope, images);
  }

  @Override
  public NDArray scaled(NDManager scope, float[] chw01, int n) {
    return inner.scaled(scope, chw01, n);
  }

  @Override
  public boolean supportsGradients() {
    return inner.supportsGradients();
  }

  @Override
  public boolean supportsGradients(String layer) {
    return inner.supportsGradients(layer);
  }

  @Override
  public Optional<NDArray> classifierWeights(String layer) {
    return inner.classifierWeights(layer);
  }

  @Override
  public Optional<NDArray> classMaps(NDManager scope, NDArray a, String layer) {
    return inner.classMaps(scope, a, layer);
  }

  @Override
  public boolean supportsCam(String layer) {
    return inner.supportsCam(layer);
  }

  @Override
  public String whyNoCam(String layer) {
    return inner.whyNoCam(layer);
  }

  @Override
  public String whyNoGradients(String layer) {
    return inner.whyNoGradients(layer);
  }

  @Override
  public String description() {
    return inner.description();
  }

  @Override
  public void close() {
    inner.close();
  }
}
