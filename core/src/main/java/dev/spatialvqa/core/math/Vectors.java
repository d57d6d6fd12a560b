package dev.spatialvqa.core.math;

/**
 * The project's one vector-maths class: dot products, cosines and normalisation of float
 * embeddings. Two accumulation modes are kept because results depend on them: {@link #dot} (four
 * float accumulators, fast; used where many unit embeddings are compared, as in dedupe and LSH) and
 * {@link #exactDot} (double accumulation; used by the scene filter and referring expressions).
 */
public final class Vectors {
  private Vectors() {}

  /**
   * Dot product; the cosine similarity when both vectors are unit length. Four float accumulators
   * (independent chains the CPU overlaps); for unit vectors of a few hundred dimensions the error
   * is ~1e-6, far below any similarity threshold's resolution.
   */
  public static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
    }
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int n = a.length;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) {
      s0 += a[i] * b[i];
    }
    return (double) s0 + s1 + s2 + s3;
  }

  /** Dot product accumulated in double precision, over the first {@code a.length} entries. */
  public static double exactDot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  /** Cosine similarity of any two non-zero vectors (0 when either is zero). */
  public static double cosine(float[] a, float[] b) {
    double na = Math.sqrt(dot(a, a));
    double nb = Math.sqrt(dot(b, b));
    if (na == 0 || nb == 0) {
      return 0;
    }
    return dot(a, b) / (na * nb);
  }

  /** A unit-length copy of {@code v} (a zero vector stays zero); norm from {@link #dot}. */
  public static float[] normalized(float[] v) {
    double n = Math.sqrt(dot(v, v));
    float[] out = new float[v.length];
    if (n == 0) {
      return out;
    }
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / n);
    }
    return out;
  }

  /** A unit-length copy of {@code v} (a zero vector stays zero); norm from {@link #exactDot}. */
  public static float[] normalizedExact(float[] v) {
    double n = Math.sqrt(exactDot(v, v));
    float[] out = new float[v.length];
    if (n > 0) {
      for (int i = 0; i < v.length; i++) {
        out[i] = (float) (v[i] / n);
      }
    }
    return out;
  }

  /** Splits a row-major {@code n x d} array into {@code n} rows. */
  public static float[][] rows(float[] flat, int n, int d) {
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      float[] r = new float[d];
      System.arraycopy(flat, i * d, r, 0, d);
      out[i] = r;
    }
    return out;
  }
}
