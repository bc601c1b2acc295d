package io.camkit.model.train;

/**
 * One epoch of training: mean training loss and accuracy (on augmented images, with batch norm in
 * training mode), validation loss and accuracy (inference mode), wall time and throughput.
 */
public record EpochStats(
    int epoch,
    double trainLoss,
    double trainAccuracy,
    double valLoss,
    double valAccuracy,
    double seconds,
    double imagesPerSecond) {}
