package io.camkit.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load test's own arithmetic, and a one-second run that a full pool turns into counted 503s, not failures. */
class ServeLoadTest {
  @TempDir Path dir;

  @Test
  void percentileIsTheNearestRank() {
    double[] v = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
    assertThat(LoadTest.percentile(v, 50)).isEqualTo(5);
    assertThat(LoadTest.percentile(v, 99)).isEqualTo(10);
    assertThat(LoadTest.percentile(v, 10)).isEqualTo(1);
    assertThat(LoadTest.percentile(new double[0], 50)).isNaN();
  }

  @Test
  void fourClientsOnOneWorkerWithNoQueueGetAnswersOr503() throws Exception {
    try (ServeFixtures fx = new ServeFixtures(dir);
        CamkitServer server = fx.server(ServeFixtures.loopback()
            .withLimits(ServeOptions.DEFAULT_MAX_UPLOAD, 1, 0, Duration.ofSeconds(30)))) {
      LoadTest.Result r = LoadTest.run(server, fx.served, fx.shapes.get(0).image(),
          new LoadTest.Settings(4, 1, "cam", 20, 3), s -> { });
      assertThat(r.requests()).isPositive();
      assertThat(r.byStatus().keySet()).containsOnly(200, 503).contains(200);
      assertThat(r.byStatus().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(r.requests());
      assertThat(r.p99Ms()).isGreaterThanOrEqualTo(r.p50Ms());
      assertThat(r.rssAfterMb()).isPositive();
      assertThat(r.markdown("tiny", "cpu")).contains("| tiny | cpu | cam | 4 |");
    }
  }
}
