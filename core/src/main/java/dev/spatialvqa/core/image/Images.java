package dev.spatialvqa.core.image;

import dev.spatialvqa.core.load.InputException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.imageio.ImageIO;

/** Decoding helpers over ImageIO (TwelveMonkeys plugins register through the service loader). */
public final class Images {
  private Images() {}

  /** Decodes an image or throws {@code reason} naming {@code what}. */
  public static BufferedImage decode(byte[] bytes, String what, String reason)
      throws InputException {
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(bytes));
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

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
