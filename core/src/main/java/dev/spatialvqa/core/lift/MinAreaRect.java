package dev.spatialvqa.core.lift;

/**
 * Minimum-area enclosing rectangle of 2D points: convex hull (Andrew's monotone chain), then
 * rotating calipers (the optimal rectangle has a side collinear with a hull edge, so each edge
 * direction is tried).
 */
public final class MinAreaRect {
  private MinAreaRect() {}

  /**
   * A rectangle: centre, full side lengths (length >= width) and the angle of the length side, CCW
   * from +x, in (-pi/2, pi/2].
   */
  public record Rect(double cx, double cy, double length, double width, double angleRad) {}

  /** Convex hull of xy (interleaved x, y), counter-clockwise, as interleaved coordinates. */
  public static double[] convexHull(double[] xy, int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    sortByXy(idx, xy);
    int[] hull = new int[2 * n + 1];
    int k = 0;
    for (int t = 0; t < n; t++) {
      int i = idx[t];
      while (k >= 2 && cross(xy, hull[k - 2], hull[k - 1], i) <= 0) {
        k--;
      }
      hull[k++] = i;
    }
    for (int t = n - 2, lower = k + 1; t >= 0; t--) {
      int i = idx[t];
      while (k >= lower && cross(xy, hull[k - 2], hull[k - 1], i) <= 0) {
        k--;
      }
      hull[k++] = i;
    }
    int m = n <= 1 ? n : k - 1;
    double[] out = new double[2 * m];
    for (int t = 0; t < m; t++) {
      out[2 * t] = xy[2 * hull[t]];
      out[2 * t + 1] = xy[2 * hull[t] + 1];
    }
    return out;
  }

  /**
   * Sorts point indices by x, then y (stable: equal points keep their index order), as a boxed
   * {@code Arrays.sort} with that comparator would, without boxing: a merge sort with insertion
   * sort on short runs.
   */
  static void sortByXy(int[] idx, double[] xy) {
    int[] tmp = idx.clone();
    mergeSort(tmp, idx, 0, idx.length, xy);
  }

  /** Sorts src[from, to) into dst[from, to); src and dst hold the same values on entry. */
  private static void mergeSort(int[] src, int[] dst, int from, int to, double[] xy) {
    if (to - from <= 16) {
      for (int i = from + 1; i < to; i++) {
        int v = dst[i];
        int j = i - 1;
        while (j >= from && before(v, dst[j], xy)) {
          dst[j + 1] = dst[j];
          j--;
        }
        dst[j + 1] = v;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(dst, src, from, mid, xy);
    mergeSort(dst, src, mid, to, xy);
    for (int i = from, p = from, q = mid; i < to; i++) {
      // take from the right run only when strictly before: keeps the sort stable
      dst[i] = q >= to || (p < mid && !before(src[q], src[p], xy)) ? src[p++] : src[q++];
    }
  }

  /** Whether point a sorts strictly before point b (x, then y). */
  private static boolean before(int a, int b, double[] xy) {
    double xa = xy[2 * a], xb = xy[2 * b];
    int c = xa != xb ? Double.compare(xa, xb) : Double.compare(xy[2 * a + 1], xy[2 * b + 1]);
    return c < 0;
  }

  private static double cross(double[] xy, int o, int a, int b) {
    return (xy[2 * a] - xy[2 * o]) * (xy[2 * b + 1] - xy[2 * o + 1])
        - (xy[2 * a + 1] - xy[2 * o + 1]) * (xy[2 * b] - xy[2 * o]);
  }

  /** The minimum-area rectangle around n points (interleaved x, y); n >= 1. */
  public static Rect of(double[] xy, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("need at least one point");
    }
    double[] h = convexHull(xy, n);
    int m = h.length / 2;
    if (m < 3) {
      double dx = m == 2 ? h[2] - h[0] : 1, dy = m == 2 ? h[3] - h[1] : 0;
      double len = Math.hypot(dx, dy);
      double angle = m == 2 ? Math.atan2(dy, dx) : 0;
      return normalise(
          (h[0] + h[2 * (m - 1)]) / 2, (h[1] + h[2 * (m - 1) + 1]) / 2, m == 2 ? len : 0, 0, angle);
    }
    double bestArea = Double.POSITIVE_INFINITY;
    Rect best = null;
    for (int e = 0; e < m; e++) {
      int f = (e + 1) % m;
      double ux = h[2 * f] - h[2 * e], uy = h[2 * f + 1] - h[2 * e + 1];
      double len = Math.hypot(ux, uy);
      if (len == 0) {
        continue;
      }
      ux /= len;
      uy /= len;
      double minA = Double.POSITIVE_INFINITY, maxA = Double.NEGATIVE_INFINITY;
      double minB = Double.POSITIVE_INFINITY, maxB = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < m; t++) {
        double a = h[2 * t] * ux + h[2 * t + 1] * uy;
        double b = -h[2 * t] * uy + h[2 * t + 1] * ux;
        minA = Math.min(minA, a);
        maxA = Math.max(maxA, a);
        minB = Math.min(minB, b);
        maxB = Math.max(maxB, b);
      }
      double area = (maxA - minA) * (maxB - minB);
      if (area < bestArea) {
        bestArea = area;
        double ca = (minA + maxA) / 2, cb = (minB + maxB) / 2;
        best =
            normalise(
                ca * ux - cb * uy, ca * uy + cb * ux, maxA - minA, maxB - minB, Math.atan2(uy, ux));
      }
    }
    return best;
  }

  /** Puts the longer side first and its angle in (-pi/2, pi/2]. */
  static Rect normalise(double cx, double cy, double a, double b, double angle) {
    double len = a, wid = b, ang = angle;
    if (b > a) {
      len = b;
      wid = a;
      ang = angle + Math.PI / 2;
    }
    ang = wrapHalfPi(ang);
    return new Rect(cx, cy, len, wid, ang);
  }

  /** An axis direction angle wrapped to (-pi/2, pi/2]. */
  static double wrapHalfPi(double angle) {
    double a = angle % Math.PI;
    if (a > Math.PI / 2) {
      a -= Math.PI;
    } else if (a <= -Math.PI / 2) {
      a += Math.PI;
    }
    return a;
  }
}
