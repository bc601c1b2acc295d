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

  @Override
  public Integer call() throws Exception {
    ShapesOptions o = shapes.options();
    if (mosaic != null) {
      MosaicFiles.write(o, mosaic, out);
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
