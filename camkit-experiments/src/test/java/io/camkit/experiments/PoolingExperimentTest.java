package io.camkit.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.model.train.TrainOptions;
import io.camkit.model.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolingExperimentTest {
  @TempDir Path tmp;

  @Test
  void everySchemeTrainsMultiLabelAndIsScored() throws Exception {
    ShapesOptions tiny = PoolingExperiment.Settings.defaults().data().withSizes(64, 0, 24);
    var s = new PoolingExperiment.Settings(tiny, new TrainOptions(1, 32, 1e-3f, 0f, 1, false, 0, 7L));
    List<PoolingExperiment.Row> rows = PoolingExperiment.run(s, tmp, name -> TrainingListener.NONE);
    assertThat(rows).hasSize(5);
    for (PoolingExperiment.Row r : rows) {
      assertThat(r.mAP()).as(r.pooling()).isBetween(0.0, 1.0);
      assertThat(r.gtKnownLoc()).isBetween(0.0, 1.0);
      assertThat(r.maxBoxAcc()).isGreaterThanOrEqualTo(r.gtKnownLoc());
      assertThat(r.pointingGame()).isBetween(0.0, 1.0);
    }
    assertThat(tmp.resolve("pooling.md")).content().contains("| WILDCAT");
  }
}
