package io.camkit.evaluate.faithfulness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PointingGameTest {
  /** A W×H map of zeros with 1 at (x, y). */
  private static HeatMap peak(int w, int h, int x, int y) {
    float[] v = new float[w * h];
    v[y * w + x] = 1f;
    return new HeatMap(w, h, v);
  }

  private static final List<Box> BOX = List.of(new Box(2, 1, 5, 3)); // pixels x 2..4, y 1..2

  @Test
  void boxesAreHalfOpen() {
    assertThat(PointingGame.isHit(peak(8, 6, 2, 1), BOX, 0)).isTrue(); // first pixel
    assertThat(PointingGame.isHit(peak(8, 6, 4, 2), BOX, 0)).isTrue(); // last pixel
    assertThat(PointingGame.isHit(peak(8, 6, 5, 2), BOX, 0)).isFalse(); // x = x1
    assertThat(PointingGame.isHit(peak(8, 6, 4, 3), BOX, 0)).isFalse(); // y = y1
    assertThat(PointingGame.isHit(peak(8, 6, 1, 1), BOX, 0)).isFalse(); // x = x0 − 1
  }

  @Test
  void boxesAtTheImageBorder() {
    List<Box> corner = List.of(new Box(6, 4, 8, 6));
    assertThat(PointingGame.isHit(peak(8, 6, 7, 5), corner, 0)).isTrue();
    assertThat(PointingGame.isHit(peak(8, 6, 0, 0), List.of(new Box(0, 0, 1, 1)), 0)).isTrue();
    assertThat(PointingGame.isHit(peak(8, 6, 5, 5), corner, 0)).isFalse();
  }

  @Test
  void toleranceIsTheEuclideanDistanceToTheNearestBoxPixel() {
    assertThat(PointingGame.isHit(peak(8, 6, 5, 2), BOX, 1)).isTrue();
    // (6, 4) is dx = 6 − 4 = 2, dy = 4 − 2 = 2 from the box's corner pixel (4, 2): d² = 8.
    assertThat(PointingGame.isHit(peak(8, 6, 6, 4), BOX, 2)).isFalse();
    assertThat(PointingGame.isHit(peak(8, 6, 6, 4), BOX, 3)).isTrue();
    assertThat(PointingGame.isHit(peak(8, 6, 0, 5), BOX, 3)).isFalse(); // dx 2, dy 3: d² = 13 > 9
  }

  @Test
  void tiesPickTheFirstMaximumInRowMajorOrder() {
    float[] v = new float[8 * 6];
    v[3] = 1f; // (3, 0)
    v[8 + 1] = 1f; // (1, 1)
    HeatMap tie = new HeatMap(8, 6, v);
    assertThat(PointingGame.maxIndex(tie)).isEqualTo(3);
    assertThat(PointingGame.isHit(tie, List.of(new Box(0, 1, 2, 2)), 0)).isFalse();
    assertThat(PointingGame.isHit(tie, List.of(new Box(0, 1, 2, 2), new Box(3, 0, 4, 1)), 0)).isTrue();
  }

  @Test
  void naNRanksLowest() {
    float[] v = new float[8 * 6];
    v[0] = Float.NaN;
    v[2 * 8 + 3] = 0.5f;
    HeatMap m = new HeatMap(8, 6, v);
    assertThat(m.argMax()).isZero(); // HeatMap.argMax stops at a leading NaN
    assertThat(PointingGame.maxIndex(m)).isEqualTo(2 * 8 + 3);
    assertThat(PointingGame.isHit(m, BOX, 0)).isTrue();
    float[] allNaN = new float[4];
    java.util.Arrays.fill(allNaN, Float.NaN);
    assertThat(PointingGame.maxIndex(new HeatMap(2, 2, allNaN))).isZero();
  }

  @Test
  void accumulatesAndRejectsBadInput() {
    PointingGame g = new PointingGame().add(peak(8, 6, 3, 2), BOX).add(peak(8, 6, 7, 5), BOX).add(true);
    assertThat(g.snapshot()).isEqualTo(new PointingGame.Metrics(0, 3, 2, 2 / 3.0));
    assertThat(new PointingGame(PointingGame.PAPER_TOLERANCE).snapshot().accuracy()).isNaN();
    assertThatThrownBy(() -> new PointingGame(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option --pointing-tolerance = -1 is out of range (allowed: ≥ 0 pixels)");
    assertThatThrownBy(() -> g.add(peak(8, 6, 0, 0), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no ground-truth box");
    assertThatThrownBy(() -> g.merge(new PointingGame(15)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tolerance 0 and 15");
  }

  @Property
  void maxIndexEqualsArgMaxOnFiniteMaps(@ForAll @Size(12) float[] raw) {
    for (int i = 0; i < raw.length; i++) {
      if (Float.isNaN(raw[i])) {
        raw[i] = 0;
      }
    }
    HeatMap m = new HeatMap(4, 3, raw);
    assertThat(PointingGame.maxIndex(m)).isEqualTo(m.argMax());
  }

  @Property
  void mergingAnySplitEqualsOnePass(
      @ForAll @Size(max = 50) List<Boolean> hits, @ForAll @IntRange(min = 0, max = 50) int cut) {
    int c = Math.min(cut, hits.size());
    PointingGame whole = new PointingGame(15);
    PointingGame left = new PointingGame(15);
    PointingGame right = new PointingGame(15);
    for (int i = 0; i < hits.size(); i++) {
      whole.add(hits.get(i));
      (i < c ? left : right).add(hits.get(i));
    }
    assertThat(right.merge(left).snapshot()).isEqualTo(whole.snapshot());
  }
}
