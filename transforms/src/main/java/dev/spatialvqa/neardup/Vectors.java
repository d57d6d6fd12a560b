package dev.spatialvqa.neardup;

/** Small vector helpers for unit-length embeddings. */
public final class Vectors {
  private Vectors() {}

  /** Dot product; the cosine similarity when both vectors are unit length. */
  public static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "dimension mismatch: " + a.length + " vs " + b.length);
    }
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

  /** A unit-length copy of {@code v} (a zero vector stays zero). */
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
}
