package io.camkit.dataset.io;

import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.core.DataProblem;
import io.camkit.core.ImageFiles;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.ImageRef;
import io.camkit.dataset.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A folder with one subfolder per class (the layout Keras' {@code flow_from_directory} reads):
 * classes are the subfolder names in sorted order, every file in a subfolder is an image of that
 * class (decoded by content), except companions such as {@code .xml}, {@code .json}, {@code .txt}
 * and hidden files ({@link ImageFiles#isCompanionFile}), which are passed over silently. A Pascal
 * VOC XML beside an image ({@code NAME.xml}) gives its boxes (objects of other names are ignored);
 * an image without one gets the whole frame as its box, so it trains and classifies but its
 * localization figures say nothing.
 *
 * <p>Mistakes are {@link DataProblem}s, one per bad file, and the rest of the folder is used: an
 * image that does not decode is skipped, one that decodes only in part is kept; an XML that does
 * not parse (malformed, a DTD) leaves its image out; bad boxes (inverted, NaN, wholly outside the
 * image) are dropped, and an image whose class's boxes are all bad is left out; an XML whose
 * objects all have names other than the image's class folder is reported and the whole frame used.
 */
public final class ImageFolderFormat {
  private ImageFolderFormat() {}

  /** As {@link #read(Path, boolean)}, lenient. */
  public static CocoFormat.Loaded read(Path root) {
    return read(root, false);
  }

  /**
   * Reads the folder; a folder with fewer than 2 class folders or without any usable image is an
   * error.
   *
   * @param strict whether the first problem ends the read with a {@link CamkitException}
   */
  public static CocoFormat.Loaded read(Path root, boolean strict) {
    if (!Files.isDirectory(root)) {
      throw new CamkitException("no such folder: " + root);
    }
    try {
      List<Path> classDirs;
      try (Stream<Path> s = Files.list(root)) {
        classDirs = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
            .sorted().toList();
      }
      if (classDirs.size() < 2) {
        throw new CamkitException(root + " holds " + classDirs.size() + " class folder(s); an image folder needs one"
            + " subfolder per class, at least 2");
      }
      List<String> classes = classDirs.stream().map(p -> p.getFileName().toString()).toList();
      List<Sample> samples = new ArrayList<>();
      DataProblems problems = new DataProblems(strict);
      for (int c = 0; c < classDirs.size(); c++) {
        List<Path> files;
        try (Stream<Path> s = Files.list(classDirs.get(c))) {
          files = s.filter(Files::isRegularFile).filter(p -> !ImageFiles.isCompanionFile(p)).sorted().toList();
        }
        for (Path f : files) {
          ImageFiles.Decoded img;
          try {
            img = ImageFiles.decode(f);
          } catch (ImageFiles.UnreadableImageException e) {
            problems.report(f, DataProblem.Kind.UNREADABLE_IMAGE, e.reason(), true);
            continue;
          }
          Optional<List<ObjectAnnotation>> objects = objects(f, c, classes, img.image(), problems);
          if (objects.isEmpty()) {
            continue;
          }
          if (img.partial()) {
            problems.report(f, DataProblem.Kind.PARTIAL_IMAGE, img.partialReason(), false);
          }
          samples.add(new Sample(root.relativize(f).toString(), ImageRef.file(f, img.image()), objects.get()));
        }
      }
      if (samples.isEmpty()) {
        throw problems.nothingUsable("no readable image under " + root);
      }
      return new CocoFormat.Loaded(new Dataset(root.getFileName().toString(), classes, samples), problems.list());
    } catch (IOException e) {
      throw new CamkitException("cannot read image folder " + root + ": " + e.getMessage(), e);
    }
  }

  /** The image's objects, or empty when its annotation rules it out (reported). */
  private static Optional<List<ObjectAnnotation>> objects(
      Path image, int cls, List<String> classes, RgbImage img, DataProblems problems) {
    String name = classes.get(cls);
    String stem = image.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    Path xml = image.resolveSibling(stem + ".xml");
    List<ObjectAnnotation> out = new ArrayList<>();
    if (!Files.isRegularFile(xml)) {
      return Optional.of(List.of(wholeFrame(cls, img)));
    }
    VocXml.Parsed parsed;
    try {
      parsed = VocXml.read(xml);
    } catch (VocXml.MalformedException e) {
      problems.report(xml, DataProblem.Kind.BAD_ANNOTATION_FILE, e.reason() + "; " + image.getFileName()
          + " left out", true);
      return Optional.empty();
    }
    List<String> reasons = new ArrayList<>();
    boolean named = false;
    for (VocXml.BadBox b : parsed.badBoxes()) {
      named |= b.name().equals(name);
      reasons.add(b.reason());
    }
    List<String> others = new ArrayList<>();
    for (VocXml.VocObject o : parsed.objects()) {
      if (!o.name().equals(name)) {
        others.add(o.name());
        continue;
      }
      named = true;
      Box b = o.box();
      int x0 = Math.max(0, b.x0());
      int y0 = Math.max(0, b.y0());
      int x1 = Math.min(img.width(), b.x1());
      int y1 = Math.min(img.height(), b.y1());
      if (x1 > x0 && y1 > y0) {
        out.add(new ObjectAnnotation(cls, new Box(x0, y0, x1, y1), Optional.empty()));
      } else {
        reasons.add("object " + name + " has a box " + (b.x0() + 1) + "," + (b.y0() + 1) + "," + b.x1() + ","
            + b.y1() + " wholly outside the " + img.width() + "x" + img.height() + " image");
      }
    }
    if (!out.isEmpty()) {
      if (!reasons.isEmpty()) {
        problems.report(xml, DataProblem.Kind.BAD_BOX, String.join("; ", reasons) + " (box dropped)", false);
      }
      return Optional.of(out);
    }
    if (named) {
      problems.report(xml, DataProblem.Kind.BAD_BOX, String.join("; ", reasons) + "; no usable box of " + name
          + ", " + image.getFileName() + " left out", true);
      return Optional.empty();
    }
    List<String> unknown = others.stream().filter(o -> !classes.contains(o)).distinct().toList();
    if (!unknown.isEmpty()) {
      reasons.add(0, "object name(s) " + String.join(", ", unknown) + " are not class folders and none is "
          + name + "; the whole image is its box");
      problems.report(xml, DataProblem.Kind.UNKNOWN_CLASS, String.join("; ", reasons), false);
    } else if (!reasons.isEmpty()) {
      problems.report(xml, DataProblem.Kind.BAD_BOX, String.join("; ", reasons) + " (box dropped)", false);
    }
    return Optional.of(List.of(wholeFrame(cls, img)));
  }

  private static ObjectAnnotation wholeFrame(int cls, RgbImage img) {
    return new ObjectAnnotation(cls, new Box(0, 0, img.width(), img.height()), Optional.empty());
  }
}
