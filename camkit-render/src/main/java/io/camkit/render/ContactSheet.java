package io.camkit.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** A grid of captioned tiles, with an optional title: one picture of many examples. */
public final class ContactSheet {
  private static final int CAPTION = 28;
  private static final int GAP = 4;

  private ContactSheet() {}

  /** A tile and the (up to two) lines of text under it. */
  public record Tile(BufferedImage image, String line1, String line2) {}

  public static BufferedImage render(String title, List<Tile> tiles, int columns) {
    if (tiles.isEmpty()) {
      throw new IllegalArgumentException("a contact sheet needs at least one tile");
    }
    int tw = tiles.stream().mapToInt(t -> t.image().getWidth()).max().orElse(1);
    int th = tiles.stream().mapToInt(t -> t.image().getHeight()).max().orElse(1);
    int cols = Math.min(columns, tiles.size());
    int rows = (tiles.size() + cols - 1) / cols;
    int header = title.isEmpty() ? 0 : 30;
    int w = cols * (tw + GAP) + GAP;
    int h = header + rows * (th + CAPTION + GAP) + GAP;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLACK);
    if (header > 0) {
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.drawString(title, GAP + 2, 21);
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int i = 0; i < tiles.size(); i++) {
      Tile t = tiles.get(i);
      int x = GAP + (i % cols) * (tw + GAP);
      int y = header + GAP + (i / cols) * (th + CAPTION + GAP);
      g.drawImage(t.image(), x, y, null);
      g.drawString(t.line1(), x + 1, y + th + 12);
      g.drawString(t.line2(), x + 1, y + th + 25);
    }
    g.dispose();
    return out;
  }
}
