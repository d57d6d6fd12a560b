package dev.spatialvqa.core.ingest;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import dev.spatialvqa.core.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Verifies that encoded bytes are a decodable image of an accepted format, safely.
 *
 * <p>Order of checks: magic bytes ({@code not_an_image}); the dimensions from the header, before
 * any pixel is decoded, against the pixel cap ({@code pixel_bomb}: a small file that would inflate
 * into gigabytes never reaches the decoder); a full decode through ImageIO with the TwelveMonkeys
 * plugins (CMYK/YCCK JPEG, WebP), where any exception or decoder warning, such as a premature end
 * of a truncated JPEG, is {@code undecodable}. EXIF (JPEG APP1, WebP {@code EXIF} chunk, PNG {@code
 * eXIf} chunk) is read with TwelveMonkeys' TIFF reader for the orientation and
 * FocalLengthIn35mmFilm; orientations 5-8 swap the reported width and height. A broken EXIF block
 * does not reject an image (orientation 1 is assumed).
 *
 * <p>Thread-safe: holds only the cap. Pure Java (no Beam).
 */
public final class ImageProbe {
  static final int TAG_FOCAL_LENGTH_35MM = 41989;

  static {
    ImageIO.setUseCache(false);
    // plugin discovery through the context class loader (runners load user code in their own)
    ImageIO.scanForPlugins();
  }

  private final long maxPixels;

  public ImageProbe(long maxPixels) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be > 0, got " + maxPixels);
    }
    this.maxPixels = maxPixels;
  }

  public long maxPixels() {
    return maxPixels;
  }

  /** Checks and measures one encoded image. */
  public ProbeResult probe(byte[] bytes) throws FetchException {
    if (bytes == null || bytes.length == 0) {
      throw new FetchException(FetchException.EMPTY_BODY, "no bytes");
    }
    ImageFormat format = ImageFormat.sniff(bytes);
    if (format == null) {
      throw new FetchException(
          FetchException.NOT_AN_IMAGE,
          "bytes are not JPEG, PNG, WebP, GIF or BMP (" + head(bytes) + ")");
    }
    int[] size = new int[2];
    try {
      List<String> warnings = new ArrayList<>();
      BufferedImage img =
          ImageDecoder.decode(
              bytes,
              (hw, hh) -> {
                if (hw <= 0 || hh <= 0) {
                  throw new FetchException(
                      FetchException.UNDECODABLE, "header gives size " + hw + "x" + hh);
                }
                if ((long) hw * hh > maxPixels) {
                  throw new FetchException(
                      FetchException.PIXEL_BOMB,
                      "header gives "
                          + hw
                          + "x"
                          + hh
                          + " = "
                          + ((long) hw * hh)
                          + " pixels, cap "
                          + maxPixels);
                }
                size[0] = hw;
                size[1] = hh;
              },
              warnings);
      if (img == null) {
        throw new FetchException(
            FetchException.UNDECODABLE, "no ImageIO reader for " + format.id());
      }
      if (!warnings.isEmpty()) {
        throw new FetchException(FetchException.UNDECODABLE, "decoder warning: " + warnings.get(0));
      }
    } catch (FetchException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new FetchException(
          FetchException.UNDECODABLE, format.id() + " does not decode: " + e, e);
    }
    int w = size[0];
    int h = size[1];
    int orientation = 1;
    Double focal = null;
    Directory exif = exif(format, bytes);
    if (exif != null) {
      Integer o = intValue(exif.getEntryById(TIFF.TAG_ORIENTATION));
      if (o != null && o >= 1 && o <= 8) {
        orientation = o;
      }
      Entry sub = exif.getEntryById(TIFF.TAG_EXIF_IFD);
      if (sub != null && sub.getValue() instanceof Directory) {
        Integer f = intValue(((Directory) sub.getValue()).getEntryById(TAG_FOCAL_LENGTH_35MM));
        if (f != null && f > 0) {
          focal = f.doubleValue();
        }
      }
    }
    boolean swap = orientation >= 5;
    return new ProbeResult(format, swap ? h : w, swap ? w : h, orientation, focal);
  }

  private static Integer intValue(Entry e) {
    if (e == null) {
      return null;
    }
    Object v = e.getValue();
    if (v instanceof Number) {
      return ((Number) v).intValue();
    }
    if (v instanceof int[] && ((int[]) v).length > 0) {
      return ((int[]) v)[0];
    }
    if (v instanceof short[] && ((short[]) v).length > 0) {
      return ((short[]) v)[0] & 0xffff;
    }
    return null;
  }

  /** The EXIF TIFF directory (IFD0, with the EXIF sub-IFD as a nested directory), or null. */
  static Directory exif(ImageFormat format, byte[] bytes) {
    try {
      byte[] tiff = null;
      if (format == ImageFormat.JPEG) {
        List<JPEGSegment> segs =
            JPEGSegmentUtil.readSegments(new ByteArrayImageInputStream(bytes), JPEG.APP1, "Exif");
        if (!segs.isEmpty()) {
          try (InputStream d = segs.get(0).data()) {
            tiff = d.readAllBytes();
          }
        }
      } else if (format == ImageFormat.WEBP) {
        tiff = riffChunk(bytes, "EXIF");
      } else if (format == ImageFormat.PNG) {
        tiff = pngChunk(bytes, "eXIf");
      }
      if (tiff == null) {
        return null;
      }
      int start = tiffStart(tiff);
      if (start < 0) {
        return null;
      }
      return new TIFFReader().read(new ByteArrayImageInputStream(tiff, start, tiff.length - start));
    } catch (IOException | RuntimeException e) {
      return null; // broken EXIF never rejects a decodable image
    }
  }

  /** Offset of the TIFF header ("II*\0" or "MM\0*") within the first bytes (after "Exif\0\0"). */
  private static int tiffStart(byte[] b) {
    for (int i = 0; i + 4 <= b.length && i <= 8; i++) {
      if ((b[i] == 'I' && b[i + 1] == 'I' && b[i + 2] == 42 && b[i + 3] == 0)
          || (b[i] == 'M' && b[i + 1] == 'M' && b[i + 2] == 0 && b[i + 3] == 42)) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] riffChunk(byte[] b, String fourcc) {
    int p = 12;
    while (p + 8 <= b.length) {
      String id = new String(b, p, 4, java.nio.charset.StandardCharsets.US_ASCII);
      long size =
          (b[p + 4] & 0xffL)
              | (b[p + 5] & 0xffL) << 8
              | (b[p + 6] & 0xffL) << 16
              | (b[p + 7] & 0xffL) << 24;
      if (p + 8 + size > b.length) {
        return null;
      }
      if (id.equals(fourcc)) {
        return java.util.Arrays.copyOfRange(b, p + 8, (int) (p + 8 + size));
      }
      p += 8 + (int) size + (int) (size & 1);
    }
    return null;
  }

  private static byte[] pngChunk(byte[] b, String type) {
    int p = 8;
    while (p + 12 <= b.length) {
      long len =
          (b[p] & 0xffL) << 24
              | (b[p + 1] & 0xffL) << 16
              | (b[p + 2] & 0xffL) << 8
              | (b[p + 3] & 0xffL);
      String t = new String(b, p + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
      if (p + 12 + len > b.length) {
        return null;
      }
      if (t.equals(type)) {
        return java.util.Arrays.copyOfRange(b, p + 8, (int) (p + 8 + len));
      }
      if (t.equals("IDAT")) {
        return null; // eXIf must precede the image data
      }
      p += 12 + (int) len;
    }
    return null;
  }

  /**
   * What the first bytes look like, without quoting them: a dead letter must never echo input bytes
   * (a misplaced {@code /etc/passwd} or a private document).
   */
  private static String head(byte[] b) {
    int n = Math.min(512, b.length);
    if (n == 0) {
      return "no bytes";
    }
    int text = 0;
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xff;
      if (c == 9 || c == 10 || c == 13 || (c >= 32 && c < 127) || c >= 0xc2) {
        text++;
      }
    }
    if (b[0] == '<') {
      return "looks like HTML or XML";
    }
    if (b[0] == '{' || b[0] == '[') {
      return "looks like JSON";
    }
    return text == n ? "looks like text" : "unknown binary data";
  }
}
