package io.camkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.ImageFiles;
import io.camkit.dataset.Split;
import io.camkit.dataset.shapes.CountingCrops;
import io.camkit.dataset.shapes.ShapesGenerator;
import io.camkit.dataset.shapes.ShapesOptions;
import io.camkit.model.ModelCard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@link CountingCrops} of the training and validation splits as class folders ({@code
 * train/CLASS/ID.png}, {@code val/CLASS/ID.png}, {@code background/} among them) and {@code
 * crops.json} (options, counts per class and kind, and each crop's place in its source mosaic).
 */
final class CropFiles {
  private CropFiles() {}

  static void write(ShapesOptions o, double backgroundPerObject, double clutterShare, Path out)
      throws java.io.IOException {
    if (!(backgroundPerObject >= 0 && backgroundPerObject <= 20) || !(clutterShare >= 0 && clutterShare <= 1)) {
      throw new CamkitException("--background-per-object must be in [0, 20] and --clutter-share in [0, 1], not "
          + backgroundPerObject + " and " + clutterShare);
    }
    if (o.multiLabel()) {
      throw new CamkitException("--crops centres one object per crop: use one object per image (--max-objects 1)");
    }
    if (o.trainSize() < 1) {
      throw new CamkitException("--crops needs --train-size ≥ 1 (the images the training crops are cut from)");
    }
    ShapesGenerator g = new ShapesGenerator(o);
    List<String> names = CountingCrops.classNames();
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("kind", "camkit counting crops");
    root.put("backgroundClass", CountingCrops.BACKGROUND);
    root.put("cropSize", o.imageSize());
    root.put("centreHalfSide", CountingCrops.centreHalfSide(o.imageSize()));
    root.put("backgroundPerObject", backgroundPerObject).put("clutterShare", clutterShare);
    root.set("shapes", json.readTree(ModelCard.toJson(o)));
    ObjectNode splits = root.putObject("splits");
    for (Split split : List.of(Split.TRAIN, Split.VAL)) {
      int images = o.size(split);
      if (images == 0) {
        continue;
      }
      CountingCrops.Result r = CountingCrops.of(g, split, images, backgroundPerObject, clutterShare);
      Path dir = out.resolve(split.label());
      for (String n : names) {
        Files.createDirectories(dir.resolve(n));
      }
      int[] perClass = new int[names.size()];
      int[] perKind = new int[CountingCrops.Kind.values().length];
      ObjectNode s = splits.putObject(split.label());
      s.put("sourceMosaic", r.source().image().getWidth() + "x" + r.source().image().getHeight());
      var list = s.putArray("crops");
      for (CountingCrops.Crop c : r.crops()) {
        ImageFiles.writePng(c.image().toBufferedImage(), dir.resolve(names.get(c.classIndex())).resolve(c.id() + ".png"));
        perClass[c.classIndex()]++;
        perKind[c.kind().ordinal()]++;
        ObjectNode e = list.addObject().put("id", c.id()).put("class", names.get(c.classIndex()))
            .put("kind", c.kind().name().toLowerCase(Locale.ROOT));
        if (c.kind() != CountingCrops.Kind.CLUTTER) {
          e.put("x", c.x()).put("y", c.y());
        }
      }
      ObjectNode counts = s.putObject("counts");
      for (int c = 0; c < names.size(); c++) {
        counts.put(names.get(c), perClass[c]);
      }
      ObjectNode kinds = s.putObject("kinds");
      for (CountingCrops.Kind k : CountingCrops.Kind.values()) {
        kinds.put(k.name().toLowerCase(Locale.ROOT), perKind[k.ordinal()]);
      }
      System.out.printf(Locale.ROOT, "%s: %d crops from a %s mosaic of %d images: %d object-centred, %d background"
              + " (%d off-centre, %d clutter) -> %s%n", split.label(), r.crops().size(),
          s.get("sourceMosaic").asText(), images, perKind[0], perKind[1] + perKind[2], perKind[1], perKind[2], dir);
    }
    AtomicFiles.writeString(out.resolve("crops.json"), json.writeValueAsString(root));
  }
}
