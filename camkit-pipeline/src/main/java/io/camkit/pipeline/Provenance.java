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
 */
public record Provenance(
    String model, String method, String layer, int classIndex, String className, float score, float probability,
    String resolution, double tau, int augmentations, double explainMillis) {}
