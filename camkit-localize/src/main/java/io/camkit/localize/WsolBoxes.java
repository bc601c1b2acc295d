package io.camkit.localize;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Boxes from a score map exactly as clovaai/wsolevaluation's {@code compute_bboxes_from_scoremaps}
 * (evaluation.py:117-168, commit 96f4b88) extracts them for MaxBoxAcc and MaxBoxAccV2 (Choe et
 * al., "Evaluating Weakly Supervised Object Localization Methods Right", CVPR 2020), so that
 * camkit's figures can be compared with published ones. camkit's own rule is {@link
 * ThresholdSweep}; the two differ as follows (docs/WSOL_PROTOCOL.md):
 *
 * <table>
 *   <caption>wsolevaluation vs camkit's default</caption>
 *   <tr><th></th><th>wsolevaluation (this class)</th><th>camkit ({@link ThresholdSweep})</th></tr>
 *   <tr><td>map</td><td>min-max of the raw map; here given, in [0, 1]</td>
 *       <td>ReLU, then min-max with ε</td></tr>
 *   <tr><td>foreground at τ</td><td>{@code u8 > ⌊τ · max(u8)⌋}, {@code u8 = ⌊255 · s⌋}</td>
 *       <td>{@code s ≥ τ} on the float map</td></tr>
 *   <tr><td>thresholds</td><td>{@link #CAM_THRESHOLDS}: τ = i · 0.01, i = 0..99</td>
 *       <td>τ = i / 100, i = 0..100</td></tr>
 *   <tr><td>boxes (multi-contour)</td><td>every 8-connected component <em>and every hole</em>
 *       (OpenCV {@code RETR_TREE})</td><td>every 8-connected component</td></tr>
 *   <tr><td>box extent</td><td>{@code x1 = x + w} in inclusive coordinates: one pixel wider and
 *       taller than the region unless clipped to {@code W - 1}, {@code H - 1}</td>
 *       <td>the tight box</td></tr>
 *   <tr><td>no foreground</td><td>the one-pixel box at (0, 0)</td><td>no box (a miss)</td></tr>
 * </table>
 *
 * <p>The contours of OpenCV's {@code findContours(RETR_TREE)} run through foreground pixel centres
 * with 8-connectivity, on a zero-padded image. Their bounding rectangles are: for an outer border,
 * the box of its 8-connected component; for a hole border, the box of its hole (a 4-connected
 * background component that does not touch the image border) grown by one pixel on each side. This
 * class computes those boxes by labelling instead of contour tracing. In largest-contour mode
 * wsolevaluation keeps the contour of the largest polygon area ({@code cv2.contourArea}, first in
 * OpenCV's order on a tie); this class keeps the component with the most pixels (first in raster
 * order on a tie). On the 12 reference cases of {@code ../shared/refs/wsol} the two agree on every
 * box except three ties between one-pixel contours of area 0, whose IoU is ≈ 0 either way.
 *
 * <p>Boxes are returned as half-open {@link Box}es: wsolevaluation's inclusive {@code [x0, y0, x1,
 * y1]} is {@code new Box(x0, y0, x1 + 1, y1 + 1)}, and {@link Box#iou} then equals its {@code
 * calculate_multiple_iou} exactly (both count {@code (x1 - x0 + 1)(y1 - y0 + 1)} pixels).
 */
public final class WsolBoxes {
  /**
   * wsolevaluation's {@code cam_threshold_list = np.arange(0, 1, 0.01)}: the 100 doubles {@code i
   * · 0.01}, i = 0..99 (so 0.35000000000000003, and 1.0 excluded).
   */
  public static final double[] CAM_THRESHOLDS = camThresholds();

  private WsolBoxes() {}

  private static double[] camThresholds() {
    double[] t = new double[100];
    for (int i = 0; i < t.length; i++) {
      t[i] = i * 0.01;
    }
    return t;
  }

  /**
   * wsolevaluation's {@code normalize_scoremap} (inference.py:38-52), applied to the raw map after
   * the resize to the crop: {@code cam -= cam.min(); cam /= cam.max()} in float32, so the result
   * spans exactly [0, 1]. A map with a NaN, or a constant map, becomes all zeros (an infinity, which
   * numpy would turn into NaNs, is treated as NaN here). There is no ReLU and no ε: camkit's default
   * is {@code raw.relu().normalized()}, which maps every negative value to 0 and keeps the maximum
   * just below 1 ({@link HeatMap#NORMALISATION_EPSILON}).
   *
   * @param raw a map at image resolution, {@code [H, W]}
   * @return the map min-max normalised to [0, 1]
   */
  public static HeatMap normalise(HeatMap raw) {
    float[] v = raw.values();
    if (!raw.isFinite() || raw.min() == raw.max()) {
      return new HeatMap(raw.width(), raw.height(), new float[v.length]);
    }
    float min = raw.min();
    for (int i = 0; i < v.length; i++) {
      v[i] -= min;
    }
    float max = Float.NEGATIVE_INFINITY;
    for (float x : v) {
      max = Math.max(max, x);
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= max;
    }
    return new HeatMap(raw.width(), raw.height(), v);
  }

  /**
   * {@code (scoremap * 255).astype(np.uint8)} in double precision: truncation, not rounding.
   *
   * @param scoremap values in [0, 1], no NaN (wsolevaluation's {@code check_scoremap_validity})
   * @return the uint8 levels, row-major {@code [H, W]}
   * @throws IllegalArgumentException for a value outside [0, 1] or NaN
   */
  public static int[] quantise(HeatMap scoremap) {
    float[] v = scoremap.values();
    int[] u8 = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      if (!(v[i] >= 0 && v[i] <= 1)) {
        throw new IllegalArgumentException(
            "a wsolevaluation score map lies in [0, 1], got " + v[i] + " at pixel " + i);
      }
      u8[i] = (int) ((double) v[i] * 255);
    }
    return u8;
  }

  /**
   * The boxes at each threshold.
   *
   * @param scoremap values in [0, 1], {@code [H, W]}
   * @param taus thresholds in [0, 1], usually {@link #CAM_THRESHOLDS}
   * @param multiContour wsolevaluation's {@code multi_contour_eval}: every contour's box (true, the
   *     MaxBoxAccV2 setting) or the largest one's only (false)
   * @return per threshold, at least one box (the pixel (0, 0) when nothing passes)
   */
  public static List<List<Box>> boxes(HeatMap scoremap, double[] taus, boolean multiContour) {
    int[] u8 = quantise(scoremap);
    int max = 0;
    for (int u : u8) {
      max = Math.max(max, u);
    }
    List<List<Box>> out = new ArrayList<>(taus.length);
    for (double tau : taus) {
      out.add(boxesAt(scoremap.width(), scoremap.height(), u8, (int) (tau * max), multiContour));
    }
    return out;
  }

  /**
   * The boxes of one binarisation, {@code cv2.threshold(u8, threshold, 255, THRESH_BINARY)}:
   * foreground is {@code u8 > threshold} (strict).
   */
  static List<Box> boxesAt(int w, int h, int[] u8, int threshold, boolean multiContour) {
    boolean[] fg = new boolean[u8.length];
    boolean[] bg = new boolean[u8.length];
    for (int i = 0; i < u8.length; i++) {
      fg[i] = u8[i] > threshold;
      bg[i] = !fg[i];
    }
    ConnectedComponents objects = ConnectedComponents.of(w, h, fg);
    List<Box> out = new ArrayList<>();
    if (objects.count() == 0) {
      return List.of(new Box(0, 0, 1, 1)); // wsolevaluation's [[0, 0, 0, 0]]
    }
    List<Box> objectBoxes = objects.boxes();
    if (!multiContour) {
      return List.of(grown(objectBoxes.get(objects.largest() - 1), 0, w, h));
    }
    for (Box b : objectBoxes) {
      out.add(grown(b, 0, w, h));
    }
    for (Box hole : ConnectedComponents.of4(w, h, bg).boxes()) {
      if (hole.x0() > 0 && hole.y0() > 0 && hole.x1() < w && hole.y1() < h) {
        out.add(grown(hole, 1, w, h)); // the hole border runs through the pixels around the hole
      }
    }
    return List.copyOf(out);
  }

  /**
   * The box wsolevaluation reports for a contour whose tight box is {@code b} grown by {@code
   * margin}: {@code x, y, w, h = cv2.boundingRect(c)}, {@code x1 = min(x + w, W - 1)} (inclusive),
   * i.e. half-open {@code min(x + w, W - 1) + 1}.
   */
  private static Box grown(Box b, int margin, int w, int h) {
    int x = b.x0() - margin;
    int y = b.y0() - margin;
    int x1 = Math.min(b.x1() + margin, w - 1); // x + width, inclusive, clipped
    int y1 = Math.min(b.y1() + margin, h - 1);
    return new Box(x, y, x1 + 1, y1 + 1);
  }
}
