package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The optimised geometry paths (cell-ordered {@link SpatialIndex}, DBSCAN that skips claimed cells,
 * one-pass voxel sums in {@link CellGrid}, mask row bounds by byte scan, the unboxed hull sort)
 * give bit-identical results to plain reference implementations on the bundled SUN RGB-D scenes'
 * object clouds: every object's masked pixels back-projected, voxelised like {@link SceneLifter}
 * does, and run through the filters with the lifter's and other parameters.
 */
class FastPathsMatchReferenceTest {
  private static final List<String> SCENES = List.of("sunrgbd-000001", "sunrgbd-000002");

  /** Each object's masked pixels (even stride, at most ~12,000), back-projected (camera frame). */
  private static List<Points> objectClouds() {
    List<Points> clouds = new ArrayList<>();
    for (String id : SCENES) {
      SunRgbdScene s = SunRgbdScene.load(id);
      int w = s.depth().width(), h = s.depth().height();
      float[] d = s.depth().metres();
      CameraIntrinsics k = s.intrinsics();
      for (ObjectInput o : s.objects()) {
        int stride =
            Math.max(1, (int) Math.ceil(Math.sqrt(MaskBits.count(o.maskBits()) / 12_000.0)));
        Points p = new Points(1024);
        for (int v = 0; v < h; v += stride) {
          for (int u = 0; u < w; u += stride) {
            int idx = v * w + u;
            float z = d[idx];
            if (MaskBits.get(o.maskBits(), idx) && z > 0.05 && z < 100) {
              p.add((u - k.cx()) / k.fx() * z, (v - k.cy()) / k.fy() * z, z);
            }
          }
        }
        clouds.add(p);
      }
    }
    assertTrue(clouds.size() >= 8, "objects: " + clouds.size());
    return clouds;
  }

  @Test
  void voxelDownsampleMatchesAMapOfCellSums() {
    for (Points raw : objectClouds()) {
      for (double voxel : new double[] {0.007, 0.02, 0.0437}) {
        assertSamePoints(referenceVoxels(raw, voxel), CloudFilters.voxelDownsample(raw, voxel));
      }
    }
  }

  @Test
  void knnMeansAndOutliersMatchBruteForce() {
    int clouds = 0;
    for (Points raw : objectClouds()) {
      double[] voxel = new double[1];
      Points pts = CloudFilters.voxelDownsampleCapped(raw, 0.02, 1500, voxel);
      for (double radius : new double[] {Math.max(2 * voxel[0], 0.03), 0.1}) {
        for (int k : new int[] {3, 8}) {
          double[] ref = bruteKnnMeans(pts, k, radius);
          SpatialIndex index = new SpatialIndex(pts, radius);
          double[] scratch = new double[k];
          for (int i = 0; i < pts.size(); i++) {
            assertEquals(
                Double.doubleToLongBits(ref[i]),
                Double.doubleToLongBits(index.meanKnnDistance(i, k, radius, scratch)),
                "point " + i);
          }
          assertArrayEquals(
              referenceInliers(ref, 2.0), CloudFilters.statisticalInliers(pts, k, 2.0, radius));
        }
      }
      clouds++;
    }
    assertTrue(clouds > 0);
  }

  @Test
  void dbscanMatchesTheTextbookLoop() {
    for (Points raw : objectClouds()) {
      double[] voxel = new double[1];
      Points pts = CloudFilters.voxelDownsampleCapped(raw, 0.02, 1500, voxel);
      for (double eps : new double[] {0.03, Math.max(0.10, 2.5 * voxel[0])}) {
        for (int minPoints : new int[] {4, 12}) {
          assertArrayEquals(
              textbookDbscan(pts, eps, minPoints),
              CloudFilters.dbscan(pts, eps, minPoints),
              "eps " + eps + " minPoints " + minPoints);
        }
      }
    }
  }

  @Test
  void maskRowBoundsMatchABitLoop() {
    for (String id : SCENES) {
      SunRgbdScene s = SunRgbdScene.load(id);
      int w = s.depth().width(), h = s.depth().height();
      for (ObjectInput o : s.objects()) {
        byte[] m = o.maskBits();
        int[] want = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int idx = 0; idx < w * h; idx++) {
          if (MaskBits.get(m, idx)) {
            want[0] = Math.min(want[0], idx % w);
            want[1] = Math.min(want[1], idx / w);
            want[2] = Math.max(want[2], idx % w);
            want[3] = Math.max(want[3], idx / w);
          }
        }
        assertArrayEquals(want, SceneLifter.maskBounds(m, w, h));
        int bits = 0;
        for (int idx = 0; idx < m.length * 8; idx++) {
          bits += MaskBits.get(m, idx) ? 1 : 0;
        }
        assertEquals(bits, MaskBits.count(m));
        Random r = new Random(id.hashCode());
        for (int t = 0; t < 2000; t++) {
          int from = r.nextInt(w * h), to = Math.min(w * h, from + r.nextInt(3 * w));
          int first = -1, last = -1;
          for (int idx = from; idx < to; idx++) {
            if (MaskBits.get(m, idx)) {
              first = first < 0 ? idx : first;
              last = idx;
            }
          }
          assertEquals(
              first, MaskBits.firstSet(m, from, to), "first in [" + from + ", " + to + ")");
          assertEquals(last, MaskBits.lastSet(m, from, to), "last in [" + from + ", " + to + ")");
        }
      }
    }
  }

  @Test
  void hullSortMatchesTheBoxedStableSort() {
    List<double[]> inputs = new ArrayList<>();
    for (Points raw : objectClouds()) {
      Points pts = CloudFilters.voxelDownsampleCapped(raw, 0.02, 1500, new double[1]);
      double[] xy = new double[2 * pts.size()];
      for (int i = 0; i < pts.size(); i++) {
        xy[2 * i] = pts.x(i);
        xy[2 * i + 1] = pts.z(i);
      }
      inputs.add(xy);
    }
    Random r = new Random(3); // many ties, signed zeros
    double[] ties = new double[2 * 500];
    for (int i = 0; i < ties.length; i++) {
      ties[i] = new double[] {0.0, -0.0, 1, 2, -1}[r.nextInt(5)];
    }
    inputs.add(ties);
    for (double[] xy : inputs) {
      int n = xy.length / 2;
      Integer[] boxed = new Integer[n];
      for (int i = 0; i < n; i++) {
        boxed[i] = i;
      }
      Arrays.sort(
          boxed,
          (a, b) ->
              xy[2 * a] != xy[2 * b]
                  ? Double.compare(xy[2 * a], xy[2 * b])
                  : Double.compare(xy[2 * a + 1], xy[2 * b + 1]));
      int[] idx = new int[n];
      for (int i = 0; i < n; i++) {
        idx[i] = i;
      }
      MinAreaRect.sortByXy(idx, xy);
      assertArrayEquals(Arrays.stream(boxed).mapToInt(Integer::intValue).toArray(), idx);
    }
  }

  private static void assertSamePoints(Points want, Points got) {
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.x(i), got.x(i), 0.0, "x " + i);
      assertEquals(want.y(i), got.y(i), 0.0, "y " + i);
      assertEquals(want.z(i), got.z(i), 0.0, "z " + i);
    }
  }

  /** Voxel centroids, cells in order of first point, sums in point order. */
  private static Points referenceVoxels(Points in, double voxel) {
    Map<List<Long>, double[]> cells = new LinkedHashMap<>();
    for (int i = 0; i < in.size(); i++) {
      List<Long> key = List.of(cell(in.x(i), voxel), cell(in.y(i), voxel), cell(in.z(i), voxel));
      double[] s = cells.computeIfAbsent(key, c -> new double[4]);
      s[0] += in.x(i);
      s[1] += in.y(i);
      s[2] += in.z(i);
      s[3]++;
    }
    Points out = new Points(cells.size());
    for (double[] s : cells.values()) {
      int n = (int) s[3];
      out.add(s[0] / n, s[1] / n, s[2] / n);
    }
    return out;
  }

  private static long cell(double v, double voxel) {
    return (long) Math.floor(v * (1.0 / voxel));
  }

  private static double d2(Points p, int i, int j) {
    double ex = p.x(j) - p.x(i), ey = p.y(j) - p.y(i), ez = p.z(j) - p.z(i);
    return ex * ex + ey * ey + ez * ez;
  }

  /**
   * Mean of the k smallest distances to other points within radius (missing: radius), by sorting.
   */
  private static double[] bruteKnnMeans(Points p, int k, double radius) {
    int n = p.size();
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double[] d = new double[n];
      int m = 0;
      for (int j = 0; j < n; j++) {
        double v = d2(p, i, j);
        if (j != i && v <= radius * radius) {
          d[m++] = v;
        }
      }
      Arrays.sort(d, 0, m);
      double sum = 0;
      for (int t = 0; t < Math.min(k, m); t++) {
        sum += Math.sqrt(d[t]);
      }
      sum += (k - Math.min(k, m)) * radius;
      out[i] = sum / k;
    }
    return out;
  }

  private static boolean[] referenceInliers(double[] mean, double stdRatio) {
    int n = mean.length;
    double s = 0, s2 = 0;
    for (double m : mean) {
      s += m;
      s2 += m * m;
    }
    double mu = s / n;
    double limit = mu + stdRatio * Math.sqrt(Math.max(0, s2 / n - mu * mu));
    boolean[] keep = new boolean[n];
    for (int i = 0; i < n; i++) {
      keep[i] = mean[i] <= limit;
    }
    return keep;
  }

  /** DBSCAN with neighbourhoods by a full scan, points visited in index order. */
  private static int[] textbookDbscan(Points p, double eps, int minPoints) {
    int n = p.size();
    int[] labels = new int[n];
    Arrays.fill(labels, -2);
    int cluster = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] != -2) {
        continue;
      }
      int[] nb = neighbours(p, i, eps);
      if (nb.length < minPoints) {
        labels[i] = -1;
        continue;
      }
      labels[i] = cluster;
      ArrayList<Integer> queue = new ArrayList<>(List.of(i));
      for (int head = 0; head < queue.size(); head++) {
        nb = neighbours(p, queue.get(head), eps);
        if (nb.length < minPoints) {
          continue;
        }
        for (int q : nb) {
          if (labels[q] < 0) {
            if (labels[q] == -2) {
              queue.add(q);
            }
            labels[q] = cluster;
          }
        }
      }
      cluster++;
    }
    return labels;
  }

  private static int[] neighbours(Points p, int i, double eps) {
    return java.util.stream.IntStream.range(0, p.size())
        .filter(j -> d2(p, i, j) <= eps * eps)
        .toArray();
  }
}
