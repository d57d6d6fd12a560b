package dev.spatialvqa.core.lift;

/** Point-cloud denoising: voxel downsampling, statistical outlier removal, DBSCAN clusters. */
public final class CloudFilters {
  private CloudFilters() {}

  /** One point per occupied voxel of the given edge: the centroid of the points inside it. */
  public static Points voxelDownsample(Points in, double voxel) {
    CellGrid grid = new CellGrid(in, voxel, false);
    int cells = grid.cellCount;
    int[] cellOf = grid.pointCell;
    // per cell, sums in ascending point order
    double[] sum = new double[3 * cells];
    int[] count = new int[cells];
    for (int i = 0, n = in.size(); i < n; i++) {
      int c = cellOf[i];
      sum[3 * c] += in.x(i);
      sum[3 * c + 1] += in.y(i);
      sum[3 * c + 2] += in.z(i);
      count[c]++;
    }
    Points out = new Points(cells);
    for (int c = 0; c < cells; c++) {
      int n = count[c];
      out.add(sum[3 * c] / n, sum[3 * c + 1] / n, sum[3 * c + 2] / n);
    }
    return out;
  }

  /**
   * Voxel downsampling that doubles the voxel until at most {@code maxPoints} remain; returns the
   * cloud and writes the voxel edge used into {@code usedVoxel[0]}.
   */
  public static Points voxelDownsampleCapped(
      Points in, double voxel, int maxPoints, double[] usedVoxel) {
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
   * Statistical outlier removal: a point is kept when the mean distance to its k nearest neighbours
   * (searched within {@code radius}; missing ones count as {@code radius}) is at most the cloud's
   * mean of that quantity plus {@code stdRatio} standard deviations.
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
   * DBSCAN: labels[i] = cluster id (0, 1, ...) or -1 for noise. A core point has at least {@code
   * minPoints} points (itself included) within {@code eps}; clusters are the core points connected
   * through eps-neighbourhoods plus the border points they reach. Clusters are numbered in the
   * order of their lowest-indexed core point, and a border point within reach of several clusters
   * joins the lowest-numbered one (the textbook loop over the points in index order, each cluster
   * grown to completion before the next starts; see {@link SpatialIndex#dbscan}).
   */
  public static int[] dbscan(Points in, double eps, int minPoints) {
    return new SpatialIndex(in, eps).dbscan(eps, minPoints);
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
