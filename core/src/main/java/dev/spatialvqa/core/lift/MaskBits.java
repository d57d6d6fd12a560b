package dev.spatialvqa.core.lift;

/** Packed bit masks: row-major, one bit per pixel, LSB first within each byte. */
public final class MaskBits {
  /** Eight mask bytes as one long: byte j in bits 8j..8j+7, so bit order stays LSB first. */
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

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

  /** Calls {@code action} with the index of every set bit below {@code total}, in order. */
  public static void forEachSet(byte[] mask, int total, java.util.function.IntConsumer action) {
    for (int b = 0; b < mask.length; b++) {
      int bits = mask[b] & 0xff;
      while (bits != 0) {
        int idx = b * 8 + Integer.numberOfTrailingZeros(bits);
        bits &= bits - 1;
        if (idx >= total) {
          return;
        }
        action.accept(idx);
      }
    }
  }

  /** The lowest set bit in [from, to), or -1 when none is set. */
  public static int firstSet(byte[] mask, int from, int to) {
    int i = from;
    for (; i < to && (i & 7) != 0; i++) {
      if (get(mask, i)) {
        return i;
      }
    }
    for (; i + 64 <= to; i += 64) { // masks are mostly empty: skip 64 bits at a time
      long b = (long) LONGS.get(mask, i >>> 3);
      if (b != 0) {
        return i + Long.numberOfTrailingZeros(b);
      }
    }
    for (; i + 8 <= to; i += 8) {
      int b = mask[i >>> 3] & 0xff;
      if (b != 0) {
        return i + Integer.numberOfTrailingZeros(b);
      }
    }
    for (; i < to; i++) {
      if (get(mask, i)) {
        return i;
      }
    }
    return -1;
  }

  /** The highest set bit in [from, to), or -1 when none is set. */
  public static int lastSet(byte[] mask, int from, int to) {
    int i = to; // bits below i remain
    while (i > from && (i & 7) != 0) {
      i--;
      if (get(mask, i)) {
        return i;
      }
    }
    for (; i - 64 >= from; i -= 64) {
      long b = (long) LONGS.get(mask, (i - 64) >>> 3);
      if (b != 0) {
        return i - 64 + 63 - Long.numberOfLeadingZeros(b);
      }
    }
    for (; i - 8 >= from; i -= 8) {
      int b = mask[(i - 8) >>> 3] & 0xff;
      if (b != 0) {
        return i - 8 + 31 - Integer.numberOfLeadingZeros(b);
      }
    }
    while (i > from) {
      i--;
      if (get(mask, i)) {
        return i;
      }
    }
    return -1;
  }

  public static int count(byte[] mask) {
    int n = 0;
    int b = 0;
    for (; b + 8 <= mask.length; b += 8) {
      n += Long.bitCount((long) LONGS.get(mask, b));
    }
    for (; b < mask.length; b++) {
      n += Integer.bitCount(mask[b] & 0xff);
    }
    return n;
  }
}
