package dev.spatialvqa.core.dedupe;

import dev.spatialvqa.core.image.Resample;
import dev.spatialvqa.core.image.RgbImage;

/**
 * A 64-bit DCT perceptual hash (pHash) of an image, for near-duplicate detection of re-encoded,
 * resized, lightly cropped or re-watermarked copies.
 *
 * <p>Steps (the classic pHash of Zauner 2010, as in the Python {@code imagehash} package, with the
 * constant DC term left out): luminance (ITU-R BT.601 weights) of the image with its EXIF
 * orientation applied; resized to {@value #SIZE} x {@value #SIZE} with an antialiasing triangle
 * filter whose support scales with the reduction (an area average, so the hash does not depend on
 * the input resolution); a 2D DCT-II; the 64 lowest-frequency coefficients without the DC term, in
 * zig-zag order (diagonals {@code u + v = 1..10}, the last coefficient of the tenth left out); bit
 * {@code i} is 1 when coefficient {@code i} is above their median. Two hashes are compared by
 * Hamming distance ({@link #distance}); {@link #similarity} is {@code 1 - distance / 64}.
 *
 * <p>Why this and not a library: the one Java library on Maven Central (JImageHash) has a single
 * release and no maintenance since, and its hashes change between its versions (see the README's
 * dependency table); this algorithm is 60 lines, fixed, and tested on planted copies of real scenes
 * ({@code PerceptualHashTest}).
 */
public final class PerceptualHash {
  /** Side of the downscaled luminance image the DCT runs on. */
  public static final int SIZE = 32;

  /** Bits of a hash. */
  public static final int BITS = 64;

  private static final int[][] ZIGZAG = zigzag();
  private static final double[][] COS = cosTable();

  private PerceptualHash() {}

  /** The hash of a decoded image (orientation already applied). */
  public static long of(RgbImage img) {
    int w = img.width();
    int h = img.height();
    float[] lum = new float[w * h];
    int[] rgb = img.rgb();
    for (int i = 0; i < lum.length; i++) {
      int p = rgb[i];
      lum[i] = 0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF);
    }
    float[] small = Resample.resize(lum, w, h, SIZE, SIZE, Resample.Filter.BILINEAR, false);
    return ofLuminance(small);
  }

  /** The hash of a {@value #SIZE} x {@value #SIZE} luminance plane, row-major. */
  static long ofLuminance(float[] small) {
    if (small.length != SIZE * SIZE) {
      throw new IllegalArgumentException("need " + SIZE * SIZE + " samples, got " + small.length);
    }
    // separable DCT-II: rows then columns, only the low frequencies needed (u, v <= 10)
    int f = 11;
    double[][] rows = new double[SIZE][f];
    for (int y = 0; y < SIZE; y++) {
      for (int u = 0; u < f; u++) {
        double s = 0;
        for (int x = 0; x < SIZE; x++) {
          s += small[y * SIZE + x] * COS[u][x];
        }
        rows[y][u] = s;
      }
    }
    double[] coef = new double[BITS];
    for (int i = 0; i < BITS; i++) {
      int u = ZIGZAG[i][0];
      int v = ZIGZAG[i][1];
      double s = 0;
      for (int y = 0; y < SIZE; y++) {
        s += rows[y][u] * COS[v][y];
      }
      coef[i] = s;
    }
    double[] sorted = coef.clone();
    java.util.Arrays.sort(sorted);
    double median = (sorted[BITS / 2 - 1] + sorted[BITS / 2]) / 2;
    long bits = 0;
    for (int i = 0; i < BITS; i++) {
      if (coef[i] > median) {
        bits |= 1L << i;
      }
    }
    return bits;
  }

  /** Hamming distance of two hashes (0..64). */
  public static int distance(long a, long b) {
    return Long.bitCount(a ^ b);
  }

  /** {@code 1 - distance / 64}: 1 for equal hashes, about 0.5 for unrelated images. */
  public static double similarity(long a, long b) {
    return 1.0 - distance(a, b) / (double) BITS;
  }

  /**
   * The hash as a unit vector of 64 components {@code +-1/8}: the cosine of two such vectors is
   * {@code 1 - 2 * distance / 64}, so the cosine-LSH of {@code DedupeEmbeddings} applies.
   */
  public static float[] asVector(long hash) {
    float[] v = new float[BITS];
    for (int i = 0; i < BITS; i++) {
      v[i] = ((hash >>> i) & 1L) != 0 ? 0.125f : -0.125f;
    }
    return v;
  }

  /** The cosine of two hash vectors at Hamming distance {@code d}. */
  public static double cosineAtDistance(int d) {
    return 1.0 - 2.0 * d / BITS;
  }

  private static int[][] zigzag() {
    int[][] z = new int[BITS][];
    int n = 0;
    for (int s = 1; n < BITS; s++) {
      for (int u = 0; u <= s && n < BITS; u++) {
        z[n++] = new int[] {u, s - u};
      }
    }
    return z;
  }

  private static double[][] cosTable() {
    double[][] c = new double[11][SIZE];
    for (int u = 0; u < 11; u++) {
      for (int x = 0; x < SIZE; x++) {
        c[u][x] = Math.cos(Math.PI * (2 * x + 1) * u / (2.0 * SIZE));
      }
    }
    return c;
  }
}
