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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image list with labels and a CSV of boxes, the layout of ILSVRC validation subsets with
 * wsolevaluation boxes:
 *
 * <ul>
 *   <li>{@code dataset.txt}: one line per image, {@code relative/path.JPEG, class_index};
 *   <li>{@code boxes.csv}: a header, then one row per box with at least the columns {@code image},
 *       {@code class_index} and the box {@code xmin, ymin, xmax, ymax}; when suffixed columns
 *       such as {@code xmin_227} exist (boxes rescaled to the stored images), those are used;
 *       box edges are rounded to the nearest pixel edge, giving the half-open box {@code
 *       [round(xmin), round(xmax))}, clipped to the image;
 *   <li>{@code synset_words.txt} (in the folder, or given): one class per line, {@code wnid name}.
 * </ul>
 *
 * Images without a box get a box covering the whole image (classification still counts; their
 * localization is trivially the whole frame, so prefer datasets with boxes for localization).
 * Unreadable images are skipped and reported, never fatal.
 */
public final class ImageListFormat {
  private ImageListFormat() {}

  public static CocoFormat.Loaded read(Path dir, Path synsets) {
    Path list = dir.resolve("dataset.txt");
    if (!Files.isRegularFile(list)) {
      throw new CamkitException("not an image-list folder (no dataset.txt): " + dir);
    }
    Path syn = synsets != null ? synsets : dir.resolve("synset_words.txt");
    List<String> classes = new ArrayList<>();
    Map<String, List<double[]>> boxes = new HashMap<>();
    try {
      for (String line : Files.readAllLines(syn)) {
        if (!line.isBlank()) {
          int sp = line.indexOf(' ');
          classes.add(sp > 0 ? line.substring(sp + 1).split(",")[0].trim() : line.trim());
        }
      }
      Path csv = dir.resolve("boxes.csv");
      if (Files.isRegularFile(csv)) {
        readBoxes(csv, boxes);
      }
      List<Sample> samples = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      for (String line : Files.readAllLines(list)) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        if (f.length < 2) {
          throw new CamkitException(list + ": expected 'path, class_index', got: " + line);
        }
        String path = f[0].trim();
        int label = Integer.parseInt(f[1].trim());
        if (label < 0 || label >= classes.size()) {
          throw new CamkitException(list + ": class index " + label + " is out of range for " + classes.size()
              + " classes");
        }
        RgbImage img;
        try {
          img = ImageFiles.read(dir.resolve(path));
        } catch (CamkitException e) {
          skipped.add(e.getMessage());
          continue;
        }
        List<ObjectAnnotation> objs = new ArrayList<>();
        for (double[] b : boxes.getOrDefault(path, List.of())) {
          if ((int) b[0] != label) {
            continue;
          }
          int x0 = clamp((int) Math.round(b[1]), img.width());
          int y0 = clamp((int) Math.round(b[2]), img.height());
          int x1 = clamp((int) Math.round(b[3]), img.width());
          int y1 = clamp((int) Math.round(b[4]), img.height());
          if (x1 > x0 && y1 > y0) {
            objs.add(new ObjectAnnotation(label, new Box(x0, y0, x1, y1), Optional.empty()));
          }
        }
        if (objs.isEmpty()) {
          objs.add(new ObjectAnnotation(label, new Box(0, 0, img.width(), img.height()), Optional.empty()));
        }
        samples.add(new Sample(path, img, objs));
      }
      if (samples.isEmpty()) {
        throw new CamkitException("no readable image in " + dir);
      }
      return new CocoFormat.Loaded(new Dataset(dir.getFileName().toString(), classes, samples), skipped);
    } catch (IOException e) {
      throw new CamkitException("cannot read image list " + dir + ": " + e.getMessage(), e);
    } catch (NumberFormatException e) {
      throw new CamkitException("malformed number in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static int clamp(int v, int size) {
    return Math.max(0, Math.min(size, v));
  }

  /** Rows of [class, xmin, ymin, xmax, ymax] per image path, preferring the *_227-style columns. */
  private static void readBoxes(Path csv, Map<String, List<double[]>> out) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    if (lines.isEmpty()) {
      return;
    }
    String[] header = lines.get(0).split(",");
    Map<String, Integer> col = new LinkedHashMap<>();
    for (int i = 0; i < header.length; i++) {
      col.put(header[i].trim(), i);
    }
    String suffix = col.keySet().stream().filter(k -> k.startsWith("xmin_")).map(k -> k.substring(4)).findFirst()
        .orElse("");
    for (String need : List.of("image", "class_index", "xmin" + suffix, "ymin" + suffix, "xmax" + suffix,
        "ymax" + suffix)) {
      if (!col.containsKey(need)) {
        throw new CamkitException(csv + " has no column " + need);
      }
    }
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",");
      out.computeIfAbsent(f[col.get("image")].trim(), k -> new ArrayList<>()).add(new double[] {
          Integer.parseInt(f[col.get("class_index")].trim()),
          Double.parseDouble(f[col.get("xmin" + suffix)]), Double.parseDouble(f[col.get("ymin" + suffix)]),
          Double.parseDouble(f[col.get("xmax" + suffix)]), Double.parseDouble(f[col.get("ymax" + suffix)])});
    }
  }
}
