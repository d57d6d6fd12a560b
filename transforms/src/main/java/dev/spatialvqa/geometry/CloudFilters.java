package dev.spatialvqa.geometry;

/** Point-cloud denoising: voxel downsampling, statistical outlier removal, DBSCAN clusters. */
public final class CloudFilters {
  private CloudFilters() {}

  /** One point per occupied voxel of the given edge: the centroid of the points inside it. */
  public static Points voxelDownsample(Points in, double voxel) {
    SpatialIndex index = new SpatialIndex(in, voxel);
    int[] start = index.cellStart();
    int[] order = index.order();
    Points out = new Points(index.cellCount());
    for (int c = 0; c < index.cellCount(); c++) {
      double sx = 0, sy = 0, sz = 0;
      for (int k = start[c]; k < start[c + 1]; k++) {
        int i = order[k];
        sx += in.x(i);
        sy += in.y(i);
        sz += in.z(i);
      }
      int n = start[c + 1] - start[c];
      out.add(sx / n, sy / n, sz / n);
    }
    return out;
  }

  /**
   * Voxel downsampling that doubles the voxel until at most {@code maxPoints} remain; returns the
   * cloud and writes the voxel edge used into {@code usedVoxel[0]}.
   */
  public static Points voxelDownsampleCapped(Points in, double voxel, int maxPoints, double[] usedVoxel) {
    double v = voxel;
    Points out = voxelDownsample(in, v);
    while (out.size() > maxPoints) {
      v *= Math.max(1.25, Math.sqrt((double) out.size() / maxPoints));
      out = voxelDownsample(in, v);
    }
    usedVoxel[0] = v;
    return out;
  }

  /**
   * Statistical outlier removal: a point is kept when the mean distance to its k nearest
   * neighbours (searched within {@code radius}; missing ones count as {@code radius}) is at most
   * the cloud's mean of that quantity plus {@code stdRatio} standard deviations.
   */
  public static boolean[] statisticalInliers(Points in, int k, double stdRatio, double radius) {
    int n = in.size();
    boolean[] keep = new boolean[n];
    if (n <= k) {
      java.util.Arrays.fill(keep, true);
      return keep;
    }
    SpatialIndex index = new SpatialIndex(in, radius);
    double[] mean = new double[n];
    double[] scratch = new double[k];
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) {
      double m = index.meanKnnDistance(i, k, radius, scratch);
      mean[i] = m;
      s += m;
      s2 += m * m;
    }
    double mu = s / n;
    double sd = Math.sqrt(Math.max(0, s2 / n - mu * mu));
    double limit = mu + stdRatio * sd;
    for (int i = 0; i < n; i++) {
      keep[i] = mean[i] <= limit;
    }
    return keep;
  }

  /**
   * DBSCAN: labels[i] = cluster id (0, 1, ...) or -1 for noise. A core point has at least
   * {@code minPoints} points (itself included) within {@code eps}; clusters are the core points
   * connected through eps-neighbourhoods plus the border points they reach.
   */
  public static int[] dbscan(Points in, double eps, int minPoints) {
    int n = in.size();
    int[] labels = new int[n];
    java.util.Arrays.fill(labels, -2); // -2 unvisited, -1 noise
    SpatialIndex index = new SpatialIndex(in, eps);
    int[] buf = new int[64];
    int[] count = new int[1];
    int[] queue = new int[n];
    int cluster = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] != -2) {
        continue;
      }
      buf = index.withinPoint(i, eps, buf, count);
      if (count[0] < minPoints) {
        labels[i] = -1;
        continue;
      }
      int head = 0, tail = 0;
      labels[i] = cluster;
      queue[tail++] = i;
      while (head < tail) {
        int p = queue[head++];
        buf = index.withinPoint(p, eps, buf, count);
        if (count[0] < minPoints) {
          continue; // border point: in the cluster, does not expand it
        }
        for (int m = 0; m < count[0]; m++) {
          int q = buf[m];
          if (labels[q] == -2 || labels[q] == -1) {
            boolean unvisited = labels[q] == -2;
            labels[q] = cluster;
            if (unvisited) {
              queue[tail++] = q;
            }
          }
        }
      }
      cluster++;
    }
    return labels;
  }

  /** Points per DBSCAN cluster id (noise, label -1, not counted); empty when all noise. */
  static int[] clusterSizes(int[] labels) {
    int max = -1;
    for (int l : labels) {
      max = Math.max(max, l);
    }
    int[] sizes = new int[max + 1];
    for (int l : labels) {
      if (l >= 0) {
        sizes[l]++;
      }
    }
    return sizes;
  }

  /** Indices of the largest DBSCAN cluster (ties: the lowest cluster id); empty when all noise. */
  public static boolean[] largestCluster(Points in, double eps, int minPoints) {
    int[] labels = dbscan(in, eps, minPoints);
    int[] sizes = clusterSizes(labels);
    boolean[] keep = new boolean[in.size()];
    if (sizes.length == 0) {
      return keep;
    }
    int best = 0;
    for (int c = 1; c < sizes.length; c++) {
      if (sizes[c] > sizes[best]) {
        best = c;
      }
    }
    for (int i = 0; i < labels.length; i++) {
      keep[i] = labels[i] == best;
    }
    return keep;
  }

  /**
   * The largest DBSCAN cluster plus every cluster at least {@code minShare} of its size: real
   * objects are cut into pieces by occluders, thin parts and depth holes, while stray points (mask
   * bleed onto the background, flying pixels at depth edges) form small clusters or DBSCAN noise.
   */
  public static boolean[] objectClusters(Points in, double eps, int minPoints, double minShare) {
    int[] labels = dbscan(in, eps, minPoints);
    int[] sizes = clusterSizes(labels);
    boolean[] keep = new boolean[in.size()];
    if (sizes.length == 0) {
      return keep;
    }
    int largest = 0;
    for (int size : sizes) {
      largest = Math.max(largest, size);
    }
    for (int i = 0; i < labels.length; i++) {
      keep[i] = labels[i] >= 0 && sizes[labels[i]] >= minShare * largest;
    }
    return keep;
  }
}
