package io.camkit.pipeline.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.model.layers.ForwardingLayeredModel;
import io.camkit.model.layers.LayeredModel;

/**
 * A model that counts the images that go through its passes: {@link #featureImages} through
 * {@code features} (the forward pass up to the layer), {@link #logitImages} through the full
 * forward {@code logits}, {@link #headImages} through {@code head}. Everything else is delegated.
 */
public final class CountingModel extends ForwardingLayeredModel {
  public long featureImages;
  public long logitImages;
  public long headImages;

  public CountingModel(LayeredModel inner) {
    super(inner);
  }

  /** Images through a forward pass of the network's input (features or logits). */
  public long forwardImages() {
    return featureImages + logitImages;
  }

  @Override
  public NDArray features(NDManager scope, NDArray x, String layer) {
    featureImages += x.getShape().get(0);
    return super.features(scope, x, layer);
  }

  @Override
  public NDArray logits(NDManager scope, NDArray x) {
    logitImages += x.getShape().get(0);
    return super.logits(scope, x);
  }

  @Override
  public NDArray head(NDManager scope, NDArray a, String layer) {
    headImages += a.getShape().get(0);
    return super.head(scope, a, layer);
  }
}
