package io.camkit.model.fcn;

import java.util.ArrayList;
import java.util.List;

/**
 * How to cover an input of length {@code n} (one axis) with tiles of at most {@code T} pixels so
 * that the stitched tile outputs equal the one-pass output exactly. The output locations {@code [0,
 * n')} are split into consecutive blocks; block {@code [o₀, o₁)} is computed from the input span
 * {@code [a, e)} with
 *
 * <pre>  a = max(0, ⌊(S·o₀ − P) / S⌋ · S),   e = min(n, S·(o₁ − 1) − P + R)</pre>
 *
 * so every kept location's window lies inside the tile or reaches past it only where the tile
 * meets the image border (there the padding is the same as in one pass), and {@code a} is a
 * multiple of S, so every layer's grid (its strides and floors) lines up with the one-pass grid:
 * global location {@code o} is the tile's location {@code o − a / S}. Neighbouring tiles overlap by
 * about {@code R − S} pixels.
 */
public final class TilePlan {
  /**
   * One tile along one axis.
   *
   * @param first o₀, the first output location it contributes
   * @param end o₁, one past its last
   * @param start a, its first input pixel
   * @param stop e, one past its last input pixel
   * @param offset the tile's output index of o₀, {@code o₀ − a / S}
   */
  public record Span(int first, int end, int start, int stop, int offset) {
    public int length() {
      return stop - start;
    }
  }

  private TilePlan() {}

  /**
   * The spans covering an input of length {@code n} with tiles of at most {@code tile} pixels
   * (one span when {@code n ≤ tile}); a tile smaller than the window R still gets one location each.
   */
  public static List<Span> spans(ReceptiveField rf, int n, int tile) {
    int outputs = rf.outputSize(n);
    List<Span> out = new ArrayList<>();
    if (n <= tile) {
      out.add(new Span(0, outputs, 0, n, 0));
      return out;
    }
    int s = rf.stride();
    int perTile = Math.max(1, (tile - rf.size()) / s + 1);
    for (int o0 = 0; o0 < outputs; o0 += perTile) {
      int o1 = Math.min(outputs, o0 + perTile);
      int a = Math.max(0, Math.floorDiv(s * o0 - rf.padding(), s) * s);
      int e = Math.min(n, s * (o1 - 1) - rf.padding() + rf.size());
      if (o1 == outputs) {
        e = n; // the last tile ends where the image does, so its floors match one pass
      }
      out.add(new Span(o0, o1, a, e, o0 - a / s));
    }
    return out;
  }
}
