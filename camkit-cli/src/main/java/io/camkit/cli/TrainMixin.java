package io.camkit.cli;

import io.camkit.model.HeadOptions;
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

  @Option(names = "--strict", description = "stop at the first data problem (an unreadable or partly decoded image,"
      + " a bad annotation) instead of skipping it and listing it in problems.json")
  boolean strict;

  @Option(names = "--resume", description = "continue from the last checkpoint in the output folder")
  boolean resume;

  private static final HeadOptions H = HeadOptions.gap();

  @Option(names = "--pooling", description = "classifier head: gap (GAP + linear), or a class-map head pooled by gmp, lse,"
      + " weldon or wildcat (default: ${DEFAULT-VALUE})")
  String pooling = H.pooling();

  @Option(names = "--k-max", description = "k⁺, regions kept high by weldon/wildcat (default: ${DEFAULT-VALUE})")
  int kMax = H.kMax();

  @Option(names = "--k-min", description = "k⁻, regions kept low by weldon/wildcat (default: ${DEFAULT-VALUE})")
  int kMin = H.kMin();

  @Option(names = "--alpha", description = "α, weight of the low regions in wildcat (default: ${DEFAULT-VALUE})")
  double alpha = H.alpha();

  @Option(names = "--beta", description = "β of lse pooling (default: ${DEFAULT-VALUE})")
  double beta = H.beta();

  @Option(names = "--beta-learned", description = "lse: learn β (kept > 0 as exp(ρ)), starting at --beta")
  boolean betaLearned;

  @Option(names = "--arch", description = "conv stack: camnet, camnet-fine (camnet's stride-4 layers fused back at"
      + " stride 2: maps twice as fine), cnn-gap (Keras conv trunk + GAP head), cnn-flatten"
      + " (Keras trunk + dense head, no CAM), nin (Network in Network mlpconvs + class maps) (default: ${DEFAULT-VALUE})")
  String arch = "camnet";

  @Option(names = "--multi-label", description = "train multi-label (binary cross-entropy on multi-hot targets);"
      + " on by itself when an image holds objects of 2 or more classes")
  boolean multiLabel;

  @Option(names = "--maps-per-class", description = "M, maps per class of wildcat (default: 4 for wildcat, else 1)")
  Integer mapsPerClass;

  private static final io.camkit.model.wsol.WsolOptions W = io.camkit.model.wsol.WsolOptions.none();

  @Option(names = "--wsol", description = "WSOL training method: cam (plain), has (Hide-and-Seek), adl (attention-based"
      + " dropout), acol (adversarial complementary branch), cutmix (default: ${DEFAULT-VALUE})")
  String wsol = W.method();

  @Option(names = "--has-patch", description = "HaS: side of the hidden grid patches, pixels (default: ${DEFAULT-VALUE})")
  int hasPatch = W.hasPatch();

  @Option(names = "--has-prob", description = "HaS: probability that a patch is hidden (default: ${DEFAULT-VALUE})")
  double hasProb = W.hasProb();

  @Option(names = "--adl-gamma", description = "ADL: drop where the attention ≥ γ·max (default: ${DEFAULT-VALUE})")
  double adlGamma = W.adlGamma();

  @Option(names = "--adl-drop-rate", description = "ADL: share of steps using the drop mask (default: ${DEFAULT-VALUE})")
  double adlDropRate = W.adlDropRate();

  @Option(names = "--acol-delta", description = "ACoL: erase where branch A's normalised map ≥ δ (default: ${DEFAULT-VALUE})")
  double acolDelta = W.acolDelta();

  @Option(names = "--cutmix-alpha", description = "CutMix: λ ~ Beta(α, α) (default: ${DEFAULT-VALUE})")
  double cutMixAlpha = W.cutMixAlpha();

  @Option(names = "--cutmix-prob", description = "CutMix: probability that a batch is mixed (default: ${DEFAULT-VALUE})")
  double cutMixProb = W.cutMixProb();

  /** The WSOL method the options name. */
  io.camkit.model.wsol.WsolOptions wsol() {
    return new io.camkit.model.wsol.WsolOptions(wsol, hasPatch, hasProb, adlGamma, adlDropRate, acolDelta, cutMixAlpha,
        cutMixProb);
  }

  /** The classifier head the options name. */
  HeadOptions head() {
    int m = mapsPerClass != null ? mapsPerClass : (pooling.equals("wildcat") ? 4 : 1);
    return new HeadOptions(pooling, kMax, kMin, alpha, beta, m, betaLearned);
  }

  io.camkit.model.CamNetOptions net(int imageSize, int classes) {
    io.camkit.model.CamNetOptions d = io.camkit.model.CamNetOptions.defaults(imageSize, classes);
    HeadOptions head = head();
    var net = new io.camkit.model.CamNetOptions(imageSize, classes, width, featureMaps, d.mean(), d.std(), head, arch,
        wsol());
    io.camkit.model.CamNet.checkHead(net);
    return net;
  }

  TrainOptions options() {
    return new TrainOptions(epochs, batchSize, lr, D.weightDecay(), D.warmupSteps(), !noAugment,
        noAugment ? 0 : D.maxShift(), seed);
  }
}
