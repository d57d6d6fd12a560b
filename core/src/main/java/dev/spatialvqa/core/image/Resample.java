package dev.spatialvqa.core.image;

/**
 * Separable resampling as Pillow does it ({@code Image.resize}), which is what the Hugging Face
 * image processors of CLIP, OWLv2 and Depth Anything call: each output pixel centre maps to {@code
 * (i + 0.5) * in/out}; when shrinking, the filter is stretched by the scale (antialiasing); weights
 * are normalised per output pixel. Bicubic uses Pillow's {@code a = -0.5}.
 */
public final class Resample {
  public enum Filter {
    BILINEAR(1.0),
    BICUBIC(2.0);

    final double support;

    Filter(double support) {
      this.support = support;
    }

    double weight(double x) {
      x = Math.abs(x);
      if (this == BILINEAR) {
        return x < 1 ? 1 - x : 0;
      }
      double a = -0.5;
      if (x < 1) {
        return ((a + 2) * x - (a + 3)) * x * x + 1;
      }
      if (x < 2) {
        return (((x - 5) * x + 8) * x - 4) * a;
      }
      return 0;
    }
  }

  private Resample() {}

  /**
   * Resizes one plane.
   *
   * @param clamp255 when true, round and clamp each pass to 0..255 as Pillow does for 8-bit images
   */
  public static float[] resize(
      float[] src, int w, int h, int ow, int oh, Filter filter, boolean clamp255) {
    float[] tmp = w == ow ? src : horizontal(src, w, h, ow, filter, clamp255);
    return h == oh ? tmp : vertical(tmp, ow, h, oh, filter, clamp255);
  }

  /** Resizes each plane of {@code planes}. */
  public static float[][] resize(
      float[][] planes, int w, int h, int ow, int oh, Filter filter, boolean clamp255) {
    float[][] out = new float[planes.length][];
    for (int c = 0; c < planes.length; c++) {
      out[c] = resize(planes[c], w, h, ow, oh, filter, clamp255);
    }
    return out;
  }

  private record Coeffs(int[] start, int[] len, double[][] w) {}

  private static Coeffs coeffs(int in, int out, Filter f) {
    double scale = (double) in / out;
    double fscale = Math.max(scale, 1.0);
    double support = f.support * fscale;
    int[] start = new int[out];
    int[] len = new int[out];
    double[][] w = new double[out][];
    for (int i = 0; i < out; i++) {
      double center = (i + 0.5) * scale;
      int xmin = (int) Math.max(0, Math.floor(center - support + 0.5));
      int xmax = (int) Math.min(in, Math.floor(center + support + 0.5));
      double[] k = new double[Math.max(0, xmax - xmin)];
      double sum = 0;
      for (int x = 0; x < k.length; x++) {
        k[x] = f.weight((x + xmin - center + 0.5) / fscale);
        sum += k[x];
      }
      if (sum != 0) {
        for (int x = 0; x < k.length; x++) {
          k[x] /= sum;
        }
      }
      start[i] = xmin;
      len[i] = k.length;
      w[i] = k;
    }
    return new Coeffs(start, len, w);
  }

  private static float finish(double v, boolean clamp255) {
    if (!clamp255) {
      return (float) v;
    }
    double r = Math.floor(v + 0.5);
    return (float) (r < 0 ? 0 : Math.min(r, 255));
  }

  private static float[] horizontal(float[] src, int w, int h, int ow, Filter f, boolean clamp) {
    Coeffs c = coeffs(w, ow, f);
    float[] out = new float[ow * h];
    for (int y = 0; y < h; y++) {
      int row = y * w;
      for (int x = 0; x < ow; x++) {
        double s = 0;
        double[] k = c.w[x];
        int st = c.start[x];
        for (int j = 0; j < c.len[x]; j++) {
          s += k[j] * src[row + st + j];
        }
        out[y * ow + x] = finish(s, clamp);
      }
    }
    return out;
  }

  private static float[] vertical(float[] src, int w, int h, int oh, Filter f, boolean clamp) {
    Coeffs c = coeffs(h, oh, f);
    float[] out = new float[w * oh];
    for (int y = 0; y < oh; y++) {
      double[] k = c.w[y];
      int st = c.start[y];
      for (int x = 0; x < w; x++) {
        double s = 0;
        for (int j = 0; j < c.len[y]; j++) {
          s += k[j] * src[(st + j) * w + x];
        }
        out[y * w + x] = finish(s, clamp);
      }
    }
    return out;
  }
}
