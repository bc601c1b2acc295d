package io.camkit.pipeline;

import java.util.List;
import java.util.Optional;

/**
 * What the pipeline says about one image: how the model ranks the classes, and one {@link
 * ClassResult} per class the request targeted.
 *
 * @param source where the image came from (a file path, a sample id)
 * @param width the image's width in pixels (as read, EXIF orientation applied)
 * @param height the image's height in pixels
 * @param scores the raw score of every class, length C (with TTA: the log of the averaged
 *     probabilities)
 * @param probabilities softmax of {@code scores}, length C
 * @param top the best {@code topK} classes, best first
 * @param classes the maps of the targeted classes, in the order of the request's targets
 * @param explainMillis this image's share of its batch's explain time
 */
public record ImageResult(
    String source, int width, int height, float[] scores, float[] probabilities, List<Prediction> top,
    List<ClassResult> classes, double explainMillis) {

  public ImageResult {
    scores = scores.clone();
    probabilities = probabilities.clone();
    top = List.copyOf(top);
    classes = List.copyOf(classes);
  }

  @Override
  public float[] scores() {
    return scores.clone();
  }

  @Override
  public float[] probabilities() {
    return probabilities.clone();
  }

  /** The top-1 class. */
  public Prediction predicted() {
    return top.get(0);
  }

  /** The first map of class {@code c}, if the request targeted it for this image. */
  public Optional<ClassResult> forClass(int c) {
    return classes.stream().filter(r -> r.classIndex() == c).findFirst();
  }

  /** Every map of this image under another refinement (null: none); the scores are the same. */
  public ImageResult withRefinement(io.camkit.localize.GuidedFilter refine) {
    return new ImageResult(source, width, height, scores, probabilities, top,
        classes.stream().map(c -> c.withRefinement(refine)).toList(), explainMillis);
  }

  /** The first map (the predicted class's, for the default request). */
  public ClassResult first() {
    return classes.get(0);
  }
}
