package io.camkit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.core.RgbImage;
import java.util.List;
import java.util.Optional;

/**
 * A {@link LayeredModel} that hands every call to another one: extend it and override the calls
 * to watch or change (count the images through each pass, record memory, log), as Guava's {@code
 * ForwardingObject}s do. Closing it closes the model it wraps.
 */
public abstract class ForwardingLayeredModel implements LayeredModel {
  private final LayeredModel delegate;

  protected ForwardingLayeredModel(LayeredModel delegate) {
    this.delegate = delegate;
  }

  /** The wrapped model. */
  protected LayeredModel delegate() {
    return delegate;
  }

  @Override
  public List<String> classes() {
    return delegate.classes();
  }

  @Override
  public List<LayerInfo> layers() {
    return delegate.layers();
  }

  @Override
  public String defaultLayer() {
    return delegate.defaultLayer();
  }

  @Override
  public int[] inputSize() {
    return delegate.inputSize();
  }

  @Override
  public NDArray input(NDManager scope, List<RgbImage> images) {
    return delegate.input(scope, images);
  }

  @Override
  public NDArray scaled(NDManager scope, float[] chw01, int n) {
    return delegate.scaled(scope, chw01, n);
  }

  @Override
  public NDArray logits(NDManager scope, NDArray x) {
    return delegate.logits(scope, x);
  }

  @Override
  public NDArray features(NDManager scope, NDArray x, String layer) {
    return delegate.features(scope, x, layer);
  }

  @Override
  public NDArray head(NDManager scope, NDArray a, String layer) {
    return delegate.head(scope, a, layer);
  }

  @Override
  public NDArray inputDifferentiableFeatures(NDManager scope, NDArray x, String layer, BiasTap biases) {
    return delegate.inputDifferentiableFeatures(scope, x, layer, biases);
  }

  @Override
  public boolean supportsInputGradients() {
    return delegate.supportsInputGradients();
  }

  @Override
  public boolean seesBiases() {
    return delegate.seesBiases();
  }

  @Override
  public boolean supportsGradients() {
    return delegate.supportsGradients();
  }

  @Override
  public boolean supportsGradients(String layer) {
    return delegate.supportsGradients(layer);
  }

  @Override
  public String whyNoGradients(String layer) {
    return delegate.whyNoGradients(layer);
  }

  @Override
  public Optional<NDArray> classifierWeights(String layer) {
    return delegate.classifierWeights(layer);
  }

  @Override
  public Optional<NDArray> classMaps(NDManager scope, NDArray a, String layer) {
    return delegate.classMaps(scope, a, layer);
  }

  @Override
  public Optional<NDArray> headMaps(NDManager scope, NDArray a, String layer) {
    return delegate.headMaps(scope, a, layer);
  }

  @Override
  public boolean supportsCam(String layer) {
    return delegate.supportsCam(layer);
  }

  @Override
  public String whyNoCam(String layer) {
    return delegate.whyNoCam(layer);
  }

  @Override
  public String description() {
    return delegate.description();
  }

  @Override
  public LayerInfo layer(String layer) {
    return delegate.layer(layer);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
