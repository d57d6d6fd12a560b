package dev.spatialvqa.core.lift;

import java.util.Arrays;

/**
 * Separates a box-only object from what lies behind or in front of it inside its 2D box by
 * clustering the depth values: sorted depths are split wherever consecutive values are further
 * apart than {@code max(0.10 m, 5% of the depth)}, and the layer holding the most pixels of the
 * box's central region (the middle half in each direction, where a detected object is) wins; ties
 * go to the nearer layer.
 */
public final class DepthClusters {
  static final double MIN_GAP_M = 0.10;
  static final double REL_GAP = 0.05;

  private DepthClusters() {}

  /**
   * @param z camera depth of each point
   * @param pixel row-major pixel index of each point
   * @param n number of points
   * @return keep[i] for the points of the chosen depth layer
   */
  public static boolean[] objectLayer(
      float[] z, int[] pixel, int n, int width, int u0, int v0, int u1, int v1) {
    boolean[] keep = new boolean[n];
    if (n == 0) {
      return keep;
    }
    long[] packed = new long[n];
    for (int i = 0; i < n; i++) {
      packed[i] = ((long) Float.floatToIntBits(z[i]) << 32) | i; // z > 0: bit order = numeric order
    }
    Arrays.sort(packed);
    double cu0 = u0 + 0.25 * (u1 - u0), cu1 = u1 - 0.25 * (u1 - u0);
    double cv0 = v0 + 0.25 * (v1 - v0), cv1 = v1 - 0.25 * (v1 - v0);
    int bestStart = 0, bestEnd = 0;
    long bestScore = -1;
    int start = 0;
    long score = 0;
    for (int s = 0; s < n; s++) {
      int i = (int) packed[s];
      int u = pixel[i] % width, v = pixel[i] / width;
      boolean central = u >= cu0 && u <= cu1 && v >= cv0 && v <= cv1;
      score += central ? 1_000_000L : 1; // central pixels dominate; total size breaks ties
      boolean last = s == n - 1;
      if (!last) {
        float a = z[i], b = z[(int) packed[s + 1]];
        if (b - a <= Math.max(MIN_GAP_M, REL_GAP * a)) {
          continue;
        }
      }
      if (score > bestScore) {
        bestScore = score;
        bestStart = start;
        bestEnd = s + 1;
      }
      start = s + 1;
      score = 0;
    }
    for (int s = bestStart; s < bestEnd; s++) {
      keep[(int) packed[s]] = true;
    }
    return keep;
  }
}
