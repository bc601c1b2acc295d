package io.camkit.render;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.core.RgbImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;

/**
 * A heat map laid over its image: {@code out = (1 − α) · image + α · viridis(map)}, with the
 * ground-truth boxes in green and the predicted box in red, optionally enlarged (nearest
 * neighbour, so pixels stay sharp) for small images.
 */
public final class Overlay {
  public static final Color GROUND_TRUTH = new Color(0x00E000);
  public static final Color PREDICTED = new Color(0xFF2020);

  private Overlay() {}

  /**
   * @param map normalised to [0, 1], at the image's resolution
   * @param alpha weight of the heat map, in [0, 1]
   * @param scale integer enlargement (1 = as is)
   */
  public static BufferedImage render(
      RgbImage image, HeatMap map, double alpha, List<Box> truth, Optional<Box> predicted, int scale) {
    if (map.width() != image.width() || map.height() != image.height()) {
      map = map.resize(image.width(), image.height());
    }
    int w = image.width();
    int h = image.height();
    BufferedImage out = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int c = Colormap.viridis(map.get(x, y));
        int r = blend(image.get(x, y, 0), (c >> 16) & 0xFF, alpha);
        int g = blend(image.get(x, y, 1), (c >> 8) & 0xFF, alpha);
        int b = blend(image.get(x, y, 2), c & 0xFF, alpha);
        int rgb = (r << 16) | (g << 8) | b;
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            out.setRGB(x * scale + dx, y * scale + dy, rgb);
          }
        }
      }
    }
    Graphics2D g = out.createGraphics();
    g.setStroke(new BasicStroke(Math.max(1, scale)));
    g.setColor(GROUND_TRUTH);
    for (Box b : truth) {
      draw(g, b, scale);
    }
    g.setColor(PREDICTED);
    predicted.ifPresent(b -> draw(g, b, scale));
    g.dispose();
    return out;
  }

  private static int blend(int a, int b, double alpha) {
    return (int) Math.round(a * (1 - alpha) + b * alpha);
  }

  private static void draw(Graphics2D g, Box b, int scale) {
    g.drawRect(b.x0() * scale, b.y0() * scale, b.width() * scale - 1, b.height() * scale - 1);
  }
}
