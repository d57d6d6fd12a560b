package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpatialIndexTest {

  private static Points randomCloud(int n, long seed) {
    Random r = new Random(seed);
    Points p = new Points(n);
    for (int i = 0; i < n; i++) {
      p.add(
          r.nextDouble() * 2 - 1,
          r.nextDouble() * 2 - 1,
          r.nextDouble() * 0.5 - 3); // also negative cells
    }
    return p;
  }

  @Test
  void radiusSearchMatchesBruteForce() {
    Points p = randomCloud(3000, 1);
    double radius = 0.1;
    SpatialIndex index = new SpatialIndex(p, radius);
    int[] buf = new int[8];
    int[] count = new int[1];
    for (int q0 = 0; q0 < p.size(); q0 += 37) {
      final int q = q0;
      buf = index.within(p.x(q), p.y(q), p.z(q), radius, buf, count);
      int[] got = Arrays.copyOf(buf, count[0]);
      Arrays.sort(got);
      int[] want =
          java.util.stream.IntStream.range(0, p.size())
              .filter(j -> dist(p, q, j) <= radius)
              .toArray();
      assertArrayEquals(want, got, "query " + q);
      buf = index.withinPoint(q, radius, buf, count);
      int[] got2 = Arrays.copyOf(buf, count[0]);
      Arrays.sort(got2);
      assertArrayEquals(want, got2, "point query " + q);
    }
  }

  @Test
  void meanKnnDistanceMatchesBruteForce() {
    Points p = randomCloud(2000, 2);
    double radius = 0.2;
    int k = 6;
    SpatialIndex index = new SpatialIndex(p, radius);
    double[] scratch = new double[k];
    for (int q = 0; q < p.size(); q += 53) {
      final int qq = q;
      double[] d =
          java.util.stream.IntStream.range(0, p.size())
              .filter(j -> j != qq)
              .mapToDouble(j -> dist(p, qq, j))
              .filter(x -> x <= radius)
              .sorted()
              .toArray();
      double sum = 0;
      for (int m = 0; m < k; m++) {
        sum += m < d.length ? d[m] : radius;
      }
      assertEquals(sum / k, index.meanKnnDistance(q, k, radius, scratch), 1e-6, "query " + q);
    }
  }

  @Test
  void cellsPartitionThePoints() {
    Points p = randomCloud(500, 3);
    SpatialIndex index = new SpatialIndex(p, 0.25);
    int[] order = index.order().clone();
    Arrays.sort(order);
    assertArrayEquals(java.util.stream.IntStream.range(0, 500).toArray(), order);
    assertEquals(500, index.cellStart()[index.cellCount()]);
  }

  @Test
  void rejectsARadiusLargerThanTheCell() {
    SpatialIndex index = new SpatialIndex(randomCloud(10, 4), 0.1);
    assertThrows(
        IllegalArgumentException.class, () -> index.within(0, 0, 0, 0.2, new int[1], new int[1]));
  }

  private static double dist(Points p, int a, int b) {
    // float storage: compare in the same precision the index uses
    return Math.sqrt(sq(p.x(a) - p.x(b)) + sq(p.y(a) - p.y(b)) + sq(p.z(a) - p.z(b)));
  }

  private static double sq(double v) {
    return v * v;
  }
}
