package io.camkit.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Split;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.evaluate.faithfulness.DeletionInsertionOptions;
import io.camkit.explain.method.Cam;
import io.camkit.explain.method.ScoreCam;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.pipeline.MapRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A whole method comparison (maps, boxes, deletion/insertion curves, confidence change) leaves no
 * native array behind: the arrays under PyTorch's root manager are as many after a run over 12
 * images as after one over 4 (issue 11, bounded memory).
 */
class MethodComparisonMemoryTest {
  @Test
  void arraysUnderTheRootManagerDoNotGrowWithTheNumberOfImages() {
    ShapesOptions tiny = new ShapesOptions(32, 8, 16, 1, 1, 1, 1, 0.02, 12, 0, 0, 5L);
    Dataset data = new ShapesGenerator(tiny).generate(Split.TRAIN);
    Dataset few = new Dataset(data.name(), data.classes(), data.samples().subList(0, 4));
    Engine.getEngine("PyTorch").setRandomSeed(3);
    try (CamModel m = CamModel.create(new CamNetOptions(32, 6, 4, 8, 0.5f, 0.25f, null), data.classes())) {
      CamModelLayers layers = new CamModelLayers(m);
      var settings = new Evaluation.Settings(24, DeletionInsertionOptions.defaults().withSteps(4), 0);
      var methods = List.of(MapRequest.of(new Cam().batchSize(4)), MapRequest.of(new ScoreCam().batchSize(4)));
      MethodComparison.run(layers, methods, few, settings, done -> { });
      int level = liveArrays();
      List<Evaluation.Result> rows = MethodComparison.run(layers, methods, data, settings, done -> { });
      assertThat(rows.get(1).faithfulness().curveImages()).isEqualTo(12);
      assertThat(liveArrays()).isEqualTo(level);
    }
  }

  private static int liveArrays() {
    try (NDManager probe = NDManager.newBaseManager("PyTorch")) {
      return probe.getParentManager().getManagedArrays().size();
    }
  }
}
