package io.camkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.camkit.core.Box;
import io.camkit.core.ImageFiles;
import io.camkit.core.ImageRegions;
import io.camkit.core.RgbImage;
import io.camkit.localize.CountScore;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The counted peaks over the image, one colour per class: {@code peaks.png}, the whole image
 * subsampled to at most the overlay size with a dot per peak, and {@code peaks-detail.png}, the
 * image's top-left {@value #DETAIL_W}×{@value #DETAIL_H} pixels at twice full size with a cross per
 * peak and, when the truth is known, each true object's box in its class's colour, over a strip
 * naming the colours.
 */
final class CountPictures {
  static final int DETAIL_W = 288;
  static final int DETAIL_H = 240;
  private static final int STRIP = 18;
  private static final Color[] PALETTE = {
    new Color(0xFF3030), new Color(0x30FF30), new Color(0x3080FF), new Color(0xFFE020), new Color(0xFF40FF),
    new Color(0x30FFFF), new Color(0xFF9020), new Color(0xFFFFFF),
  };

  private record Mark(double x, double y, int classIndex) {}

  private CountPictures() {}

  static Color colour(int classIndex) {
    return PALETTE[classIndex % PALETTE.length];
  }

  static void write(ImageRegions src, JsonNode counted, List<String> names, List<CountScore.Truth> truth,
      int overlaySize, Path dir) throws java.io.IOException {
    List<Mark> marks = marks(counted, names);
    RgbImage preview = src.preview(overlaySize);
    double f = Math.round((double) src.width() / preview.width());
    BufferedImage whole = preview.toBufferedImage();
    Graphics2D g = whole.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    int r = Math.max(1, (int) Math.round(3 / Math.sqrt(f)));
    for (Mark m : marks) {
      g.setColor(colour(m.classIndex()));
      g.fillOval((int) Math.round(m.x() / f) - r, (int) Math.round(m.y() / f) - r, 2 * r + 1, 2 * r + 1);
    }
    legend(g, names, counted, 4, whole.getHeight() - 4 - 12 * names.size());
    g.dispose();
    ImageFiles.writePng(whole, dir.resolve("peaks.png"));

    int w = Math.min(DETAIL_W, src.width());
    int h = Math.min(DETAIL_H, src.height());
    int scale = 2;
    BufferedImage crop = src.read(0, 0, w, h).toBufferedImage();
    BufferedImage detail = new BufferedImage(w * scale, h * scale + STRIP, BufferedImage.TYPE_INT_RGB);
    g = detail.createGraphics();
    g.drawImage(crop, 0, 0, w * scale, h * scale, null);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setStroke(new BasicStroke(1));
    if (truth != null) {
      for (CountScore.Truth t : truth) {
        Box b = t.box();
        if (b.x0() < w && b.y0() < h) {
          g.setColor(colour(t.classIndex()));
          g.drawRect(b.x0() * scale, b.y0() * scale, b.width() * scale - 1, b.height() * scale - 1);
        }
      }
    }
    g.setStroke(new BasicStroke(2.5f));
    for (Mark m : marks) {
      if (m.x() < w && m.y() < h) {
        int x = (int) Math.round(m.x() * scale);
        int y = (int) Math.round(m.y() * scale);
        g.setColor(Color.BLACK);
        g.drawLine(x - 6, y, x + 6, y);
        g.drawLine(x, y - 6, x, y + 6);
        g.setColor(colour(m.classIndex()));
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(x - 5, y, x + 5, y);
        g.drawLine(x, y - 5, x, y + 5);
        g.setStroke(new BasicStroke(2.5f));
      }
    }
    g.setColor(Color.BLACK);
    g.fillRect(0, h * scale, w * scale, STRIP);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
    int x = 4;
    String head = truth != null ? "+ peak, \u25A1 true box:" : "+ peak:";
    g.setColor(Color.WHITE);
    g.drawString(head, x, h * scale + 13);
    x += g.getFontMetrics().stringWidth(head) + 6;
    for (int c = 0; c < names.size(); c++) {
      if (counted.path("classes").path(names.get(c)).isMissingNode()) {
        continue;
      }
      g.setColor(colour(c));
      g.drawString(names.get(c), x, h * scale + 13);
      x += g.getFontMetrics().stringWidth(names.get(c)) + 6;
    }
    g.dispose();
    ImageFiles.writePng(detail, dir.resolve("peaks-detail.png"));
  }

  private static void legend(Graphics2D g, List<String> names, JsonNode counted, int x, int y) {
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
    int row = 0;
    for (int c = 0; c < names.size(); c++) {
      JsonNode k = counted.path("classes").path(names.get(c));
      if (k.isMissingNode()) {
        continue;
      }
      String text = names.get(c) + " " + k.path("count").asInt() + (k.has("true") ? " / " + k.path("true").asInt() : "");
      g.setColor(Color.BLACK);
      g.fillRect(x, y + row * 12, 8 + 7 * text.length(), 12);
      g.setColor(colour(c));
      g.drawString(text, x + 2, y + row * 12 + 10);
      row++;
    }
  }

  /** The peaks of {@code counts.json}'s two layouts (object mode: one list; per-class mode: a list per class). */
  private static List<Mark> marks(JsonNode counted, List<String> names) {
    List<Mark> out = new ArrayList<>();
    if (counted.has("peaks")) {
      for (JsonNode p : counted.get("peaks")) {
        out.add(new Mark(p.path("x").asDouble(), p.path("y").asDouble(), names.indexOf(p.path("class").asText())));
      }
      return out;
    }
    counted.path("classes").fields().forEachRemaining(e -> {
      for (JsonNode p : e.getValue().path("peaks")) {
        out.add(new Mark(p.path("x").asDouble(), p.path("y").asDouble(), names.indexOf(e.getKey())));
      }
    });
    return out;
  }
}
