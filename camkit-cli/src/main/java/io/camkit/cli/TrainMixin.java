package io.camkit.cli;

import io.camkit.model.train.TrainOptions;
import picocli.CommandLine.Option;

/** Training options shared by {@code train} and {@code demo}. */
final class TrainMixin {
  private static final TrainOptions D = TrainOptions.defaults();

  @Option(names = "--epochs", description = "epochs (default: ${DEFAULT-VALUE})")
  int epochs = D.epochs();

  @Option(names = "--batch-size", description = "images per step (default: ${DEFAULT-VALUE})")
  int batchSize = D.batchSize();

  @Option(names = "--lr", description = "peak Adam learning rate (default: ${DEFAULT-VALUE})")
  float lr = D.learningRate();

  @Option(names = "--train-seed", description = "seed of initialisation, shuffling, augmentation (default: ${DEFAULT-VALUE})")
  long seed = D.seed();

  @Option(names = "--no-augment", description = "train without flips and translations")
  boolean noAugment;

  @Option(names = "--width", description = "channels of the first convs; later ones have 2× and 4× (default: ${DEFAULT-VALUE})")
  int width = io.camkit.model.CamNetOptions.defaults(96, 2).width();

  @Option(names = "--feature-maps", description = "K, the maps of the last conv that CAM weighs (default: ${DEFAULT-VALUE})")
  int featureMaps = io.camkit.model.CamNetOptions.defaults(96, 2).featureMaps();

  @Option(names = "--resume", description = "continue from the last checkpoint in the output folder")
  boolean resume;

  io.camkit.model.CamNetOptions net(int imageSize, int classes) {
    io.camkit.model.CamNetOptions d = io.camkit.model.CamNetOptions.defaults(imageSize, classes);
    return new io.camkit.model.CamNetOptions(imageSize, classes, width, featureMaps, d.mean(), d.std());
  }

  TrainOptions options() {
    return new TrainOptions(epochs, batchSize, lr, D.weightDecay(), D.warmupSteps(), !noAugment,
        noAugment ? 0 : D.maxShift(), seed);
  }
}
