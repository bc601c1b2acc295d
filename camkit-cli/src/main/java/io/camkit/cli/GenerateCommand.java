package io.camkit.cli;

import io.camkit.dataset.Dataset;
import io.camkit.dataset.Split;
import io.camkit.dataset.io.CocoFormat;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.model.ModelCard;
import io.camkit.core.AtomicFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code camkit generate}: writes the built-in benchmark as image folders + COCO JSON. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write the built-in cluttered-shapes benchmark (train/val/test) as PNG folders with COCO annotations.")
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "output folder")
  Path out;

  @Mixin ShapesMixin shapes;

  @Option(names = "--mosaic", description = "instead: one WxH image (e.g. 6000x4000) of test images laid edge to"
      + " edge, mosaic.png, with its objects and per-class counts in mosaic.json (for camkit heatmap --count)")
  String mosaic;

  @Option(names = "--split", description = "with --mosaic: the split whose images fill it: test, or val to choose"
      + " counting settings on a mosaic disjoint from the test one (default: ${DEFAULT-VALUE})")
  String split = "test";

  @Option(names = "--crops", description = "instead: a class-folder dataset for counting (train/ and val/, one folder"
      + " per class plus background/): --train-size (--val-size) images of the split laid as a mosaic, one crop"
      + " centred on each object, and background crops whose central half holds no object centre (objects off"
      + " centre or cut, seams, clutter) or that show clutter alone; train it with camkit train --background-class")
  boolean crops;

  @Option(names = "--background-per-object", description = "with --crops: background crops per object crop"
      + " (default: ${DEFAULT-VALUE})")
  double backgroundPerObject = 1.0;

  @Option(names = "--clutter-share", description = "with --crops: share of the background crops that show clutter"
      + " alone (no object even in part) (default: ${DEFAULT-VALUE})")
  double clutterShare = 1.0 / 3;

  @Override
  public Integer call() throws Exception {
    ShapesOptions o = shapes.options();
    if (crops && mosaic != null) {
      throw new io.camkit.core.CamkitException("--crops and --mosaic write different things: give one of them");
    }
    if (crops) {
      CropFiles.write(o, backgroundPerObject, clutterShare, out);
      return 0;
    }
    if (mosaic != null) {
      MosaicFiles.write(o, mosaic, MosaicFiles.split(split), out);
      return 0;
    }
    write(o, out);
    System.out.println("wrote " + o.trainSize() + "/" + o.valSize() + "/" + o.testSize() + " train/val/test images to " + out);
    return 0;
  }

  /** Generates and writes every split, then {@code dataset.json} with the options. */
  static void write(ShapesOptions o, Path out) throws java.io.IOException {
    ShapesGenerator g = new ShapesGenerator(o);
    for (Split s : Split.values()) {
      Dataset d = g.generate(s);
      CocoFormat.write(d, out.resolve(s.label()));
    }
    AtomicFiles.writeString(out.resolve("dataset.json"), ModelCard.toJson(o));
  }
}
