package io.camkit.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Split;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.model.CamModel;
import io.camkit.model.CamNet;
import io.camkit.model.CamNetOptions;
import io.camkit.model.HeadOptions;
import io.camkit.model.pooling.WeldonPooling;
import io.camkit.model.train.CamNetTrainer;
import io.camkit.model.train.TrainOptions;
import io.camkit.model.train.TrainingListener;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A class-map head's CAM is the maps its scores were pooled from. */
class ClassMapHeadCamTest {
  @Test
  void weldonScoresArePooledFromTheMapsTheExplainerReturns() throws Exception {
    ShapesOptions tiny = new ShapesOptions(32, 8, 16, 1, 1, 1, 1, 0.02, 64, 0, 0, 5L);
    Dataset train = new ShapesGenerator(tiny).generate(Split.TRAIN);
    HeadOptions head = new HeadOptions("weldon", 3, 2, 1, 5, 1);
    CamNetOptions net = new CamNetOptions(32, 6, 8, 16, 0.5f, 0.25f, head);
    try (CamModel m = CamNetTrainer.newModel(net, train.classes(), 3L);
        NDManager scope = m.manager().newSubManager()) {
      new CamNetTrainer(new TrainOptions(1, 16, 1e-3f, 0f, 1, true, 2, 3L), TrainingListener.NONE)
          .fit(m, train, train.head(0), Optional.empty());
      NDList fl = m.forward(scope, train.samples().subList(0, 4).stream().map(s -> s.image()).toList());
      NDArray maps = m.headClassMaps(scope, fl.get(0)); // [4, 6, 8, 8]
      assertThat(maps.getShape().dimension()).isEqualTo(4);
      assertThat(new WeldonPooling(3, 2).apply(maps).toFloatArray())
          .containsExactly(fl.get(1).toFloatArray(), within(1e-5f));
      // CAM's raw map of a class is that class's map.
      var layers = new io.camkit.model.layers.CamModelLayers(m);
      var e = new io.camkit.explain.method.Cam().explain(layers, java.util.List.of(train.get(0).image()),
          layers.defaultLayer(), io.camkit.explain.target.TargetSelector.classIndex(2)).get(0);
      assertThat(e.raw().values()).containsExactly(maps.get(0, 2).toFloatArray(), within(1e-5f));
    }
  }

  @Test
  void impossibleKIsRefusedBeforeAnyWeightExists() {
    HeadOptions head = new HeadOptions("weldon", 100, 2, 1, 5, 1);
    // 32×32 input -> 8×8 = 64 regions.
    assertThatThrownBy(() -> CamNet.checkHead(new CamNetOptions(32, 6, 8, 16, 0.5f, 0.25f, head)))
        .hasMessageContaining("--k-max = 100").hasMessageContaining("1..64");
  }
}
