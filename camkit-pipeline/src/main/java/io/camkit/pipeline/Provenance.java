package io.camkit.pipeline;

/**
 * Where one map came from: enough to redo it.
 *
 * @param model the model's description ({@code LayeredModel#description()})
 * @param method the method's report name ("gradcam", "tta-gradcam")
 * @param layer the layer it read
 * @param classIndex the class explained
 * @param className its name
 * @param score the class's raw score on the image
 * @param probability the class's softmax probability on the image
 * @param resolution the raw map's "h×w" (the layer's resolution; the input's for TTA and
 *     super-resolution methods)
 * @param tau the box threshold
 * @param augmentations how many test-time augmentations were averaged (0: none)
 * @param explainMillis this image's share of its batch's explain time (forward, backward, maps)
 * @param refinement how the normalised map was refined before boxes: "none", or the guided
 *     filter's "RADIUS,EPS" ({@code GuidedFilter#spec})
 */
public record Provenance(
    String model, String method, String layer, int classIndex, String className, float score, float probability,
    String resolution, double tau, int augmentations, double explainMillis, String refinement) {

  /** The same map under another refinement (null: none). */
  Provenance refined(io.camkit.localize.GuidedFilter refine) {
    return new Provenance(model, method, layer, classIndex, className, score, probability, resolution, tau,
        augmentations, explainMillis, refine == null ? "none" : refine.spec());
  }
}
