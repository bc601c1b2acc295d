package io.camkit.evaluate.faithfulness;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import java.util.List;

/**
 * Sums one explanation method's faithfulness figures over a dataset: mean deletion and insertion
 * AUC ({@link DeletionInsertion}), average drop and increase in confidence ({@link
 * ConfidenceChange}), ROAD ({@link Road}) and the pointing game ({@link PointingGame}). Each figure keeps its own count,
 * since a dataset may feed them different images (the pointing game counts (image, class) pairs).
 *
 * <p>Mergeable ({@link #merge}), so partial sums from parallel workers or Spark partitions combine
 * (counts exactly, sums up to floating-point rounding); not thread-safe on its own.
 */
public final class FaithfulnessAccumulator {
  private final String method;
  private long curves;
  private double deletionAucSum;
  private double insertionAucSum;
  private long roadImages;
  private double roadMorfSum;
  private double roadLerfSum;
  private final ConfidenceChange confidence = new ConfidenceChange();
  private final PointingGame pointing;

  /**
   * @param method the explanation method's name, the row label of the report (e.g. "Grad-CAM")
   * @param pointingTolerance r of the pointing game, in pixels (see {@link PointingGame})
   */
  public FaithfulnessAccumulator(String method, int pointingTolerance) {
    if (method == null || method.isBlank()) {
      throw new IllegalArgumentException("a faithfulness row needs a method name");
    }
    this.method = method;
    this.pointing = new PointingGame(pointingTolerance);
  }

  public String method() {
    return method;
  }

  /** Adds one image's deletion and insertion AUCs. */
  public FaithfulnessAccumulator add(DeletionInsertion.Result r) {
    curves++;
    deletionAucSum += r.deletionAuc();
    insertionAucSum += r.insertionAuc();
    return this;
  }

  /** Adds one image's ROAD figures. */
  public FaithfulnessAccumulator add(Road.Result r) {
    roadImages++;
    roadMorfSum += r.morf();
    roadLerfSum += r.lerf();
    return this;
  }

  /** Adds one image's Y (image) and O (explanation map), see {@link ConfidenceChange#add}. */
  public FaithfulnessAccumulator addConfidence(double y, double o) {
    confidence.add(y, o);
    return this;
  }

  /** Adds an accumulator of average drop and increase in confidence. */
  public FaithfulnessAccumulator addConfidence(ConfidenceChange other) {
    confidence.merge(other);
    return this;
  }

  /** Counts one (image, class) pair of the pointing game, see {@link PointingGame#add}. */
  public FaithfulnessAccumulator addPointing(HeatMap map, List<Box> truth) {
    pointing.add(map, truth);
    return this;
  }

  /** Adds a pointing-game accumulator of the same tolerance. */
  public FaithfulnessAccumulator addPointing(PointingGame other) {
    pointing.merge(other);
    return this;
  }

  /**
   * Adds another accumulator's sums into this one.
   *
   * @throws IllegalArgumentException when the methods or pointing tolerances differ
   */
  public FaithfulnessAccumulator merge(FaithfulnessAccumulator other) {
    if (!other.method.equals(method)) {
      throw new IllegalArgumentException(
          "cannot merge the figures of \"" + other.method + "\" into \"" + method + "\"");
    }
    curves += other.curves;
    deletionAucSum += other.deletionAucSum;
    insertionAucSum += other.insertionAucSum;
    roadImages += other.roadImages;
    roadMorfSum += other.roadMorfSum;
    roadLerfSum += other.roadLerfSum;
    confidence.merge(other.confidence);
    pointing.merge(other.pointing);
    return this;
  }

  /** An immutable snapshot; a figure with a zero count is NaN. */
  public FaithfulnessMetrics snapshot() {
    ConfidenceChange.Metrics c = confidence.snapshot();
    PointingGame.Metrics p = pointing.snapshot();
    return new FaithfulnessMetrics(
        method, curves, deletionAucSum / curves, insertionAucSum / curves, c.images(),
        c.averageDropPercent(), c.increaseInConfidencePercent(), p.tolerance(), p.total(), p.hits(),
        p.accuracy(), roadImages, roadMorfSum / roadImages, roadLerfSum / roadImages,
        (roadLerfSum - roadMorfSum) / 2 / roadImages);
  }
}
