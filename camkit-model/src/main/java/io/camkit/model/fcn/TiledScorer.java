package io.camkit.model.fcn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.RegionSource;
import io.camkit.core.RgbImage;
import java.util.List;

/**
 * Runs a {@link FullyConvolutionalNet} over an image of any size, one tile at a time ({@link
 * TilePlan}), and stitches the per-tile class scores into one {@link ScoreGrid} equal to the
 * one-pass output. One band of tiles (image width × tile height, 8-bit RGB) is decoded at a time
 * and one tile is held as a tensor: peak memory follows the tile size and the image width, not the
 * image area (plus the grid, {@code 4·C·H'·W'} bytes).
 */
public final class TiledScorer {
  /** Told after each tile. */
  @FunctionalInterface
  public interface Listener {
    void tileDone(int done, int total);
  }

  private TiledScorer() {}

  /** The number of tiles {@link #score} uses for {@code image} with tiles of {@code tile} pixels. */
  public static int tiles(FullyConvolutionalNet net, RegionSource image, int tile) {
    ReceptiveField rf = net.receptiveField();
    return TilePlan.spans(rf, image.width(), tile).size() * TilePlan.spans(rf, image.height(), tile).size();
  }

  /**
   * The raw class scores {@code [C, H', W']} of {@code image}, computed in tiles of at most {@code
   * tile}×{@code tile} input pixels (one pass when the image fits in one).
   *
   * @throws io.camkit.core.CamkitException when the image is smaller than the receptive field
   */
  public static ScoreGrid score(FullyConvolutionalNet net, RegionSource image, int tile, Listener listener) {
    net.checkInput(image.width(), image.height());
    ReceptiveField rf = net.receptiveField();
    List<TilePlan.Span> xs = TilePlan.spans(rf, image.width(), tile);
    List<TilePlan.Span> ys = TilePlan.spans(rf, image.height(), tile);
    int classes = net.classes().size();
    ScoreGrid grid = ScoreGrid.zeros(classes, rf.outputSize(image.width()), rf.outputSize(image.height()));
    int done = 0;
    for (TilePlan.Span y : ys) {
      // One decode per row of tiles: the band [0, W) × [a, e) (formats like PNG must inflate every
      // row above a region, so decoding tile by tile would cost a decode of the image per tile).
      RegionSource band = xs.size() == 1 ? image
          : RegionSource.of(image.read(0, y.start(), image.width(), y.length()));
      int bandTop = xs.size() == 1 ? y.start() : 0;
      for (TilePlan.Span x : xs) {
        RgbImage region = band.read(x.start(), bandTop, x.length(), y.length());
        try (NDManager scope = NDManager.newBaseManager()) {
          NDArray s = net.scores(scope, net.input(scope, region));
          paste(grid, s, x, y);
        }
        listener.tileDone(++done, xs.size() * ys.size());
      }
    }
    return grid;
  }

  /** Copies the tile's kept locations of scores {@code [1, C, h', w']} into {@code grid}. */
  private static void paste(ScoreGrid grid, NDArray scores, TilePlan.Span x, TilePlan.Span y) {
    Shape sh = scores.getShape();
    int h = (int) sh.get(2);
    int w = (int) sh.get(3);
    int rows = y.end() - y.first();
    int cols = x.end() - x.first();
    if (y.offset() + rows > h || x.offset() + cols > w) {
      throw new IllegalStateException("tile output " + w + "×" + h + " lacks locations " + x + " " + y);
    }
    float[] v = scores.toFloatArray();
    float[] g = grid.values();
    for (int c = 0; c < grid.classes(); c++) {
      for (int r = 0; r < rows; r++) {
        System.arraycopy(v, (c * h + y.offset() + r) * w + x.offset(),
            g, (c * grid.height() + y.first() + r) * grid.width() + x.first(), cols);
      }
    }
  }
}
