package io.camkit.dataset.io;

import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import io.camkit.core.DataProblem;
import io.camkit.core.ImageFiles;
import io.camkit.core.Options;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.ImageRef;
import io.camkit.dataset.Sample;
import io.camkit.dataset.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The CUB-200-2011 layout (Wah et al. 2011), the canonical benchmark of weakly supervised object
 * localization, read as upstream ships it:
 *
 * <ul>
 *   <li>{@code images.txt}: {@code image_id relative/path.jpg} (paths under {@code images/});
 *   <li>{@code image_class_labels.txt}: {@code image_id class_id};
 *   <li>{@code train_test_split.txt}: {@code image_id is_training} (1 = train, 0 = test);
 *   <li>{@code bounding_boxes.txt}: {@code image_id x y width height} in pixels of the stored
 *       image, one box per image; read as the half-open box {@code [round(x), round(x + width))}
 *       (same in y), clipped to the image;
 *   <li>{@code classes.txt}: {@code class_id name}.
 * </ul>
 *
 * Ids are 1-based and need not be contiguous (a subset keeps the upstream ids). The classes read
 * are all of {@code classes.txt} or the chosen ones ({@link Selection#classIds()}), numbered 0…K−1
 * in the order of {@code classes.txt}; a class keeps its upstream name ({@code 002.Laysan_Albatross}).
 *
 * <p>Parts ({@link Split}): {@code TEST} is the official test split; {@code VAL} is carved from
 * the official training split, {@link Selection#valPerClass()} images of each class drawn with
 * {@link Selection#seed()} (stratified, the same draw for the same seed and files, so TRAIN and VAL
 * never overlap); {@code TRAIN} is the rest of the training split. The validation part is where τ
 * is chosen (wsolevaluation's protocol).
 *
 * <p>A missing metadata file, a class id not in {@code classes.txt} among the chosen ones, or a
 * malformed line of {@code images.txt} is an error; an image that is missing or does not decode is
 * one {@link DataProblem} (skipped) and the rest is used, as are images without a usable box (the
 * whole image stands in, reported).
 */
public final class CubFormat {
  /** The files that mark a folder as CUB-200-2011. */
  public static final String IMAGES = "images.txt";

  public static final String SPLIT = "train_test_split.txt";

  private CubFormat() {}

  /**
   * Which classes and how the validation part is drawn.
   *
   * @param classIds upstream class ids to read (from {@code classes.txt}); empty for all
   * @param valPerClass training images of each class moved to the validation part (≥ 0; a class
   *     keeps at least one training image)
   * @param seed the seed of that draw
   */
  public record Selection(Set<Integer> classIds, int valPerClass, long seed) {
    public Selection {
      classIds = Set.copyOf(classIds);
      Options.check(valPerClass >= 0, "cub-val-per-class", valPerClass, ">= 0");
      for (int id : classIds) {
        Options.check(id >= 1, "cub-classes", id, "class ids from classes.txt, >= 1");
      }
    }

    /** Every class, 5 validation images per class (the CUBV2 size of wsolevaluation), seed 0. */
    public static Selection defaults() {
      return new Selection(Set.of(), 5, 0);
    }
  }

  /** Whether {@code dir} has the CUB layout's {@code images.txt} and {@code train_test_split.txt}. */
  public static boolean isCub(Path dir) {
    return Files.isRegularFile(dir.resolve(IMAGES)) && Files.isRegularFile(dir.resolve(SPLIT));
  }

  /** One image of the metadata, before decoding. */
  record Entry(int id, String path, int classId, boolean training, double[] xywh) {}

  /**
   * Reads one part.
   *
   * @param part TRAIN, VAL or TEST (see the class comment)
   * @param strict whether the first problem ends the read with a {@link CamkitException}
   */
  public static CocoFormat.Loaded read(Path dir, Split part, Selection selection, boolean strict) {
    Map<Integer, String> classNames = readClasses(dir);
    List<Integer> chosen = new ArrayList<>();
    for (int id : classNames.keySet()) {
      if (selection.classIds().isEmpty() || selection.classIds().contains(id)) {
        chosen.add(id);
      }
    }
    for (int id : new TreeSet<>(selection.classIds())) {
      if (!classNames.containsKey(id)) {
        throw new CamkitException("class id " + id + " is not in " + dir.resolve("classes.txt") + " (ids: "
            + classNames.keySet() + ")");
      }
    }
    List<Entry> entries = partOf(entries(dir), chosen, part, selection);
    DataProblems problems = new DataProblems(strict);
    List<Sample> samples = new ArrayList<>();
    for (Entry e : entries) {
      Path file = dir.resolve("images").resolve(e.path());
      ImageFiles.Decoded img;
      try {
        img = ImageFiles.decode(file);
      } catch (ImageFiles.UnreadableImageException ex) {
        problems.report(file, ex.missing() ? DataProblem.Kind.MISSING_IMAGE : DataProblem.Kind.UNREADABLE_IMAGE,
            ex.reason(), true);
        continue;
      }
      if (img.partial()) {
        problems.report(file, DataProblem.Kind.PARTIAL_IMAGE, img.partialReason(), false);
      }
      int w = img.image().width();
      int h = img.image().height();
      int label = chosen.indexOf(e.classId());
      Box box = new Box(0, 0, w, h);
      if (e.xywh() == null) {
        problems.report(file, DataProblem.Kind.NO_ANNOTATION, "no line in bounding_boxes.txt: the whole image stands"
            + " in for the box", false);
      } else {
        double[] b = e.xywh();
        int x0 = clamp(Math.round(b[0]), w);
        int y0 = clamp(Math.round(b[1]), h);
        int x1 = clamp(Math.round(b[0] + b[2]), w);
        int y1 = clamp(Math.round(b[1] + b[3]), h);
        if (x1 > x0 && y1 > y0) {
          box = new Box(x0, y0, x1, y1);
        } else {
          problems.report(file, DataProblem.Kind.BAD_BOX, "box " + java.util.Arrays.toString(b) + " is empty inside the "
              + w + "×" + h + " image: the whole image stands in for it", false);
        }
      }
      samples.add(new Sample(e.path(), ImageRef.file(file, img.image()), List.of(new ObjectAnnotation(label, box, Optional.empty()))));
    }
    if (samples.isEmpty()) {
      throw problems.nothingUsable("no readable image in the " + part.label() + " part of " + dir);
    }
    List<String> names = chosen.stream().map(classNames::get).toList();
    return new CocoFormat.Loaded(new Dataset(dir.getFileName() + "/" + part.label(), names, samples),
        problems.list());
  }

  /**
   * The image files of one part, in {@code images.txt} order, without decoding them (for {@code
   * camkit localize}).
   */
  public static List<Path> imageFiles(Path dir, Split part, Selection selection) {
    Map<Integer, String> classNames = readClasses(dir);
    List<Integer> chosen = classNames.keySet().stream()
        .filter(id -> selection.classIds().isEmpty() || selection.classIds().contains(id)).toList();
    return partOf(entries(dir), chosen, part, selection).stream().map(e -> dir.resolve("images").resolve(e.path()))
        .toList();
  }

  /**
   * The entries of one part, in {@code images.txt} order: TEST the official test images; VAL and
   * TRAIN the official training images split per class by a seeded shuffle (VAL the first {@code
   * min(valPerClass, n − 1)} of each class's shuffled ids, sorted; TRAIN the rest).
   */
  static List<Entry> partOf(List<Entry> all, List<Integer> classIds, Split part, Selection selection) {
    Set<Integer> keep = Set.copyOf(classIds);
    List<Entry> chosen = all.stream().filter(e -> keep.contains(e.classId())).toList();
    if (part == Split.TEST) {
      return chosen.stream().filter(e -> !e.training()).toList();
    }
    Map<Integer, List<Integer>> trainIds = new TreeMap<>();
    for (Entry e : chosen) {
      if (e.training()) {
        trainIds.computeIfAbsent(e.classId(), k -> new ArrayList<>()).add(e.id());
      }
    }
    Set<Integer> val = new TreeSet<>();
    for (Map.Entry<Integer, List<Integer>> c : trainIds.entrySet()) {
      List<Integer> ids = new ArrayList<>(c.getValue());
      Collections.sort(ids);
      Collections.shuffle(ids, new Random(selection.seed() * 1_000_003L + c.getKey()));
      val.addAll(ids.subList(0, Math.min(selection.valPerClass(), ids.size() - 1)));
    }
    boolean wantVal = part == Split.VAL;
    return chosen.stream().filter(e -> e.training() && val.contains(e.id()) == wantVal).toList();
  }

  /** Every image of the metadata files, in {@code images.txt} order. */
  static List<Entry> entries(Path dir) {
    Map<Integer, String> paths = new LinkedHashMap<>();
    for (String[] f : lines(dir, IMAGES, 2)) {
      paths.put(id(f[0], IMAGES), f[1]);
    }
    Map<Integer, Integer> labels = new java.util.HashMap<>();
    for (String[] f : lines(dir, "image_class_labels.txt", 2)) {
      labels.put(id(f[0], "image_class_labels.txt"), id(f[1], "image_class_labels.txt"));
    }
    Map<Integer, Boolean> training = new java.util.HashMap<>();
    for (String[] f : lines(dir, SPLIT, 2)) {
      training.put(id(f[0], SPLIT), f[1].equals("1"));
    }
    Map<Integer, double[]> boxes = new java.util.HashMap<>();
    if (Files.isRegularFile(dir.resolve("bounding_boxes.txt"))) {
      for (String[] f : lines(dir, "bounding_boxes.txt", 5)) {
        try {
          double[] b = {Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
              Double.parseDouble(f[4])};
          boxes.put(id(f[0], "bounding_boxes.txt"), b);
        } catch (NumberFormatException e) {
          throw new CamkitException("bounding_boxes.txt in " + dir + ": not a number in line '" + String.join(" ", f)
              + "'");
        }
      }
    }
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<Integer, String> p : paths.entrySet()) {
      int id = p.getKey();
      if (!labels.containsKey(id) || !training.containsKey(id)) {
        throw new CamkitException("image id " + id + " of images.txt in " + dir + " has no line in "
            + (labels.containsKey(id) ? SPLIT : "image_class_labels.txt"));
      }
      out.add(new Entry(id, p.getValue(), labels.get(id), training.get(id), boxes.get(id)));
    }
    return out;
  }

  /** {@code classes.txt}: class id → name, in file order. */
  static Map<Integer, String> readClasses(Path dir) {
    Map<Integer, String> names = new LinkedHashMap<>();
    for (String[] f : lines(dir, "classes.txt", 2)) {
      names.put(id(f[0], "classes.txt"), f[1]);
    }
    if (names.isEmpty()) {
      throw new CamkitException("classes.txt in " + dir + " lists no class");
    }
    return names;
  }

  /** The non-blank lines of a metadata file split on white space (the last field keeps its spaces). */
  private static List<String[]> lines(Path dir, String name, int fields) {
    Path f = dir.resolve(name);
    if (!Files.isRegularFile(f)) {
      throw new CamkitException("not a complete CUB-200-2011 folder: " + name + " is missing in " + dir
          + " (expected images.txt, image_class_labels.txt, train_test_split.txt, bounding_boxes.txt, classes.txt)");
    }
    List<String[]> out = new ArrayList<>();
    try {
      List<String> all = Files.readAllLines(f);
      for (int n = 0; n < all.size(); n++) {
        String line = all.get(n).strip();
        if (line.isEmpty()) {
          continue;
        }
        String[] parts = line.split("\\s+", fields);
        if (parts.length < fields) {
          throw new CamkitException(name + " in " + dir + ", line " + (n + 1) + ": expected " + fields
              + " fields, got '" + line + "'");
        }
        out.add(parts);
      }
    } catch (IOException e) {
      throw new CamkitException("cannot read " + f + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static int id(String s, String file) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new CamkitException(file + ": '" + s + "' is not an integer id");
    }
  }

  private static int clamp(long v, int size) {
    return (int) Math.max(0, Math.min(size, v));
  }
}
