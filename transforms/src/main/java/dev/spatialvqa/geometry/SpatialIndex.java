package dev.spatialvqa.geometry;

/**
 * A voxel-hash index over {@link Points}: points are bucketed into cubic cells of a given edge
 * (open-addressing hash from packed cell coordinates to a cell, cells stored contiguously), so
 * that all points within a radius no larger than the cell edge are found in the 27 cells around a
 * query. Built once, read many times; not thread-safe.
 */
public final class SpatialIndex {
  private static final long EMPTY = Long.MIN_VALUE;
  private static final int OFFSET = 1 << 20;
  private static final int MASK = (1 << 21) - 1;

  private final Points points;
  private final double cell;
  private final double inv;
  private final long[] keys;
  private final int[] slotCell;
  private final int hashMask;
  /** Points of cell c are order[cellStart[c] .. cellStart[c+1]). */
  private final int[] cellStart;
  private final int[] order;
  private final int cellCount;
  /** Cell of each point. */
  private final int[] pointCell;
  /** Occupied cells around each cell (itself included), computed on first use: 27 slots per cell. */
  private int[] around;
  private int[] aroundCount;
  private int[] cellCoords;

  public SpatialIndex(Points points, double cellEdge) {
    if (!(cellEdge > 0)) {
      throw new IllegalArgumentException("cellEdge must be > 0, got " + cellEdge);
    }
    this.points = points;
    this.cell = cellEdge;
    this.inv = 1.0 / cellEdge;
    int n = points.size();
    int cap = Integer.highestOneBit(Math.max(4, n * 2)) * 2;
    keys = new long[cap];
    java.util.Arrays.fill(keys, EMPTY);
    slotCell = new int[cap];
    hashMask = cap - 1;
    pointCell = new int[n];
    cellCoords = new int[3 * n];
    int[] counts = new int[n + 1];
    int cells = 0;
    for (int i = 0; i < n; i++) {
      int ix = cellOf(points.x(i)), iy = cellOf(points.y(i)), iz = cellOf(points.z(i));
      long key = key(ix, iy, iz);
      int slot = slot(key);
      if (keys[slot] == EMPTY) {
        keys[slot] = key;
        cellCoords[3 * cells] = ix;
        cellCoords[3 * cells + 1] = iy;
        cellCoords[3 * cells + 2] = iz;
        slotCell[slot] = cells++;
      }
      int c = slotCell[slot];
      pointCell[i] = c;
      counts[c]++;
    }
    cellCount = cells;
    cellStart = new int[cells + 1];
    for (int c = 0; c < cells; c++) {
      cellStart[c + 1] = cellStart[c] + counts[c];
    }
    int[] fill = new int[cells];
    order = new int[n];
    for (int i = 0; i < n; i++) {
      int c = pointCell[i];
      order[cellStart[c] + fill[c]++] = i;
    }
  }

  private int cellOf(double v) {
    long c = (long) Math.floor(v * inv);
    return (int) Math.max(-OFFSET + 1, Math.min(OFFSET - 2, c));
  }

  private static long key(int ix, int iy, int iz) {
    return ((long) ((ix + OFFSET) & MASK) << 42) | ((long) ((iy + OFFSET) & MASK) << 21) | ((iz + OFFSET) & MASK);
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    int s = (int) (h >>> 40) & hashMask;
    while (keys[s] != EMPTY && keys[s] != key) {
      s = (s + 1) & hashMask;
    }
    return s;
  }

  private int findCell(int ix, int iy, int iz) {
    int s = slot(key(ix, iy, iz));
    return keys[s] == EMPTY ? -1 : slotCell[s];
  }

  /** The occupied cells in the 3x3x3 block around cell c, cached. */
  private int aroundOf(int c) {
    if (around == null) {
      around = new int[cellCount * 27];
      aroundCount = new int[cellCount];
      java.util.Arrays.fill(aroundCount, -1);
    }
    if (aroundCount[c] < 0) {
      int n = 0;
      int cx = cellCoords[3 * c], cy = cellCoords[3 * c + 1], cz = cellCoords[3 * c + 2];
      for (int dx = -1; dx <= 1; dx++) {
        for (int dy = -1; dy <= 1; dy++) {
          for (int dz = -1; dz <= 1; dz++) {
            int o = findCell(cx + dx, cy + dy, cz + dz);
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
    double x = points.x(i), y = points.y(i), z = points.z(i);
    double r2 = radius * radius;
    int c = pointCell[i];
    int na = aroundOf(c);
    int n = 0;
    for (int a = 0; a < na; a++) {
      int o = around[27 * c + a];
      for (int k = cellStart[o]; k < cellStart[o + 1]; k++) {
        int j = order[k];
        double ex = points.x(j) - x, ey = points.y(j) - y, ez = points.z(j) - z;
        if (ex * ex + ey * ey + ez * ez <= r2) {
          if (n == out.length) {
            out = java.util.Arrays.copyOf(out, out.length * 2);
          }
          out[n++] = j;
        }
      }
    }
    count[0] = n;
    return out;
  }

  public double cellEdge() {
    return cell;
  }

  /** Number of occupied cells. */
  public int cellCount() {
    return cellCount;
  }

  /** Points of occupied cell c (0 <= c < cellCount) are {@code order()[cellStart()[c] .. cellStart()[c+1])}. */
  public int[] cellStart() {
    return cellStart;
  }

  public int[] order() {
    return order;
  }

  /**
   * Writes the indices of all points within {@code radius} (<= cell edge) of (x, y, z) into
   * {@code out} (grown as needed; returned) and their count into {@code count[0]}.
   */
  public int[] within(double x, double y, double z, double radius, int[] out, int[] count) {
    if (radius > cell * (1 + 1e-9)) {
      throw new IllegalArgumentException("radius " + radius + " exceeds the cell edge " + cell);
    }
    double r2 = radius * radius;
    int cx = cellOf(x), cy = cellOf(y), cz = cellOf(z);
    int n = 0;
    for (int dx = -1; dx <= 1; dx++) {
      for (int dy = -1; dy <= 1; dy++) {
        for (int dz = -1; dz <= 1; dz++) {
          int c = findCell(cx + dx, cy + dy, cz + dz);
          if (c < 0) {
            continue;
          }
          for (int k = cellStart[c]; k < cellStart[c + 1]; k++) {
            int j = order[k];
            double ex = points.x(j) - x, ey = points.y(j) - y, ez = points.z(j) - z;
            if (ex * ex + ey * ey + ez * ez <= r2) {
              if (n == out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
              }
              out[n++] = j;
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
    double x = points.x(i), y = points.y(i), z = points.z(i);
    double r2 = radius * radius;
    int c = pointCell[i];
    int na = aroundOf(c);
    int found = 0; // scratch[0..found) sorted ascending squared distances, at most k
    for (int a = 0; a < na; a++) {
      int o = around[27 * c + a];
      for (int m = cellStart[o]; m < cellStart[o + 1]; m++) {
        int j = order[m];
        if (j == i) {
          continue;
        }
        double ex = points.x(j) - x, ey = points.y(j) - y, ez = points.z(j) - z;
        double d2 = ex * ex + ey * ey + ez * ez;
        if (d2 > r2 || (found == k && d2 >= scratch[k - 1])) {
          continue;
        }
        int p = found == k ? k - 1 : found++;
        while (p > 0 && scratch[p - 1] > d2) {
          scratch[p] = scratch[p - 1];
          p--;
        }
        scratch[p] = d2;
      }
    }
    double sum = 0;
    for (int m = 0; m < found; m++) {
      sum += Math.sqrt(scratch[m]);
    }
    sum += (k - found) * radius;
    return sum / k;
  }
}
