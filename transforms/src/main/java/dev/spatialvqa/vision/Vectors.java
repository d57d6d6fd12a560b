package dev.spatialvqa.vision;

/** Small vector helpers. */
public final class Vectors {
  private Vectors() {}

  /** Unit-length copy of {@code v} (a zero vector stays zero). */
  public static float[] l2Normalise(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    double n = Math.sqrt(s);
    float[] out = new float[v.length];
    if (n > 0) {
      for (int i = 0; i < v.length; i++) {
        out[i] = (float) (v[i] / n);
      }
    }
    return out;
  }

  public static float[][] rows(float[] flat, int n, int d) {
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      float[] r = new float[d];
      System.arraycopy(flat, i * d, r, 0, d);
      out[i] = r;
    }
    return out;
  }

  public static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
