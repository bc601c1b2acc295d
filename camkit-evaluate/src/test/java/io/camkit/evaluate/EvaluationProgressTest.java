package io.camkit.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import io.camkit.dataset.Split;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.explain.method.GradCam;
import io.camkit.model.CamModel;
import io.camkit.model.CamNetOptions;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.MapRequest;
import io.camkit.pipeline.ImageResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationProgressTest {
  /**
   * Progress moves once per explainer batch (3 images here), not once per 64 images: a slow
   * method's run shows its count and rate from its first batch. Every image is still scored once,
   * in dataset order.
   */
  @Test
  void progressMovesEveryBatchAndEveryImageIsScoredOnceInOrder() {
    ShapesOptions tiny = new ShapesOptions(32, 8, 16, 1, 1, 1, 1, 0.02, 12, 0, 0, 5L);
    Dataset data = new ShapesGenerator(tiny).generate(Split.TRAIN);
    Engine.getEngine("PyTorch").setRandomSeed(3);
    try (CamModel m = CamModel.create(new CamNetOptions(32, 6, 4, 8, 0.5f, 0.25f, null), data.classes())) {
      Explainer explainer = new Explainer(new CamModelLayers(m), MapRequest.of(new GradCam().batchSize(3)));
      assertThat(Evaluation.chunk(explainer)).isEqualTo(3);
      List<Integer> progress = new ArrayList<>();
      List<String> seen = new ArrayList<>();
      Evaluation.Result r = Evaluation.run(explainer, data, Evaluation.Settings.localizationOnly(),
          new Evaluation.Listener() {
            @Override
            public void image(Sample sample, ImageResult result, ImageOutcome outcome) {
              seen.add(outcome.id());
            }

            @Override
            public void progress(int images) {
              progress.add(images);
            }
          });
      assertThat(progress).containsExactly(3, 6, 9, 12);
      assertThat(seen).isEqualTo(data.samples().stream().map(Sample::id).toList());
      assertThat(r.outcomes()).extracting(ImageOutcome::id).isEqualTo(seen);
      assertThat(r.metrics().images()).isEqualTo(12);
    }
  }

  @Test
  void aStepIsOneBatchBetweenOneAnd64Images() {
    assertThat(Evaluation.chunk(8)).isEqualTo(8);
    assertThat(Evaluation.chunk(100)).isEqualTo(64);
    assertThat(Evaluation.chunk(0)).isEqualTo(1);
  }
}
