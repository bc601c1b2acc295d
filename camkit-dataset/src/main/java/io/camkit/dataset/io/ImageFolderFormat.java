package io.camkit.dataset.io;

import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.core.ImageFiles;
import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
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
 * class (decoded by content; unreadable files are reported and skipped). A Pascal VOC XML beside an
 * image ({@code NAME.xml}) gives its boxes (objects of other names are ignored); an image without
 * one gets the whole frame as its box, so it trains and classifies but its localization figures
 * say nothing.
 */
public final class ImageFolderFormat {
  private ImageFolderFormat() {}

  public static CocoFormat.Loaded read(Path root) {
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
      List<String> skipped = new ArrayList<>();
      for (int c = 0; c < classDirs.size(); c++) {
        List<Path> files;
        try (Stream<Path> s = Files.list(classDirs.get(c))) {
          files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(p -> !p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".xml"))
              .sorted().toList();
        }
        for (Path f : files) {
          RgbImage img;
          try {
            img = ImageFiles.read(f);
          } catch (CamkitException e) {
            skipped.add(e.getMessage());
            continue;
          }
          samples.add(new Sample(root.relativize(f).toString(), img, objects(f, c, classes.get(c), img)));
        }
      }
      if (samples.isEmpty()) {
        throw new CamkitException("no readable image under " + root);
      }
      return new CocoFormat.Loaded(new Dataset(root.getFileName().toString(), classes, samples), skipped);
    } catch (IOException e) {
      throw new CamkitException("cannot read image folder " + root + ": " + e.getMessage(), e);
    }
  }

  private static List<ObjectAnnotation> objects(Path image, int cls, String name, RgbImage img) {
    String stem = image.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    Path xml = image.resolveSibling(stem + ".xml");
    List<ObjectAnnotation> out = new ArrayList<>();
    if (Files.isRegularFile(xml)) {
      for (VocXml.VocObject o : VocXml.read(xml)) {
        if (o.name().equals(name)) {
          Box b = o.box();
          Box clipped = new Box(Math.max(0, b.x0()), Math.max(0, b.y0()), Math.min(img.width(), b.x1()),
              Math.min(img.height(), b.y1()));
          if (clipped.width() > 0 && clipped.height() > 0) {
            out.add(new ObjectAnnotation(cls, clipped, Optional.empty()));
          }
        }
      }
    }
    if (out.isEmpty()) {
      out.add(new ObjectAnnotation(cls, new Box(0, 0, img.width(), img.height()), Optional.empty()));
    }
    return out;
  }
}
