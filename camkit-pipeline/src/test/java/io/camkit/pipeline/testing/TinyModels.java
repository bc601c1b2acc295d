package io.camkit.pipeline.testing;

import ai.djl.engine.Engine;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Split;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.layers.CamModelLayers;

/** Small seeded models and data for pipeline tests: an untrained 32-px camnet (GAP head) and shapes images. */
public final class TinyModels {
  private TinyModels() {}

  /** {@code n} 32×32 single-label shapes images (6 classes), seed 5. */
  public static Dataset shapes(int n) {
    return new ShapesGenerator(new ShapesOptions(32, 8, 16, 1, 1, 1, 1, 0.02, n, 0, 0, 5L)).generate(Split.TRAIN);
  }

  /** An untrained camnet (GAP + linear head) for the classes of {@link #shapes}, weights from seed 3; owns its model. */
  public static CamModelLayers camnet(Dataset data) {
    Engine.getEngine("PyTorch").setRandomSeed(3);
    return CamModelLayers.owning(CamModel.create(new CamNetOptions(32, 6, 4, 8, 0.5f, 0.25f, null), data.classes()));
  }
}
