package io.camkit.dataset.io;

import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.core.DataProblem;
import io.camkit.core.ImageFiles;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.ImageRef;
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
 * A missing {@code dataset.txt} or class list, or a {@code boxes.csv} without the needed columns, is
 * an error; every other mistake is one {@link DataProblem} and the rest is used: a malformed line
 * or a class index out of range (the line is skipped), an image that is missing or does not decode
 * (skipped), one that decodes only in part (kept), a box row with a malformed number or an inverted
 * or NaN box (the row is dropped).
 */
public final class ImageListFormat {
  private ImageListFormat() {}

  /** As {@link #read(Path, Path, boolean)}, lenient. */
  public static CocoFormat.Loaded read(Path dir, Path synsets) {
    return read(dir, synsets, false);
  }

  /**
   * Reads the list in {@code dir}.
   *
   * @param synsets the class list, or {@code null} for {@code dir/synset_words.txt}
   * @param strict whether the first problem ends the read with a {@link CamkitException}
   */
  public static CocoFormat.Loaded read(Path dir, Path synsets, boolean strict) {
    Path list = dir.resolve("dataset.txt");
    if (!Files.isRegularFile(list)) {
      throw new CamkitException("not an image-list folder (no dataset.txt): " + dir);
    }
    Path syn = synsets != null ? synsets : dir.resolve("synset_words.txt");
    List<String> classes = new ArrayList<>();
    Map<String, List<double[]>> boxes = new HashMap<>();
    DataProblems problems = new DataProblems(strict);
    try {
      for (String line : Files.readAllLines(syn)) {
        if (!line.isBlank()) {
          int sp = line.indexOf(' ');
          classes.add(sp > 0 ? line.substring(sp + 1).split(",")[0].trim() : line.trim());
        }
      }
      Path csv = dir.resolve("boxes.csv");
      if (Files.isRegularFile(csv)) {
        readBoxes(csv, boxes, problems);
      }
      List<Sample> samples = new ArrayList<>();
      List<String> lines = Files.readAllLines(list);
      for (int n = 0; n < lines.size(); n++) {
        String line = lines.get(n);
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        int label;
        try {
          label = f.length < 2 ? -1 : Integer.parseInt(f[1].trim());
        } catch (NumberFormatException e) {
          label = -1;
          f = new String[0];
        }
        if (f.length < 2) {
          problems.report(list, DataProblem.Kind.BAD_ENTRY, "line " + (n + 1) + ": expected 'path, class_index', got: "
              + line, true);
          continue;
        }
        if (label < 0 || label >= classes.size()) {
          problems.report(list, DataProblem.Kind.UNKNOWN_CLASS, "line " + (n + 1) + ": class index " + label
              + " is out of range for " + classes.size() + " classes", true);
          continue;
        }
        String path = f[0].trim();
        Path file = dir.resolve(path);
        ImageFiles.Decoded img;
        try {
          img = ImageFiles.decode(file);
        } catch (ImageFiles.UnreadableImageException e) {
          problems.report(file, e.missing() ? DataProblem.Kind.MISSING_IMAGE : DataProblem.Kind.UNREADABLE_IMAGE,
              e.reason(), true);
          continue;
        }
        if (img.partial()) {
          problems.report(file, DataProblem.Kind.PARTIAL_IMAGE, img.partialReason(), false);
        }
        int w = img.image().width();
        int h = img.image().height();
        List<ObjectAnnotation> objs = new ArrayList<>();
        for (double[] b : boxes.getOrDefault(path, List.of())) {
          if ((int) b[0] != label) {
            continue;
          }
          int x0 = clamp((int) Math.round(b[1]), w);
          int y0 = clamp((int) Math.round(b[2]), h);
          int x1 = clamp((int) Math.round(b[3]), w);
          int y1 = clamp((int) Math.round(b[4]), h);
          if (x1 > x0 && y1 > y0) {
            objs.add(new ObjectAnnotation(label, new Box(x0, y0, x1, y1), Optional.empty()));
          }
        }
        if (objs.isEmpty()) {
          objs.add(new ObjectAnnotation(label, new Box(0, 0, w, h), Optional.empty()));
        }
        samples.add(new Sample(path, ImageRef.file(file, img.image()), objs));
      }
      if (samples.isEmpty()) {
        throw problems.nothingUsable("no readable image in " + dir);
      }
      return new CocoFormat.Loaded(new Dataset(dir.getFileName().toString(), classes, samples), problems.list());
    } catch (IOException e) {
      throw new CamkitException("cannot read image list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static int clamp(int v, int size) {
    return Math.max(0, Math.min(size, v));
  }

  /**
   * Rows of [class, xmin, ymin, xmax, ymax] per image path, preferring the *_227-style columns; a
   * row with a malformed number or a NaN or inverted box is dropped and reported.
   */
  private static void readBoxes(Path csv, Map<String, List<double[]>> out, DataProblems problems)
      throws IOException {
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
    List<String> need = List.of("image", "class_index", "xmin" + suffix, "ymin" + suffix, "xmax" + suffix,
        "ymax" + suffix);
    for (String c : need) {
      if (!col.containsKey(c)) {
        throw new CamkitException(csv + " has no column " + c);
      }
    }
    for (int n = 1; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      String row = "row " + (n + 1) + ": ";
      double[] v = new double[5];
      try {
        for (int k = 1; k < need.size(); k++) {
          int at = col.get(need.get(k));
          if (at >= f.length) {
            throw new NumberFormatException("missing column " + need.get(k));
          }
          v[k - 1] = k == 1 ? Integer.parseInt(f[at].trim()) : Double.parseDouble(f[at].trim());
        }
      } catch (NumberFormatException e) {
        problems.report(csv, DataProblem.Kind.BAD_ENTRY, row + "malformed number (" + e.getMessage() + ")", false);
        continue;
      }
      if (!(Double.isFinite(v[1]) && Double.isFinite(v[2]) && Double.isFinite(v[3]) && Double.isFinite(v[4]))) {
        problems.report(csv, DataProblem.Kind.BAD_BOX, row + "box has a non-finite coordinate", false);
        continue;
      }
      if (v[3] < v[1] || v[4] < v[2]) {
        problems.report(csv, DataProblem.Kind.BAD_BOX, row + "box " + v[1] + "," + v[2] + "," + v[3] + "," + v[4]
            + " is inverted (xmax < xmin or ymax < ymin)", false);
        continue;
      }
      out.computeIfAbsent(f[col.get("image")].trim(), k -> new ArrayList<>()).add(v);
    }
  }
}
