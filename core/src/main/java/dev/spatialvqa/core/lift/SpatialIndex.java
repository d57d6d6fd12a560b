package dev.spatialvqa.core.lift;

/**
 * A voxel-hash index over {@link Points}: points are bucketed into cubic cells of a given edge
 * ({@link CellGrid}), so that all points within a radius no larger than the cell edge are found in
 * the 27 cells around a query. The index keeps a copy of the coordinates in cell order, so a cell's
 * points are read contiguously. Built once, read many times; not thread-safe.
 */
public final class SpatialIndex {
  private final double cell;
  private final CellGrid grid;

  /** Points of cell c are order[cellStart[c] .. cellStart[c+1]). */
  private final int[] cellStart;

  private final int[] order;
  private final int cellCount;

  /** Cell of each point. */
  private final int[] pointCell;

  /** Where point i sits in {@link #order}: order[position[i]] == i. */
  private final int[] position;

  /** The coordinates in {@link #order}, so that a cell's points are read contiguously. */
  private final double[] sx;

  private final double[] sy;
  private final double[] sz;

  /**
   * Occupied cells around each cell (itself included), computed on first use: 27 slots per cell.
   */
  private int[] around;

  private int[] aroundCount;
  private final int[] cellCoords;

  /** Scratch for {@link #meanKnnDistance}. */
  private double[] candidates = new double[64];

  public SpatialIndex(Points points, double cellEdge) {
    this.cell = cellEdge;
    grid = new CellGrid(points, cellEdge, true);
    int n = points.size();
    pointCell = grid.pointCell;
    cellCoords = grid.cellCoords;
    int cells = grid.cellCount;
    cellCount = cells;
    cellStart = new int[cells + 1];
    for (int i = 0; i < n; i++) {
      cellStart[pointCell[i] + 1]++;
    }
    for (int c = 0; c < cells; c++) {
      cellStart[c + 1] += cellStart[c];
    }
    int[] fill = new int[cells];
    order = new int[n];
    position = new int[n];
    sx = new double[n];
    sy = new double[n];
    sz = new double[n];
    for (int i = 0; i < n; i++) {
      int c = pointCell[i];
      int k = cellStart[c] + fill[c]++;
      order[k] = i;
      position[i] = k;
      sx[k] = points.x(i);
      sy[k] = points.y(i);
      sz[k] = points.z(i);
    }
  }

  private int findCell(int ix, int iy, int iz) {
    return grid.find(ix, iy, iz);
  }

  /** The occupied cells in the 3x3x3 block around cell c (c first), cached. */
  private int aroundOf(int c) {
    if (around == null) {
      around = new int[cellCount * 27];
      aroundCount = new int[cellCount];
      java.util.Arrays.fill(aroundCount, -1);
    }
    if (aroundCount[c] < 0) {
      int n = 0;
      around[27 * c + n++] = c; // the own cell first: its points are the likeliest nearest
      int cx = cellCoords[3 * c], cy = cellCoords[3 * c + 1], cz = cellCoords[3 * c + 2];
      for (int dx = -1; dx <= 1; dx++) {
        for (int dy = -1; dy <= 1; dy++) {
          for (int dz = -1; dz <= 1; dz++) {
            int o = dx == 0 && dy == 0 && dz == 0 ? -1 : findCell(cx + dx, cy + dy, cz + dz);
            if (o >= 0) {
              around[27 * c + n++] = o;
            }
          }
        }
      }
      aroundCount[c] = n;
    }
    return aroundCount[c];
  }

  /**
   * Like {@link #within} for the indexed point i (itself included), using the cached cells around
   * its cell.
   */
  public int[] withinPoint(int i, double radius, int[] out, int[] count) {
    if (radius > cell * (1 + 1e-9)) {
      throw new IllegalArgumentException("radius " + radius + " exceeds the cell edge " + cell);
    }
    int self = position[i];
    double x = sx[self], y = sy[self], z = sz[self];
    double r2 = radius * radius;
    int c = pointCell[i];
    int na = aroundOf(c);
    int n = 0;
    for (int a = 0; a < na; a++) {
      int o = around[27 * c + a];
      for (int k = cellStart[o], end = cellStart[o + 1]; k < end; k++) {
        double ex = sx[k] - x, ey = sy[k] - y, ez = sz[k] - z;
        if (ex * ex + ey * ey + ez * ez <= r2) {
          if (n == out.length) {
            out = java.util.Arrays.copyOf(out, out.length * 2);
          }
          out[n++] = order[k];
        }
      }
    }
    count[0] = n;
    return out;
  }

  /**
   * DBSCAN labels of the indexed points with {@code eps} (<= cell edge), exactly as {@link
   * CloudFilters#dbscan} defines them: clusters are started from the lowest-numbered unvisited core
   * point and grown to completion before the next starts, so a border point joins the first cluster
   * that reaches it and a cluster's id does not depend on the order in which its neighbourhoods are
   * read. That lets this loop skip work that cannot change a label: whether a point is core is
   * decided by counting up to {@code minPoints} (its own cell first), and a core point's expansion
   * reads only the cells around it that still hold unclaimed (unvisited or noise) points, and in
   * them only the unclaimed points.
   */
  int[] dbscan(double eps, int minPoints) {
    if (eps > cell * (1 + 1e-9)) {
      throw new IllegalArgumentException("radius " + eps + " exceeds the cell edge " + cell);
    }
    double r2 = eps * eps;
    int n = order.length;
    int[] lab = new int[n]; // by position in order: -2 unvisited, -1 noise, else cluster
    java.util.Arrays.fill(lab, -2);
    byte[] core = new byte[n]; // by position: 0 not known yet, 1 core, 2 not core
    int[] pending = new int[cellCount]; // unclaimed points (label < 0) per cell
    for (int c = 0; c < cellCount; c++) {
      pending[c] = cellStart[c + 1] - cellStart[c];
    }
    int[] queue = new int[n];
    int cluster = 0;
    for (int i = 0; i < n; i++) {
      int s = position[i];
      if (lab[s] != -2) {
        continue;
      }
      if (!isCore(s, r2, minPoints, core)) {
        lab[s] = -1;
        continue;
      }
      int head = 0, tail = 0;
      lab[s] = cluster;
      pending[pointCell[i]]--;
      queue[tail++] = s;
      while (head < tail) {
        int p = queue[head++];
        if (!isCore(p, r2, minPoints, core)) {
          continue; // border point: in the cluster, does not expand it
        }
        double x = sx[p], y = sy[p], z = sz[p];
        int c = pointCell[order[p]];
        int na = aroundOf(c);
        for (int a = 0; a < na; a++) {
          int o = around[27 * c + a];
          if (pending[o] == 0) {
            continue;
          }
          for (int k = cellStart[o], end = cellStart[o + 1]; k < end; k++) {
            if (lab[k] >= 0) {
              continue;
            }
            double ex = sx[k] - x, ey = sy[k] - y, ez = sz[k] - z;
            if (ex * ex + ey * ey + ez * ez <= r2) {
              boolean unvisited = lab[k] == -2;
              lab[k] = cluster;
              pending[o]--;
              if (unvisited) {
                queue[tail++] = k;
              }
            }
          }
        }
      }
      cluster++;
    }
    int[] labels = new int[n];
    for (int k = 0; k < n; k++) {
      labels[order[k]] = lab[k];
    }
    return labels;
  }

  /**
   * Whether the point at position p has at least minPoints points (itself included) within
   * sqrt(r2).
   */
  private boolean isCore(int p, double r2, int minPoints, byte[] core) {
    if (core[p] == 0) {
      double x = sx[p], y = sy[p], z = sz[p];
      int c = pointCell[order[p]];
      int found = countWithin(c, x, y, z, r2, 0, minPoints);
      int na = aroundOf(c);
      for (int a = 0; a < na && found < minPoints; a++) {
        int o = around[27 * c + a];
        if (o != c) {
          found = countWithin(o, x, y, z, r2, found, minPoints);
        }
      }
      core[p] = (byte) (found >= minPoints ? 1 : 2);
    }
    return core[p] == 1;
  }

  /** {@code found} plus the points of cell o within sqrt(r2) of (x, y, z), stopping at limit. */
  private int countWithin(int o, double x, double y, double z, double r2, int found, int limit) {
    for (int k = cellStart[o], end = cellStart[o + 1]; k < end && found < limit; k++) {
      double ex = sx[k] - x, ey = sy[k] - y, ez = sz[k] - z;
      if (ex * ex + ey * ey + ez * ez <= r2) {
        found++;
      }
    }
    return found;
  }

  public double cellEdge() {
    return cell;
  }

  /** Number of occupied cells. */
  public int cellCount() {
    return cellCount;
  }

  /**
   * Points of occupied cell c (0 <= c < cellCount) are {@code order()[cellStart()[c] ..
   * cellStart()[c+1])}.
   */
  public int[] cellStart() {
    return cellStart;
  }

  public int[] order() {
    return order;
  }

  /**
   * Writes the indices of all points within {@code radius} (<= cell edge) of (x, y, z) into {@code
   * out} (grown as needed; returned) and their count into {@code count[0]}.
   */
  public int[] within(double x, double y, double z, double radius, int[] out, int[] count) {
    if (radius > cell * (1 + 1e-9)) {
      throw new IllegalArgumentException("radius " + radius + " exceeds the cell edge " + cell);
    }
    double r2 = radius * radius;
    int cx = grid.cellOf(x), cy = grid.cellOf(y), cz = grid.cellOf(z);
    int n = 0;
    for (int dx = -1; dx <= 1; dx++) {
      for (int dy = -1; dy <= 1; dy++) {
        for (int dz = -1; dz <= 1; dz++) {
          int c = findCell(cx + dx, cy + dy, cz + dz);
          if (c < 0) {
            continue;
          }
          for (int k = cellStart[c]; k < cellStart[c + 1]; k++) {
            double ex = sx[k] - x, ey = sy[k] - y, ez = sz[k] - z;
            if (ex * ex + ey * ey + ez * ez <= r2) {
              if (n == out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
              }
              out[n++] = order[k];
            }
          }
        }
      }
    }
    count[0] = n;
    return out;
  }

  /**
   * Mean distance from point i to its k nearest other points within {@code radius} (<= cell edge);
   * missing neighbours count as {@code radius}.
   */
  public double meanKnnDistance(int i, int k, double radius, double[] scratch) {
    if (radius > cell * (1 + 1e-9)) {
      throw new IllegalArgumentException("radius " + radius + " exceeds the cell edge " + cell);
    }
    int self = position[i];
    double x = sx[self], y = sy[self], z = sz[self];
    double r2 = radius * radius;
    int c = pointCell[i];
    int na = aroundOf(c);
    // squared distances within the radius, gathered without branching on them
    double[] cand = candidates;
    int nc = 0;
    for (int a = 0; a < na; a++) {
      int o = around[27 * c + a];
      int begin = cellStart[o], end = cellStart[o + 1];
      if (cand.length < nc + end - begin) {
        cand =
            candidates = java.util.Arrays.copyOf(cand, Math.max(2 * cand.length, nc + end - begin));
      }
      for (int m = begin; m < end; m++) {
        double ex = sx[m] - x, ey = sy[m] - y, ez = sz[m] - z;
        double d2 = ex * ex + ey * ey + ez * ez;
        cand[nc] = d2;
        nc += (d2 <= r2 && m != self) ? 1 : 0;
      }
    }
    int found = 0; // scratch[0..found) sorted ascending squared distances, at most k
    for (int t = 0; t < nc; t++) {
      double d2 = cand[t];
      if (found == k && d2 >= scratch[k - 1]) {
        continue;
      }
      int p = found == k ? k - 1 : found++;
      while (p > 0 && scratch[p - 1] > d2) {
        scratch[p] = scratch[p - 1];
        p--;
      }
      scratch[p] = d2;
    }
    double sum = 0;
    for (int m = 0; m < found; m++) {
      sum += Math.sqrt(scratch[m]);
    }
    sum += (k - found) * radius;
    return sum / k;
  }
}
