package dev.spatialvqa.core.image;

import java.awt.image.BufferedImage;
import java.io.IOException;

/** A decoded 8-bit RGB image, row-major, packed {@code 0xRRGGBB}, EXIF orientation applied. */
public record RgbImage(int width, int height, int[] rgb) {
  public RgbImage {
    if (width <= 0 || height <= 0 || rgb.length != width * height) {
      throw new IllegalArgumentException(
          "image "
              + width
              + "x"
              + height
              + " needs "
              + ((long) width * height)
              + " pixels, got "
              + rgb.length);
    }
  }

  /**
   * Decodes through {@link ImageDecoder} (TwelveMonkeys plugins for WebP and CMYK JPEG) and applies
   * the EXIF orientation (1-8) so that width/height match the fetched image record.
   *
   * @throws IOException when no reader can decode the bytes
   */
  public static RgbImage decode(byte[] bytes, int exifOrientation) throws IOException {
    BufferedImage img = ImageDecoder.decode(bytes);
    if (img == null) {
      throw new IOException("no ImageIO reader could decode the image");
    }
    int w = img.getWidth();
    int h = img.getHeight();
    int[] px = img.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < px.length; i++) {
      px[i] &= 0xFFFFFF;
    }
    return orient(new RgbImage(w, h, px), exifOrientation);
  }

  public static RgbImage of(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    int[] px = img.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < px.length; i++) {
      px[i] &= 0xFFFFFF;
    }
    return new RgbImage(w, h, px);
  }

  /** Applies an EXIF orientation tag (1 = as stored; 2-8 mirror and/or rotate). */
  public static RgbImage orient(RgbImage src, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return src;
    }
    boolean swap = orientation >= 5;
    int w = src.width;
    int h = src.height;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    int[] out = new int[w * h];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> {
            sx = w - 1 - x;
            sy = y;
          }
          case 3 -> {
            sx = w - 1 - x;
            sy = h - 1 - y;
          }
          case 4 -> {
            sx = x;
            sy = h - 1 - y;
          }
          case 5 -> {
            sx = y;
            sy = x;
          }
          case 6 -> {
            sx = y;
            sy = h - 1 - x;
          }
          case 7 -> {
            sx = w - 1 - y;
            sy = h - 1 - x;
          }
          default -> {
            sx = w - 1 - y;
            sy = x;
          } // 8
        }
        out[y * ow + x] = src.rgb[sy * w + sx];
      }
    }
    return new RgbImage(ow, oh, out);
  }

  /** Planar float channels in [0, 255]: {@code [3][height*width]}. */
  public float[][] planes() {
    int n = width * height;
    float[][] p = new float[3][n];
    for (int i = 0; i < n; i++) {
      int v = rgb[i];
      p[0][i] = (v >> 16) & 0xFF;
      p[1][i] = (v >> 8) & 0xFF;
      p[2][i] = v & 0xFF;
    }
    return p;
  }
}
