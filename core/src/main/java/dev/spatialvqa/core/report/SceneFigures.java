package dev.spatialvqa.core.report;

import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pictures of one scene, drawn with Java2D: the image with the objects' 2D boxes and referring
 * expressions and the horizon (or the gravity direction), a top-down view of the 3D boxes with the
 * camera and its field of view, and a side view. Pure: scene record (and image) in, image out.
 */
public final class SceneFigures {
  private SceneFigures() {}

  /** Distinct colours, one per object (cycled). */
  static final Color[] PALETTE = {
    new Color(0xe6194b), new Color(0x3cb44b), new Color(0x4363d8), new Color(0xf58231),
    new Color(0x911eb4), new Color(0x42d4f4), new Color(0xf032e6), new Color(0x9a6324),
    new Color(0x469990), new Color(0x808000), new Color(0x000075), new Color(0xbfef45)
  };

  public static Color color(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  /** How an object is named in the pictures: its referring expression, else its caption. */
  public static String label(SceneObject o) {
    String r = o.getReferringExpression();
    return r != null ? r : o.getCaption() + (o.getAmbiguous() ? " (ambiguous)" : "");
  }

  private static Graphics2D graphics(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    return g;
  }

  /**
   * The image scaled to at most {@code maxWidth} wide with each object's 2D box and label, and the
   * horizon line (where the camera's horizontal plane meets the image) when gravity is known and
   * the horizon crosses the image, plus an arrow along gravity from the image centre. {@code photo}
   * null: a grey canvas of the image's size saying that the image could not be read.
   */
  public static BufferedImage annotatedImage(SceneRecord s, BufferedImage photo, int maxWidth) {
    int w0 = photo != null ? photo.getWidth() : Math.max(1, s.getImageWidth());
    int h0 = photo != null ? photo.getHeight() : Math.max(1, s.getImageHeight());
    // boxes and intrinsics are in the record's pixel frame
    double sx = s.getImageWidth() > 0 ? w0 / (double) s.getImageWidth() : 1;
    double sy = s.getImageHeight() > 0 ? h0 / (double) s.getImageHeight() : 1;
    double scale = Math.min(1.0, maxWidth / (double) w0);
    int w = Math.max(1, (int) Math.round(w0 * scale));
    int h = Math.max(1, (int) Math.round(h0 * scale));
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(img);
    if (photo != null) {
      g.drawImage(photo, 0, 0, w, h, null);
    } else {
      g.setColor(new Color(0xdddddd));
      g.fillRect(0, 0, w, h);
      g.setColor(Color.DARK_GRAY);
      g.drawString("image not readable: " + s.getImageUri(), 10, 20);
    }
    double kx = sx * scale;
    double ky = sy * scale;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(11, w / 55)));
    FontMetrics fm = g.getFontMetrics();
    List<SceneObject> objs = s.getObjects();
    for (int i = 0; i < objs.size(); i++) {
      SceneObject o = objs.get(i);
      List<Double> b = o.getBox2dXyxy();
      if (b == null || b.size() != 4) {
        continue;
      }
      int x0 = (int) Math.round(b.get(0) * kx);
      int y0 = (int) Math.round(b.get(1) * ky);
      int x1 = (int) Math.round(b.get(2) * kx);
      int y1 = (int) Math.round(b.get(3) * ky);
      g.setColor(color(i));
      g.setStroke(new BasicStroke(2.5f));
      g.drawRect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
      String text = (i + 1) + " " + label(o);
      int tw = fm.stringWidth(text) + 6;
      int ty = Math.max(0, Math.min(h - fm.getHeight(), y0 - fm.getHeight()));
      int tx = Math.max(0, Math.min(w - tw, x0));
      g.fillRect(tx, ty, tw, fm.getHeight());
      g.setColor(Color.WHITE);
      g.drawString(text, tx + 3, ty + fm.getAscent());
    }
    double[] up = up(s);
    Intrinsics k = s.getIntrinsics();
    if (up != null && k != null) {
      // horizon: points whose ray is horizontal, up . K^-1 (u, v, 1) = 0
      double a = up[0] / k.getFx();
      double bb = up[1] / k.getFy();
      double c = up[2] - up[0] * k.getCx() / k.getFx() - up[1] * k.getCy() / k.getFy();
      double[] seg = clipLine(a, bb, c, s.getImageWidth(), s.getImageHeight());
      g.setStroke(
          new BasicStroke(
              2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {10, 6}, 0));
      g.setColor(Color.YELLOW);
      if (seg != null) {
        g.draw(new Line2D.Double(seg[0] * kx, seg[1] * ky, seg[2] * kx, seg[3] * ky));
        g.drawString("horizon", (float) (seg[0] * kx + 6), (float) (seg[1] * ky - 4));
      }
      // gravity: the image direction of "down" at the principal point
      double dx = -up[0];
      double dy = -up[1];
      double len = Math.hypot(dx, dy);
      if (len > 1e-6) {
        double cx = k.getCx() * kx;
        double cy = k.getCy() * ky;
        double l = Math.min(w, h) * 0.15;
        double ex = cx + dx / len * l;
        double ey = cy + dy / len * l;
        g.setStroke(new BasicStroke(3f));
        g.setColor(Color.CYAN);
        arrow(g, cx, cy, ex, ey);
        g.drawString("gravity", (float) ex + 4, (float) ey);
      }
    }
    g.dispose();
    return img;
  }

  static double[] up(SceneRecord s) {
    List<Double> u = s.getGravityUpCamera();
    if (!s.getCanonicalized() || u == null || u.size() != 3) {
      return null;
    }
    return new double[] {u.get(0), u.get(1), u.get(2)};
  }

  /** The part of the line a u + b v + c = 0 inside [0, w] x [0, h], or null. */
  static double[] clipLine(double a, double b, double c, double w, double h) {
    List<double[]> pts = new ArrayList<>();
    if (Math.abs(b) > 1e-12) {
      for (double u : new double[] {0, w}) {
        double v = -(a * u + c) / b;
        if (v >= 0 && v <= h) {
          pts.add(new double[] {u, v});
        }
      }
    }
    if (Math.abs(a) > 1e-12) {
      for (double v : new double[] {0, h}) {
        double u = -(b * v + c) / a;
        if (u >= 0 && u <= w) {
          pts.add(new double[] {u, v});
        }
      }
    }
    if (pts.size() < 2) {
      return null;
    }
    double[] p = pts.get(0);
    double[] q = pts.get(1);
    for (double[] r : pts) {
      if (Math.hypot(r[0] - p[0], r[1] - p[1]) > Math.hypot(q[0] - p[0], q[1] - p[1])) {
        q = r;
      }
    }
    return new double[] {p[0], p[1], q[0], q[1]};
  }

  private static void arrow(Graphics2D g, double x0, double y0, double x1, double y1) {
    g.draw(new Line2D.Double(x0, y0, x1, y1));
    double ang = Math.atan2(y1 - y0, x1 - x0);
    double l = 10;
    Path2D head = new Path2D.Double();
    head.moveTo(x1, y1);
    head.lineTo(x1 - l * Math.cos(ang - 0.4), y1 - l * Math.sin(ang - 0.4));
    head.lineTo(x1 - l * Math.cos(ang + 0.4), y1 - l * Math.sin(ang + 0.4));
    head.closePath();
    g.fill(head);
  }

  /** The footprint (4 corners, canonical x, y) of an object's oriented box, else its axis box. */
  static double[][] footprint(SceneObject o) {
    List<Double> c = o.getOrientedCenter() != null ? o.getOrientedCenter() : o.getCenter();
    List<Double> e = o.getOrientedExtent() != null ? o.getOrientedExtent() : o.getExtent();
    double yaw = o.getOrientedExtent() != null ? o.getHeadingRad() : 0;
    double ca = Math.cos(yaw);
    double sa = Math.sin(yaw);
    double hx = e.get(0) / 2;
    double hy = e.get(1) / 2;
    double[][] out = new double[4][];
    double[][] local = {{-hx, -hy}, {hx, -hy}, {hx, hy}, {-hx, hy}};
    for (int i = 0; i < 4; i++) {
      double x = local[i][0];
      double y = local[i][1];
      out[i] = new double[] {c.get(0) + ca * x - sa * y, c.get(1) + sa * x + ca * y};
    }
    return out;
  }

  /** Camera height above the canonical origin (0 when not known). */
  static double cameraZ(SceneRecord s) {
    return s.getCameraHeightM() == null ? 0 : s.getCameraHeightM();
  }

  /** A view with a metric frame: maps world (a, b) to pixels, b up. */
  private static final class View {
    final double minA;
    final double minB;
    final double k;
    final int h;
    final int margin;

    View(double minA, double maxA, double minB, double maxB, int w, int h, int margin) {
      double spanA = Math.max(1e-3, maxA - minA);
      double spanB = Math.max(1e-3, maxB - minB);
      this.k = Math.min((w - 2.0 * margin) / spanA, (h - 2.0 * margin) / spanB);
      // centre the content
      this.minA = minA - ((w - 2.0 * margin) / k - spanA) / 2;
      this.minB = minB - ((h - 2.0 * margin) / k - spanB) / 2;
      this.h = h;
      this.margin = margin;
    }

    double px(double a) {
      return margin + (a - minA) * k;
    }

    double py(double b) {
      return h - margin - (b - minB) * k;
    }
  }

  private static void grid(Graphics2D g, View v, int w, int h, String aName, String bName) {
    double step = niceStep(Math.max(w, h) / v.k / 8);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.setStroke(new BasicStroke(1f));
    double a0 = Math.floor(v.minA / step) * step;
    for (double a = a0; v.px(a) <= w; a += step) {
      g.setColor(new Color(0xeeeeee));
      g.draw(new Line2D.Double(v.px(a), 0, v.px(a), h));
      g.setColor(Color.GRAY);
      g.drawString(fmt(a), (float) v.px(a) + 2, h - 3);
    }
    double b0 = Math.floor(v.minB / step) * step;
    for (double b = b0; v.py(b) >= 0; b += step) {
      g.setColor(new Color(0xeeeeee));
      g.draw(new Line2D.Double(0, v.py(b), w, v.py(b)));
      g.setColor(Color.GRAY);
      g.drawString(fmt(b), 2, (float) v.py(b) - 2);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawString(aName + " (m) \u2192", w - 110, h - 16);
    g.drawString("\u2191 " + bName + " (m)", 24, 14);
  }

  static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-6))));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= raw) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, Math.abs(v - Math.rint(v)) < 1e-9 ? "%.0f" : "%.1f", v);
  }

  /**
   * Top-down view (canonical x right, y forward): each object's box footprint with its number, the
   * camera at the origin and its horizontal field of view from the intrinsics.
   */
  public static BufferedImage topDown(SceneRecord s, int w, int h) {
    double minX = -0.5;
    double maxX = 0.5;
    double minY = -0.3;
    double maxY = 1.0;
    for (SceneObject o : s.getObjects()) {
      for (double[] p : footprint(o)) {
        minX = Math.min(minX, p[0]);
        maxX = Math.max(maxX, p[0]);
        minY = Math.min(minY, p[1]);
        maxY = Math.max(maxY, p[1]);
      }
    }
    View v = new View(minX - 0.3, maxX + 0.3, minY - 0.3, maxY + 0.3, w, h, 20);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(img);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    grid(g, v, w, h, "x right", "y forward");
    // field of view: rays through the image's left and right edges at the principal row
    Intrinsics k = s.getIntrinsics();
    double reach = (maxY + 0.3) * 1.05;
    if (k != null && k.getFx() > 0) {
      double left = Math.atan2(-k.getCx(), k.getFx());
      double right = Math.atan2(s.getImageWidth() - k.getCx(), k.getFx());
      Path2D fov = new Path2D.Double();
      fov.moveTo(v.px(0), v.py(0));
      fov.lineTo(v.px(reach * Math.tan(left)), v.py(reach));
      fov.lineTo(v.px(reach * Math.tan(right)), v.py(reach));
      fov.closePath();
      g.setColor(new Color(255, 230, 150, 90));
      g.fill(fov);
      g.setColor(new Color(0xc89600));
      g.draw(fov);
    }
    camera(g, v.px(0), v.py(0), 0);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    List<SceneObject> objs = s.getObjects();
    for (int i = 0; i < objs.size(); i++) {
      double[][] f = footprint(objs.get(i));
      Path2D p = new Path2D.Double();
      p.moveTo(v.px(f[0][0]), v.py(f[0][1]));
      for (int j = 1; j < 4; j++) {
        p.lineTo(v.px(f[j][0]), v.py(f[j][1]));
      }
      p.closePath();
      Color c = color(i);
      g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60));
      g.fill(p);
      g.setColor(c);
      g.setStroke(new BasicStroke(2f));
      g.draw(p);
      List<Double> ctr = objs.get(i).getCenter();
      g.drawString(
          Integer.toString(i + 1), (float) v.px(ctr.get(0)) - 4, (float) v.py(ctr.get(1)) + 4);
    }
    g.setColor(Color.BLACK);
    g.drawString("top-down (camera at the origin, looking up the page)", 30, 30);
    g.dispose();
    return img;
  }

  /**
   * Side view (canonical y forward to the right, z up): each object's box extent in y and z, the
   * camera at its height, the support plane (z = 0) when the camera height is known, and the
   * camera's vertical field of view about the horizontal.
   */
  public static BufferedImage side(SceneRecord s, int w, int h) {
    double camZ = cameraZ(s);
    double minY = -0.3;
    double maxY = 1.0;
    double minZ = Math.min(0, camZ) - 0.2;
    double maxZ = Math.max(0, camZ) + 0.3;
    for (SceneObject o : s.getObjects()) {
      List<Double> c = o.getCenter();
      List<Double> e = o.getExtent();
      minY = Math.min(minY, c.get(1) - e.get(1) / 2);
      maxY = Math.max(maxY, c.get(1) + e.get(1) / 2);
      minZ = Math.min(minZ, c.get(2) - e.get(2) / 2);
      maxZ = Math.max(maxZ, c.get(2) + e.get(2) / 2);
    }
    View v = new View(minY - 0.3, maxY + 0.3, minZ - 0.1, maxZ + 0.2, w, h, 20);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(img);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    grid(g, v, w, h, "y forward", "z up");
    if (s.getCameraHeightM() != null) {
      g.setColor(new Color(0x8b5a2b));
      g.setStroke(new BasicStroke(3f));
      g.draw(new Line2D.Double(0, v.py(0), w, v.py(0)));
      g.drawString("support plane", w - 110, (float) v.py(0) - 4);
    }
    Intrinsics k = s.getIntrinsics();
    if (k != null && k.getFy() > 0 && s.getCanonicalized()) {
      double reach = (maxY + 0.3) * 1.05;
      double[] up = up(s);
      // camera pitch: the angle of the optical axis above the horizontal
      double pitch = up == null ? 0 : Math.asin(Math.max(-1, Math.min(1, up[2])));
      double top = pitch + Math.atan2(k.getCy(), k.getFy());
      double bottom = pitch - Math.atan2(s.getImageHeight() - k.getCy(), k.getFy());
      Path2D fov = new Path2D.Double();
      fov.moveTo(v.px(0), v.py(camZ));
      fov.lineTo(v.px(reach), v.py(camZ + reach * Math.tan(top)));
      fov.lineTo(v.px(reach), v.py(camZ + reach * Math.tan(bottom)));
      fov.closePath();
      g.setColor(new Color(255, 230, 150, 90));
      g.fill(fov);
      g.setColor(new Color(0xc89600));
      g.setStroke(new BasicStroke(1f));
      g.draw(fov);
    }
    camera(g, v.px(0), v.py(camZ), Math.PI / 2);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    List<SceneObject> objs = s.getObjects();
    for (int i = 0; i < objs.size(); i++) {
      List<Double> c = objs.get(i).getCenter();
      List<Double> e = objs.get(i).getExtent();
      double y0 = v.px(c.get(1) - e.get(1) / 2);
      double y1 = v.px(c.get(1) + e.get(1) / 2);
      double z1 = v.py(c.get(2) + e.get(2) / 2);
      double z0 = v.py(c.get(2) - e.get(2) / 2);
      Color col = color(i);
      g.setColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 50));
      g.fill(new java.awt.geom.Rectangle2D.Double(y0, z1, y1 - y0, z0 - z1));
      g.setColor(col);
      g.setStroke(new BasicStroke(2f));
      g.draw(new java.awt.geom.Rectangle2D.Double(y0, z1, y1 - y0, z0 - z1));
      g.drawString(Integer.toString(i + 1), (float) (y0 + y1) / 2 - 4, (float) z1 + 14);
    }
    g.setColor(Color.BLACK);
    g.drawString(
        s.getCanonicalized()
            ? "side view (gravity-aligned; camera on the left, looking right)"
            : "side view (NOT canonicalized: gravity unknown, camera frame)",
        30,
        30);
    g.dispose();
    return img;
  }

  /** A small camera glyph at (x, y) looking along angle {@code look} (0 = up the page). */
  private static void camera(Graphics2D g, double x, double y, double look) {
    Graphics2D c = (Graphics2D) g.create();
    c.translate(x, y);
    c.rotate(look);
    c.setColor(Color.BLACK);
    c.fill(new java.awt.geom.Rectangle2D.Double(-8, -2, 16, 10));
    Path2D lens = new Path2D.Double();
    lens.moveTo(-5, -2);
    lens.lineTo(5, -2);
    lens.lineTo(8, -9);
    lens.lineTo(-8, -9);
    lens.closePath();
    c.fill(lens);
    c.dispose();
    g.setColor(Color.BLACK);
    g.drawString("camera", (float) x + 10, (float) y + 14);
  }
}
