package dev.spatialvqa.core.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.Map;

/** Horizontal bar charts drawn with Java2D, for the report's run-level figures. */
public final class Charts {
  private Charts() {}

  /**
   * One bar per entry, in the map's order, labelled with its key and value. {@code max} is the axis
   * end (e.g. 100 for percentages), or null for the largest value. Null values are drawn as "n/a"
   * without a bar.
   */
  public static BufferedImage bars(String title, Map<String, ? extends Number> values, Double max) {
    int rowH = 20;
    int w = 760;
    int h = 40 + Math.max(1, values.size()) * rowH + 10;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, 10, 20);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    int labelW = 10;
    double top = max == null ? 0 : max;
    for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
      labelW = Math.max(labelW, fm.stringWidth(e.getKey()) + 16);
      if (max == null && e.getValue() != null) {
        top = Math.max(top, e.getValue().doubleValue());
      }
    }
    labelW = Math.min(labelW, w / 2);
    int barMax = w - labelW - 70;
    if (values.isEmpty()) {
      g.setColor(Color.GRAY);
      g.drawString("none", labelW, 40 + rowH / 2);
    }
    int y = 34;
    for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
      g.setColor(Color.DARK_GRAY);
      g.drawString(e.getKey(), labelW - 8 - fm.stringWidth(e.getKey()), y + 14);
      Number n = e.getValue();
      if (n == null) {
        g.setColor(Color.GRAY);
        g.drawString("n/a", labelW, y + 14);
      } else {
        double v = n.doubleValue();
        int len = top > 0 ? (int) Math.round(barMax * Math.max(0, Math.min(v, top)) / top) : 0;
        g.setColor(new Color(0x4363d8));
        g.fillRect(labelW, y + 3, Math.max(len, v > 0 ? 1 : 0), rowH - 6);
        g.setColor(Color.BLACK);
        String txt =
            n instanceof Double || n instanceof Float
                ? String.format(Locale.ROOT, "%.1f", v)
                : Long.toString(n.longValue());
        g.drawString(txt, labelW + len + 4, y + 14);
      }
      y += rowH;
    }
    if (max != null) {
      g.setColor(Color.LIGHT_GRAY);
      g.setStroke(new BasicStroke(1f));
      g.drawLine(labelW + barMax, 30, labelW + barMax, h - 6);
    }
    g.dispose();
    return img;
  }
}
