package dev.spatialvqa.geometry;

/** Packed bit masks: row-major, one bit per pixel, LSB first within each byte. */
public final class MaskBits {
  private MaskBits() {}

  public static byte[] allocate(int width, int height) {
    return new byte[(width * height + 7) / 8];
  }

  public static boolean get(byte[] mask, int index) {
    return (mask[index >>> 3] & (1 << (index & 7))) != 0;
  }

  public static void set(byte[] mask, int index) {
    mask[index >>> 3] |= (byte) (1 << (index & 7));
  }

  public static int count(byte[] mask) {
    int n = 0;
    for (byte b : mask) {
      n += Integer.bitCount(b & 0xff);
    }
    return n;
  }
}
