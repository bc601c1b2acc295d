package io.camkit.pipeline;

/**
 * One class as the model ranks it for an image.
 *
 * @param classIndex the output column
 * @param className the model's name for it
 * @param score the raw score (logit; with test-time augmentation the log of the averaged
 *     probability)
 * @param probability the softmax probability (averaged over the augmented copies with TTA)
 */
public record Prediction(int classIndex, String className, float score, float probability) {}
