package dev.spatialvqa.core.lift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CloudFiltersTest {

  /** A dense grid patch of side `side` metres at spacing `step`, offset by (ox, oy, oz). */
  private static void patch(Points p, double ox, double oy, double oz, double side, double step) {
    int n = (int) Math.round(side / step);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        p.add(ox + i * step, oy + j * step, oz);
      }
    }
  }

  @Test
  void voxelDownsampleKeepsOneCentroidPerVoxel() {
    Points p =
        Points.of(
            new double[] {0.01, 0.01, 0.01},
            new double[] {0.03, 0.03, 0.03},
            new double[] {0.5, 0.5, 0.5});

    Points out = CloudFilters.voxelDownsample(p, 0.1);

    assertEquals(2, out.size());
    boolean sawCentroid = false;
    for (int i = 0; i < out.size(); i++) {
      sawCentroid |= Math.abs(out.x(i) - 0.02) < 1e-6 && Math.abs(out.z(i) - 0.02) < 1e-6;
    }
    assertTrue(sawCentroid);
  }

  @Test
  void cappedDownsampleGrowsTheVoxelUntilTheCapHolds() {
    Points p = new Points(10_000);
    patch(p, 0, 0, 0, 1, 0.005);
    double[] used = new double[1];

    Points out = CloudFilters.voxelDownsampleCapped(p, 0.01, 500, used);

    assertTrue(out.size() <= 500, "size " + out.size());
    assertTrue(out.size() > 100, "not over-thinned: " + out.size());
    assertTrue(used[0] > 0.01);
  }

  @Test
  void statisticalOutlierRemovalDropsIsolatedPoints() {
    Points p = new Points(2000);
    patch(p, 0, 0, 0, 0.5, 0.02);
    int surface = p.size();
    p.add(0.25, 0.25, 0.4);
    p.add(-0.3, 0.1, 0.1);

    boolean[] keep = CloudFilters.statisticalInliers(p, 8, 2.0, 0.1);

    assertFalse(keep[surface]);
    assertFalse(keep[surface + 1]);
    int kept = 0;
    for (int i = 0; i < surface; i++) {
      kept += keep[i] ? 1 : 0;
    }
    assertTrue(kept > 0.95 * surface, "kept " + kept + " of " + surface);
  }

  @Test
  void dbscanSeparatesClustersAndMarksNoise() {
    Points p = new Points(2000);
    patch(p, 0, 0, 0, 0.4, 0.02); // 400 points
    patch(p, 1, 0, 0, 0.2, 0.02); // 100 points, 0.6 m away
    p.add(3, 3, 3); // lone point
    assertEquals(501, p.size());

    int[] labels = CloudFilters.dbscan(p, 0.05, 4);

    assertEquals(labels[0], labels[399]);
    assertTrue(labels[0] >= 0 && labels[400] >= 0);
    assertTrue(labels[0] != labels[400]);
    assertEquals(-1, labels[500]);
    boolean[] largest = CloudFilters.largestCluster(p, 0.05, 4);
    assertTrue(largest[0] && !largest[400] && !largest[500]);
  }

  @Test
  void objectClustersKeepFragmentsAboveTheShareAndDropSmallOnes() {
    Points p = new Points(2000);
    patch(p, 0, 0, 0, 0.4, 0.02); // 400
    patch(p, 1, 0, 0, 0.2, 0.02); // 100: 25% of the largest
    patch(p, 0, 2, 0, 0.06, 0.02); // 9: 2%
    assertEquals(509, p.size());
    boolean[] keep = CloudFilters.objectClusters(p, 0.05, 4, 0.1);

    assertTrue(keep[0] && keep[450]);
    assertFalse(keep[505]);
  }

  @Test
  void dbscanIsDeterministicUnderShuffledInput() {
    Random r = new Random(5);
    Points p = new Points(1000);
    for (int i = 0; i < 1000; i++) {
      double cx = (i % 2) * 2;
      p.add(cx + r.nextGaussian() * 0.05, r.nextGaussian() * 0.05, r.nextGaussian() * 0.05);
    }
    int[] labels = CloudFilters.dbscan(p, 0.08, 4);
    for (int i = 2; i < 1000; i += 2) {
      if (labels[i] >= 0 && labels[0] >= 0) {
        assertEquals(labels[0], labels[i]);
      }
    }
  }
}
