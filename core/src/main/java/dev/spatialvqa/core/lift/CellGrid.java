package dev.spatialvqa.core.lift;

/**
 * Points bucketed into cubic cells of a given edge: each point gets the id of its cell, cells
 * numbered 0, 1, ... in the order of their first point (open-addressing hash from packed cell
 * coordinates; coordinates beyond +-2^20 cells are clamped to the outermost cell). Shared by {@link
 * SpatialIndex} and {@link CloudFilters#voxelDownsample}.
 */
final class CellGrid {
  private static final long EMPTY = Long.MIN_VALUE;
  private static final int OFFSET = 1 << 20;
  private static final int MASK = (1 << 21) - 1;

  private final double inv;
  private final long[] keys;
  private final int[] slotCell;
  private final int hashMask;

  /** Cell of each point. */
  final int[] pointCell;

  /** Number of occupied cells. */
  final int cellCount;

  /** Cell coordinates (ix, iy, iz) of each cell, or null when not asked for. */
  final int[] cellCoords;

  CellGrid(Points points, double cellEdge, boolean keepCoords) {
    if (!(cellEdge > 0)) {
      throw new IllegalArgumentException("cellEdge must be > 0, got " + cellEdge);
    }
    inv = 1.0 / cellEdge;
    int n = points.size();
    int cap = Integer.highestOneBit(Math.max(4, n * 2)) * 2;
    keys = new long[cap];
    java.util.Arrays.fill(keys, EMPTY);
    slotCell = new int[cap];
    hashMask = cap - 1;
    pointCell = new int[n];
    cellCoords = keepCoords ? new int[3 * n] : null;
    int cells = 0;
    long lastKey = EMPTY;
    int lastCell = -1;
    for (int i = 0; i < n; i++) {
      int ix = cellOf(points.x(i)), iy = cellOf(points.y(i)), iz = cellOf(points.z(i));
      long key = key(ix, iy, iz);
      if (key != lastKey) { // consecutive points (neighbouring pixels) often share a cell
        int slot = slot(key);
        if (keys[slot] == EMPTY) {
          keys[slot] = key;
          if (keepCoords) {
            cellCoords[3 * cells] = ix;
            cellCoords[3 * cells + 1] = iy;
            cellCoords[3 * cells + 2] = iz;
          }
          slotCell[slot] = cells++;
        }
        lastKey = key;
        lastCell = slotCell[slot];
      }
      pointCell[i] = lastCell;
    }
    cellCount = cells;
  }

  /** floor(v / cell edge), clamped to the key range. */
  int cellOf(double v) {
    double x = v * inv;
    long c = (long) x; // truncation; equals Math.floor except below zero, corrected here (cheaper)
    if (c > x && c != Long.MIN_VALUE) {
      c--;
    }
    return (int) Math.max(-OFFSET + 1, Math.min(OFFSET - 2, c));
  }

  private static long key(int ix, int iy, int iz) {
    return ((long) ((ix + OFFSET) & MASK) << 42)
        | ((long) ((iy + OFFSET) & MASK) << 21)
        | ((iz + OFFSET) & MASK);
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    int s = (int) (h >>> 40) & hashMask;
    while (keys[s] != EMPTY && keys[s] != key) {
      s = (s + 1) & hashMask;
    }
    return s;
  }

  /** The id of the cell at (ix, iy, iz), or -1 when no point lies in it. */
  int find(int ix, int iy, int iz) {
    int s = slot(key(ix, iy, iz));
    return keys[s] == EMPTY ? -1 : slotCell[s];
  }
}
