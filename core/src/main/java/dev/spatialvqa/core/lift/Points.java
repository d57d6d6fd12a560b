package dev.spatialvqa.core.lift;

import java.util.Arrays;

/** A growable list of 3D points, stored interleaved as floats (x, y, z, x, y, z, ...). */
public final class Points {
  private float[] xyz;
  private int size;

  public Points(int capacity) {
    xyz = new float[Math.max(1, capacity) * 3];
  }

  public static Points of(double[]... points) {
    Points p = new Points(points.length);
    for (double[] q : points) {
      p.add(q[0], q[1], q[2]);
    }
    return p;
  }

  public void add(double x, double y, double z) {
    if (size * 3 == xyz.length) {
      xyz = Arrays.copyOf(xyz, xyz.length * 2);
    }
    int o = size * 3;
    xyz[o] = (float) x;
    xyz[o + 1] = (float) y;
    xyz[o + 2] = (float) z;
    size++;
  }

  public int size() {
    return size;
  }

  public double x(int i) {
    return xyz[i * 3];
  }

  public double y(int i) {
    return xyz[i * 3 + 1];
  }

  public double z(int i) {
    return xyz[i * 3 + 2];
  }

  /** The points at the given indices, in that order. */
  public Points select(int[] indices, int count) {
    Points p = new Points(count);
    for (int k = 0; k < count; k++) {
      int o = indices[k] * 3;
      p.add(xyz[o], xyz[o + 1], xyz[o + 2]);
    }
    return p;
  }

  /** The points where keep[i] is true. */
  public Points select(boolean[] keep) {
    Points p = new Points(size);
    for (int i = 0; i < size; i++) {
      if (keep[i]) {
        int o = i * 3;
        p.add(xyz[o], xyz[o + 1], xyz[o + 2]);
      }
    }
    return p;
  }
}
