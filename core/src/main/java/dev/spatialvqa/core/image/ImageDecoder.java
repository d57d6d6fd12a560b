package dev.spatialvqa.core.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The engine's one image decode path: ImageIO readers (TwelveMonkeys plugins for WebP and CMYK JPEG
 * register through the service loader) over an in-memory stream (no ImageIO cache files). The
 * fetcher's probe, manifest scene loading ({@link Images}) and model inputs ({@link RgbImage}) all
 * decode here; callers map failures to their own reasons.
 */
public final class ImageDecoder {
  private ImageDecoder() {}

  /** Checks the header's size before any pixel is decoded (e.g. a decompression-bomb cap). */
  @FunctionalInterface
  public interface HeaderCheck<E extends Exception> {
    void check(int width, int height) throws E;
  }

  /** Decodes {@code bytes}; null when no ImageIO reader recognises them. */
  public static BufferedImage decode(byte[] bytes) throws IOException {
    return decode(bytes, (w, h) -> {}, null);
  }

  /**
   * Decodes {@code bytes} with the first ImageIO reader that recognises them, after {@code check}
   * has accepted the header's size; decoder warnings are added to {@code warnings} when it is not
   * null. Returns null when no reader recognises the bytes.
   */
  public static <E extends Exception> BufferedImage decode(
      byte[] bytes, HeaderCheck<E> check, List<String> warnings) throws IOException, E {
    ImageInputStream in = new ByteArrayImageInputStream(bytes);
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      return null;
    }
    ImageReader reader = readers.next();
    try {
      reader.setInput(in, true, true);
      check.check(reader.getWidth(0), reader.getHeight(0));
      if (warnings != null) {
        reader.addIIOReadWarningListener((r, msg) -> warnings.add(msg));
      }
      return reader.read(0);
    } finally {
      reader.dispose();
    }
  }
}
