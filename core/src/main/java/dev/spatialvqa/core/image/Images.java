package dev.spatialvqa.core.image;

import dev.spatialvqa.core.load.InputException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;

/** Decoding helpers for manifest files, over the one decode path ({@link ImageDecoder}). */
public final class Images {
  private Images() {}

  /** Decodes an image or throws {@code reason} naming {@code what}. */
  public static BufferedImage decode(byte[] bytes, String what, String reason)
      throws InputException {
    BufferedImage img;
    try {
      img = ImageDecoder.decode(bytes);
    } catch (IOException | RuntimeException e) {
      throw new InputException(reason, what + " could not be decoded: " + e.getMessage(), e);
    }
    if (img == null) {
      throw new InputException(reason, what + " is not in a readable image format");
    }
    return img;
  }

  /** The first band of a decoded single-channel image as integers (8- or 16-bit samples). */
  public static int[] samples(BufferedImage img) {
    Raster r = img.getRaster();
    return r.getSamples(0, 0, img.getWidth(), img.getHeight(), 0, (int[]) null);
  }
}
