package dev.spatialvqa.core.testing;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Real images generated for tests and benchmarks (no files from outside the repository). */
public final class TestImages {
  private TestImages() {}

  /** A photo-like RGB image: smooth gradients plus seeded noise, so JPEG sizes are realistic. */
  public static BufferedImage photo(int w, int h, long seed) {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random rnd = new Random(seed);
    double fx = 2 + rnd.nextInt(6);
    double fy = 2 + rnd.nextInt(6);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double u = (double) x / w;
        double v = (double) y / h;
        int r = clamp(128 + 100 * Math.sin(fx * u * Math.PI) + rnd.nextGaussian() * 12);
        int g = clamp(128 + 100 * Math.cos(fy * v * Math.PI) + rnd.nextGaussian() * 12);
        int b = clamp(255 * (u + v) / 2 + rnd.nextGaussian() * 12);
        im.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return im;
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  public static byte[] jpeg(int w, int h, long seed) {
    return encode(photo(w, h, seed), "jpeg");
  }

  public static byte[] png(int w, int h, long seed) {
    return encode(photo(w, h, seed), "png");
  }

  public static byte[] encode(BufferedImage im, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(im, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A real WebP (lossy, 96x64) made with cwebp and kept in the test resources. */
  public static byte[] webp() {
    return resource("/fetch/sample-96x64.webp");
  }

  /** A real lossless WebP (96x64). */
  public static byte[] webpLossless() {
    return resource("/fetch/sample-96x64-lossless.webp");
  }

  private static byte[] resource(String name) {
    try (InputStream in = TestImages.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A JPEG with an EXIF APP1 segment (little-endian TIFF) holding the orientation and, in the EXIF
   * sub-IFD, FocalLengthIn35mmFilm.
   */
  public static byte[] jpegWithExif(int w, int h, int orientation, int focal35) {
    byte[] jpeg = jpeg(w, h, 7);
    ByteBuffer t = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    t.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    // IFD0 at 8: 2 entries
    t.putShort((short) 2);
    t.putShort((short) 274)
        .putShort((short) 3)
        .putInt(1)
        .putShort((short) orientation)
        .putShort((short) 0);
    t.putShort((short) 34665).putShort((short) 4).putInt(1).putInt(38); // EXIF IFD offset
    t.putInt(0); // next IFD
    // EXIF IFD at 38: 1 entry
    t.putShort((short) 1);
    t.putShort((short) 41989)
        .putShort((short) 3)
        .putInt(1)
        .putShort((short) focal35)
        .putShort((short) 0);
    t.putInt(0);
    byte[] tiff = new byte[t.position()];
    t.flip();
    t.get(tiff);
    ByteArrayOutputStream app1 = new ByteArrayOutputStream();
    app1.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    app1.writeBytes(tiff);
    byte[] payload = app1.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xff);
    out.write(0xd8);
    out.write(0xff);
    out.write(0xe1);
    int len = payload.length + 2;
    out.write(len >> 8);
    out.write(len & 0xff);
    out.writeBytes(payload);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  /**
   * A four-channel (CMYK, Adobe) JPEG written from a raster by the JDK's writer: the JDK's own
   * reader refuses it, TwelveMonkeys' reader decodes it.
   */
  public static byte[] cmykJpeg(int w, int h) {
    try {
      WritableRaster r =
          Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          r.setPixel(x, y, new int[] {x * 255 / w, y * 255 / h, 40, 10});
        }
      }
      Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg");
      ImageWriter jdk = null;
      while (it.hasNext()) {
        ImageWriter wr = it.next();
        if (wr.getClass().getName().startsWith("com.sun.imageio")) {
          jdk = wr;
        }
      }
      if (jdk == null) {
        throw new IllegalStateException("no JDK JPEG writer");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
        jdk.setOutput(ios);
        ImageWriteParam p = jdk.getDefaultWriteParam();
        jdk.write(null, new IIOImage(r, null, null), p);
      }
      jdk.dispose();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A valid 1-bit greyscale PNG of {@code side x side} pixels whose data is all zeros: a few tens
   * of kilobytes that would inflate into a huge raster (a decompression bomb).
   */
  public static byte[] pngBomb(int side) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
      ByteBuffer ihdr = ByteBuffer.allocate(13);
      ihdr.putInt(side)
          .putInt(side)
          .put((byte) 1)
          .put((byte) 0)
          .put((byte) 0)
          .put((byte) 0)
          .put((byte) 0);
      chunk(out, "IHDR", ihdr.array());
      ByteArrayOutputStream z = new ByteArrayOutputStream();
      try (DeflaterOutputStream d = new DeflaterOutputStream(z)) {
        byte[] row = new byte[1 + (side + 7) / 8];
        for (int y = 0; y < side; y++) {
          d.write(row);
        }
      }
      chunk(out, "IDAT", z.toByteArray());
      chunk(out, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data)
      throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(data.length);
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }

  /** The first half of a JPEG: a truncated download. */
  public static byte[] truncated(byte[] image) {
    return java.util.Arrays.copyOf(image, image.length / 2);
  }

  /** A PNG whose image data is overwritten with garbage after the header. */
  public static byte[] corruptPng() {
    byte[] png = png(64, 48, 3);
    byte[] out = png.clone();
    Random r = new Random(5);
    for (int i = 60; i < out.length - 20; i++) {
      out[i] = (byte) r.nextInt(256);
    }
    return out;
  }
}
