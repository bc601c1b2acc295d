package io.camkit.spark;

import io.camkit.core.Box;
import io.camkit.core.Mask;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.core.RgbImage;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The annotations of an evaluation set, read on the driver by the dataset readers and broadcast to
 * the executors (boxes and masks only, no pixels), with the join of an image file to its sample:
 * the sample id is the file's path under the data folder (image folders, image lists), that path
 * without its extension, or the file's name without it (COCO).
 */
final class GroundTruth implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One sample's annotations: its index in the dataset (the order the summary adds images in). */
  record Entry(int index, String id, int label, int[] classes, int[][] boxes, int[] maskSize, boolean[][] masks)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The sample rebuilt around a decoded image, as the dataset reader would give it. */
    Sample sample(RgbImage image) {
      List<ObjectAnnotation> objects = new ArrayList<>();
      for (int i = 0; i < classes.length; i++) {
        Optional<Mask> mask = masks[i] == null ? Optional.empty()
            : Optional.of(new Mask(maskSize[2 * i], maskSize[2 * i + 1], masks[i]));
        objects.add(new ObjectAnnotation(classes[i], box(boxes[i]), mask));
      }
      return new Sample(id, image, objects);
    }

    /** The true class's boxes ({@code ImageOutcome#groundTruth}). */
    List<Box> truthBoxes() {
      List<Box> out = new ArrayList<>();
      for (int i = 0; i < classes.length; i++) {
        if (classes[i] == label) {
          out.add(box(boxes[i]));
        }
      }
      return out;
    }
  }

  private final String root;
  private final List<String> classes;
  private final Map<String, Entry> byId = new HashMap<>();

  private GroundTruth(String root, List<String> classes) {
    this.root = root;
    this.classes = List.copyOf(classes);
  }

  /** The annotations of {@code data}, whose images lie under the folder {@code root} (a URI or path). */
  static GroundTruth of(Dataset data, String root) {
    GroundTruth t = new GroundTruth(uriPath(root), data.classes());
    for (int i = 0; i < data.size(); i++) {
      Sample s = data.get(i);
      int n = s.objects().size();
      int[] cls = new int[n];
      int[][] boxes = new int[n][];
      int[] size = new int[2 * n];
      boolean[][] masks = new boolean[n][];
      for (int k = 0; k < n; k++) {
        ObjectAnnotation o = s.objects().get(k);
        cls[k] = o.classIndex();
        boxes[k] = new int[] {o.box().x0(), o.box().y0(), o.box().x1(), o.box().y1()};
        if (o.mask().isPresent()) {
          size[2 * k] = o.mask().get().width();
          size[2 * k + 1] = o.mask().get().height();
          masks[k] = o.mask().get().bits();
        }
      }
      t.byId.putIfAbsent(s.id(), new Entry(i, s.id(), s.label(), cls, boxes, size, masks));
    }
    return t;
  }

  List<String> classes() {
    return classes;
  }

  int size() {
    return byId.size();
  }

  /** The sample of the image file {@code path} (a URI as Spark lists it, or a path), if annotated. */
  Optional<Entry> find(String path) {
    String p = uriPath(path);
    String rel = p.startsWith(root + "/") ? p.substring(root.length() + 1) : p.substring(p.lastIndexOf('/') + 1);
    String name = rel.substring(rel.lastIndexOf('/') + 1);
    for (String key : new String[] {rel, stripExtension(rel), stripExtension(name)}) {
      Entry e = byId.get(key);
      if (e != null) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  static Box box(int[] xyxy) {
    return new Box(xyxy[0], xyxy[1], xyxy[2], xyxy[3]);
  }

  private static String stripExtension(String s) {
    int dot = s.lastIndexOf('.');
    return dot > s.lastIndexOf('/') + 1 ? s.substring(0, dot) : s;
  }

  /** The path part of a URI ({@code file:/a/b} → {@code /a/b}), or the string itself; no trailing slash. */
  static String uriPath(String s) {
    String p;
    try {
      URI u = new URI(s);
      p = u.getScheme() != null && u.getPath() != null ? u.getPath() : s;
    } catch (java.net.URISyntaxException e) {
      p = s;
    }
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
