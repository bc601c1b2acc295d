package io.camkit.dataset.shapes;

import io.camkit.core.Box;
import io.camkit.dataset.ObjectAnnotation;
import io.camkit.dataset.Sample;
import io.camkit.dataset.Split;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A large image with many objects of known class and box, for counting: test images of a {@link
 * ShapesGenerator} ({@code s×s}, each with its own background, clutter and objects) laid edge to
 * edge on a grid of {@code ⌊W / s⌋ × ⌊H / s⌋} cells, row-major (cell {@code i} is test image
 * {@code i}); the strips left at the right and bottom are mid grey. The objects are the cells'
 * objects shifted to their cell.
 *
 * @param image the {@code W×H} picture
 * @param objects every object, in cell order, boxes in mosaic pixels
 * @param cell s, the side of each cell
 */
public record ShapesMosaic(BufferedImage image, List<ObjectAnnotation> objects, int cell) {
  public ShapesMosaic {
    objects = List.copyOf(objects);
  }

  /** The {@code width}×{@code height} mosaic of {@code generator}'s test images. */
  public static ShapesMosaic of(ShapesGenerator generator, int width, int height) {
    return of(generator, width, height, Split.TEST);
  }

  /**
   * The {@code width}×{@code height} mosaic of images {@code 0, 1, …} of {@code split} (the
   * validation or training split gives a mosaic disjoint from the test one, to choose settings on
   * or to cut training crops from).
   */
  public static ShapesMosaic of(ShapesGenerator generator, int width, int height, Split split) {
    int s = generator.options().imageSize();
    if (width < s || height < s) {
      throw new IllegalArgumentException("a " + width + "×" + height + " mosaic holds no " + s + "×" + s + " cell");
    }
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int grey = 0x808080;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, grey);
      }
    }
    int cols = width / s;
    int rows = height / s;
    List<ObjectAnnotation> objects = new ArrayList<>();
    int[] line = new int[s];
    for (int i = 0; i < cols * rows; i++) {
      int ox = (i % cols) * s;
      int oy = (i / cols) * s;
      Sample sample = generator.sample(split, i);
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          line[x] = (sample.image().get(x, y, 0) << 16) | (sample.image().get(x, y, 1) << 8) | sample.image().get(x, y, 2);
        }
        img.setRGB(ox, oy + y, s, 1, line, 0, s);
      }
      for (ObjectAnnotation o : sample.objects()) {
        Box b = o.box();
        objects.add(new ObjectAnnotation(o.classIndex(), new Box(b.x0() + ox, b.y0() + oy, b.x1() + ox, b.y1() + oy),
            Optional.empty()));
      }
    }
    return new ShapesMosaic(img, objects, s);
  }

  /** Objects per class index, for {@code classes} classes. */
  public int[] counts(int classes) {
    int[] n = new int[classes];
    for (ObjectAnnotation o : objects) {
      n[o.classIndex()]++;
    }
    return n;
  }
}
