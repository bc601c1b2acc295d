package io.camkit.cli;

import io.camkit.dataset.io.RaccoonVsImageNet;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code camkit raccoon-data}: the two-class transfer-learning demo folder from ../shared/data. */
@Command(name = "raccoon-data", mixinStandardHelpOptions = true,
    description = "Build a two-class image folder (raccoon with VOC boxes vs other ImageNet photos) split train/test"
        + " with a seed: train/, val/, test/, test-raccoon/ (raccoons only, for GT-known localization), split.json.")
final class RaccoonDataCommand implements Callable<Integer> {
  @Option(names = "--raccoon", description = "raccoon folder (default: ${DEFAULT-VALUE})")
  Path raccoon = Path.of("../shared/data/raccoon");

  @Option(names = "--imagenet", description = "ImageNet image list folder (default: ${DEFAULT-VALUE})")
  Path imagenet = Path.of("../shared/data/imagenet_val_1300");

  @Option(names = "--out", required = true, description = "output folder (must not exist)")
  Path out;

  @Option(names = "--raccoons", description = "raccoon images (default: ${DEFAULT-VALUE})")
  int raccoons = 200;

  @Option(names = "--others", description = "other ImageNet images (default: ${DEFAULT-VALUE})")
  int others = 200;

  @Option(names = "--test-fraction", description = "share of each class held out for test (default: ${DEFAULT-VALUE})")
  double testFraction = 0.3;

  @Option(names = "--val-fraction", description = "share of each class held out for validation: validation accuracy"
      + " and the box threshold τ* that train chooses on the raccoons' boxes (default: ${DEFAULT-VALUE})")
  double valFraction = 0.15;

  @Option(names = "--seed", description = "seed of the sampling and split (default: ${DEFAULT-VALUE})")
  long seed = 7;

  @Override
  public Integer call() throws Exception {
    var m = RaccoonVsImageNet.build(raccoon, imagenet, out, raccoons, others, testFraction, valFraction, seed);
    System.out.println("written " + out + ": train " + m.get("train") + ", val " + m.get("val") + ", test " + m.get("test")
        + ", excluded raccoon-synset ImageNet images: " + m.get("excludedRaccoonSynsetImages"));
    return 0;
  }
}
