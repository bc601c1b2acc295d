package io.camkit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.camkit.core.CamkitException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A transformer layer of a {@link LayeredModel} seen as a map: what a backend whose layer outputs
 * tokens {@code [N, T, D]} (TorchScript, ONNX) puts around its own {@code features} and {@code
 * head} to honour the {@code A [N, K, h, w]} contract, with its concrete {@link TokenGrid}:
 *
 * <pre>  x --backend features--> tokens [N, T, D] --{@link #toMap}--> A [N, D, h, w]
 *  A --{@link #toTokens}--> tokens [N, T, D] --backend head--> y [N, C]</pre>
 *
 * <p>The class tokens are not part of {@code A}; {@link #toTokens} puts back those of the pass
 * that produced {@code A}, unchanged, so the gradient of {@code y} flows to the patch tokens only,
 * as with pytorch-grad-cam's {@code reshape_transform}. The pass is found by the array (the one
 * {@link #toMap} returned, or an equal copy of it, as a gradient leaf is), else row by row: a row
 * equal to a pass's row in every channel but at most one (Ablation-CAM's ablated copies) takes
 * that row's class tokens. Any other map is refused. The class tokens are kept as long as the
 * scope of the map.
 */
public final class TokenLayer {
  private final String layer;
  private final TokenGrid grid;
  private final Map<String, Pass> passes = new ConcurrentHashMap<>();

  /** One features pass: the map returned, its class tokens {@code [N, c, D]}, the map's values once read. */
  private static final class Pass {
    final NDArray map;
    final NDArray leading;
    private float[] values;

    Pass(NDArray map, NDArray leading) {
      this.map = map;
      this.leading = leading;
    }

    boolean open() {
      return !map.isReleased() && !leading.isReleased();
    }

    synchronized float[] values() {
      if (values == null) {
        values = map.toFloatArray();
      }
      return values;
    }
  }

  /**
   * @param layer the layer's name, for messages
   * @param grid a concrete grid ({@link TokenGrid#resolve})
   */
  public TokenLayer(String layer, TokenGrid grid) {
    if (!grid.isConcrete()) {
      throw new IllegalArgumentException("the grid of layer " + layer + " is not resolved: " + grid);
    }
    this.layer = layer;
    this.grid = grid;
  }

  /**
   * The layer of {@code tokens [1, T, D]} measured on one image, with {@code grid} (partly open:
   * resolved for {@code T}); the {@link LayerInfo} shape is then {@code [D, h, w]}.
   */
  public static TokenLayer of(String layer, long[] tokensShape, TokenGrid grid) {
    return new TokenLayer(layer, grid.resolve(tokensShape[1], layer));
  }

  public TokenGrid grid() {
    return grid;
  }

  /** {@code [D, h, w]} for tokens of width {@code d}. */
  public long[] mapShape(long d) {
    return new long[] {d, grid.height(), grid.width()};
  }

  /** "tokens 65 → 1 class token + 8×8 patch tokens", for {@link LayerInfo#kind}. */
  public String describe() {
    return "tokens " + grid.tokens() + " → " + grid.describe();
  }

  /**
   * Tokens {@code [N, T, D]} → {@code A [N, D, h, w]} in {@code scope}; the class tokens are kept
   * for {@link #toTokens} until {@code scope} closes.
   */
  public NDArray toMap(NDManager scope, NDArray tokens) {
    long t = tokens.getShape().dimension() == 3 ? tokens.getShape().get(1) : -1;
    if (t != grid.tokens()) {
      throw new CamkitException("layer '" + layer + "' returned " + tokens.getShape() + ", not tokens [N, "
          + grid.tokens() + ", D]");
    }
    NDArray map = grid.toMap(tokens);
    map.attach(scope);
    if (grid.classTokens() > 0) {
      NDArray leading = grid.leading(tokens).duplicate();
      leading.attach(scope);
      Pass p = new Pass(map, leading);
      String key = map.getUid();
      passes.put(key, p);
      scope.attachInternal("camkit-token-pass-" + UUID.randomUUID(), () -> passes.remove(key, p));
    }
    return map;
  }

  /**
   * {@code A [N, D, h, w]} → tokens {@code [N, T, D]}, with the class tokens of the pass that gave
   * {@code A} (see the class comment).
   *
   * @throws CamkitException when the layer has class tokens and {@code A} comes from no open pass
   */
  public NDArray toTokens(NDArray map) {
    long[] s = map.getShape().getShape();
    if (s.length != 4 || s[2] != grid.height() || s[3] != grid.width()) {
      throw new CamkitException("layer '" + layer + "' takes maps [N, D, " + grid.height() + ", " + grid.width()
          + "], not " + map.getShape());
    }
    if (grid.classTokens() == 0) {
      return grid.toTokens(map, null);
    }
    return grid.toTokens(map, leadingFor(map));
  }

  private NDArray leadingFor(NDArray map) {
    Pass same = passes.get(map.getUid());
    if (same != null && same.open()) {
      return same.leading;
    }
    List<Pass> open = passes.values().stream().filter(Pass::open).toList();
    for (Pass p : open) {
      if (p.map.getShape().equals(map.getShape()) && p.map.contentEquals(map)) {
        return p.leading;
      }
    }
    NDArray rows = rowWise(map, open);
    if (rows != null) {
      return rows;
    }
    throw new CamkitException("layer '" + layer + "' has " + grid.classTokens() + " class token(s), which the map"
        + " leaves out, so its head takes only maps that features() returned (or copies with one channel changed),"
        + " not this " + map.getShape() + " map");
  }

  /**
   * The class tokens of each row of {@code map}: those of the open pass row it equals in every
   * channel but at most one (an Ablation-CAM copy), or null if a row has none. Rows are compared
   * exactly, the last match first (a batch of copies of one image).
   */
  private static NDArray rowWise(NDArray map, List<Pass> open) {
    long[] s = map.getShape().getShape();
    int k = (int) s[1];
    int hw = (int) (s[2] * s[3]);
    float[] m = map.toFloatArray();
    List<NDArray> rows = new ArrayList<>();
    Pass lastPass = null;
    int lastRow = -1;
    for (int r = 0; r < s[0]; r++) {
      if (lastPass == null || !allButOneChannel(m, r, lastPass.values(), lastRow, k, hw)) {
        lastPass = null;
        search:
        for (Pass p : open) {
          long[] ps = p.map.getShape().getShape();
          if (ps[1] != k || ps[2] * ps[3] != hw) {
            continue;
          }
          for (int n = 0; n < ps[0]; n++) {
            if (allButOneChannel(m, r, p.values(), n, k, hw)) {
              lastPass = p;
              lastRow = n;
              break search;
            }
          }
        }
        if (lastPass == null) {
          return null;
        }
      }
      NDArray row = lastPass.leading.get(lastRow + ":" + (lastRow + 1));
      row.attach(map.getManager()); // freed with the map, not kept until the pass closes
      rows.add(row);
    }
    NDArray all = NDArrays.concat(new NDList(rows));
    all.attach(map.getManager());
    return all;
  }

  /** Whether row {@code r} of {@code a} equals row {@code n} of {@code b} in all of its k channels but one. */
  private static boolean allButOneChannel(float[] a, int r, float[] b, int n, int k, int hw) {
    int differing = 0;
    for (int c = 0; c < k; c++) {
      int i = (r * k + c) * hw;
      int j = (n * k + c) * hw;
      for (int x = 0; x < hw; x++) {
        if (a[i + x] != b[j + x]) {
          if (++differing > 1) {
            return false;
          }
          break;
        }
      }
    }
    return true;
  }
}
