package io.camkit.explain.target;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.CamkitException;
import io.camkit.core.Mask;

/**
 * The sum of one class's spatial scores over a region, {@code s_i = Σ_{(x,y) ∈ R} M[i, c, y, x]}:
 * "why is this region this class" for a segmentation or fully convolutional model (pytorch-grad-cam's
 * {@code SemanticSegmentationTarget}). The region is given at any resolution and resampled to the
 * maps' {@code h × w} by nearest neighbour (pixel centres); the same region serves every image.
 */
public final class SegmentationTarget implements MapTarget {
  private final int classIndex;
  private final Mask region;

  /**
   * @param classIndex the class c
   * @param region the region R (at least one pixel set)
   */
  public SegmentationTarget(int classIndex, Mask region) {
    if (classIndex < 0) {
      throw new CamkitException("class index " + classIndex + " is out of range");
    }
    if (region.count() == 0) {
      throw new CamkitException("the target region is empty: a segmentation target needs at least one pixel");
    }
    this.classIndex = classIndex;
    this.region = region;
  }

  @Override
  public int classOf(int image) {
    return classIndex;
  }

  @Override
  public NDArray scoreMaps(NDArray maps) {
    long n = maps.getShape().get(0);
    long c = maps.getShape().get(1);
    int h = (int) maps.getShape().get(2);
    int w = (int) maps.getShape().get(3);
    if (classIndex >= c) {
      throw new CamkitException("class index " + classIndex + " is out of range: the model has " + c
          + " classes (0.." + (c - 1) + ")");
    }
    float[] weight = new float[(int) c * h * w];
    float[] r = resampled(w, h);
    System.arraycopy(r, 0, weight, classIndex * h * w, h * w);
    NDArray m = maps.getManager().create(weight, new Shape(1, c, h, w));
    return maps.mul(m).reshape(n, -1).sum(new int[] {1});
  }

  /** The region at {@code w × h}, 1 inside and 0 outside; empty after resampling is an error. */
  float[] resampled(int w, int h) {
    float[] out = new float[w * h];
    int area = 0;
    for (int y = 0; y < h; y++) {
      int sy = Math.min(region.height() - 1, (int) ((y + 0.5) * region.height() / h));
      for (int x = 0; x < w; x++) {
        int sx = Math.min(region.width() - 1, (int) ((x + 0.5) * region.width() / w));
        if (region.get(sx, sy)) {
          out[y * w + x] = 1;
          area++;
        }
      }
    }
    if (area == 0) {
      throw new CamkitException("the target region covers no cell of the model's " + w + "×" + h + " class maps");
    }
    return out;
  }
}
