package dev.spatialvqa.core.dedupe;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The copies a re-crawl produces (re-encoded, resized, lightly cropped, watermarked), and distinct
 * synthetic images: what the dedupe tests and {@code bench dedupe} plant. Pure Java2D / ImageIO.
 */
public final class ImageVariants {
  private ImageVariants() {}

  /** JPEG bytes of {@code img} at {@code quality} in (0, 1]. */
  public static byte[] jpeg(BufferedImage img, float quality) {
    BufferedImage rgb = toRgb(img);
    Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter w = null;
    while (it.hasNext()) {
      ImageWriter c = it.next();
      // the JDK's writer: its quality setting is the standard IJG scale
      if (c.getClass().getName().startsWith("com.sun.")) {
        w = c;
        break;
      }
      if (w == null) {
        w = c;
      }
    }
    if (w == null) {
      throw new IllegalStateException("no JPEG writer");
    }
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bos)) {
      w.setOutput(out);
      ImageWriteParam p = w.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality);
      w.write(null, new IIOImage(rgb, null, null), p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      w.dispose();
    }
    return bos.toByteArray();
  }

  /** PNG bytes (lossless). */
  public static byte[] png(BufferedImage img) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", bos);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  /** {@code img} scaled by {@code factor} (bilinear). */
  public static BufferedImage resize(BufferedImage img, double factor) {
    int w = Math.max(1, (int) Math.round(img.getWidth() * factor));
    int h = Math.max(1, (int) Math.round(img.getHeight() * factor));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(img, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  /** {@code img} with {@code fraction} of its width and height cut, split between the sides. */
  public static BufferedImage crop(BufferedImage img, double fraction, double leftShare) {
    int cw = (int) Math.round(img.getWidth() * fraction);
    int ch = (int) Math.round(img.getHeight() * fraction);
    int x = (int) Math.round(cw * leftShare);
    int y = (int) Math.round(ch * leftShare);
    return toRgb(img.getSubimage(x, y, img.getWidth() - cw, img.getHeight() - ch));
  }

  /** {@code img} with a semi-transparent text watermark in its lower right corner. */
  public static BufferedImage watermark(BufferedImage img, String text) {
    BufferedImage out = toRgb(img);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    int size = Math.max(10, out.getHeight() / 16);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
    g.setColor(new Color(255, 255, 255, 150));
    int tw = g.getFontMetrics().stringWidth(text);
    g.drawString(text, Math.max(0, out.getWidth() - tw - size / 2), out.getHeight() - size / 2);
    g.dispose();
    return out;
  }

  /**
   * A distinct synthetic "scene" from {@code seed}: a vertical wall/floor split at a random height
   * with random colours and gradient, and 3 to 8 random boxes and ellipses (furniture-like blobs).
   * Different seeds give images whose layouts differ, as distinct photographs do.
   */
  public static BufferedImage synthetic(long seed, int width, int height) {
    SplittableRandom r = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    int horizon = (int) (height * (0.3 + 0.4 * r.nextDouble()));
    g.setPaint(
        new java.awt.GradientPaint(
            0, 0, randomColor(r), width * (float) r.nextDouble(), horizon, randomColor(r)));
    g.fillRect(0, 0, width, horizon);
    g.setPaint(
        new java.awt.GradientPaint(
            0, horizon, randomColor(r), width, height * (float) r.nextDouble(), randomColor(r)));
    g.fillRect(0, horizon, width, height - horizon);
    int n = 3 + r.nextInt(6);
    for (int i = 0; i < n; i++) {
      g.setColor(randomColor(r));
      int w = (int) (width * (0.1 + 0.35 * r.nextDouble()));
      int h = (int) (height * (0.1 + 0.35 * r.nextDouble()));
      int x = r.nextInt(Math.max(1, width - w));
      int y = r.nextInt(Math.max(1, height - h));
      if (r.nextBoolean()) {
        g.fillRect(x, y, w, h);
      } else {
        g.fillOval(x, y, w, h);
      }
    }
    // sensor noise, so that the image is not piecewise flat
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = img.getRGB(x, y);
        int d = r.nextInt(9) - 4;
        int rr = clamp(((p >> 16) & 0xFF) + d);
        int gg = clamp(((p >> 8) & 0xFF) + d);
        int bb = clamp((p & 0xFF) + d);
        img.setRGB(x, y, (rr << 16) | (gg << 8) | bb);
      }
    }
    g.dispose();
    return img;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  private static Color randomColor(SplittableRandom r) {
    return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  private static BufferedImage toRgb(BufferedImage img) {
    if (img.getType() == BufferedImage.TYPE_INT_RGB) {
      BufferedImage copy = new BufferedImage(img.getWidth(), img.getHeight(), img.getType());
      copy.getGraphics().drawImage(img, 0, 0, null);
      return copy;
    }
    BufferedImage out =
        new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(img, 0, 0, null);
    g.dispose();
    return out;
  }
}
