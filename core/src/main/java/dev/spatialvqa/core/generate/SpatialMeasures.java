package dev.spatialvqa.core.generate;

import dev.spatialvqa.schemas.SceneObject;
import java.util.List;

/**
 * The catalog's definitions, on {@link SceneObject}s (canonical frame: x = viewer's right, y =
 * viewer's forward, z = up, metres). One place, so the generator and the ground-truth checks share
 * them.
 */
public final class SpatialMeasures {
  private SpatialMeasures() {}

  static double at(List<Double> v, int i) {
    return v.get(i);
  }

  /** Box centre along canonical axis 0 (x), 1 (y) or 2 (z). */
  public static double center(SceneObject o, int axis) {
    return at(o.getCenter(), axis);
  }

  /** Extent of the axis-aligned box along canonical axis 0 (width), 1 (depth) or 2 (height). */
  public static double extent(SceneObject o, int axis) {
    return at(o.getExtent(), axis);
  }

  /** Left-right extent as the viewer sees it. */
  public static double width(SceneObject o) {
    return extent(o, 0);
  }

  /** Front-back extent along the viewer's horizontal forward axis. */
  public static double depth(SceneObject o) {
    return extent(o, 1);
  }

  /** Vertical extent. */
  public static double height(SceneObject o) {
    return extent(o, 2);
  }

  /** The oriented box extents when present, else the axis-aligned ones. */
  static List<Double> tightExtent(SceneObject o) {
    List<Double> e = o.getOrientedExtent();
    return e != null && e.size() == 3 ? e : o.getExtent();
  }

  /** Volume of the tightest box available (oriented when present), cubic metres. */
  public static double volume(SceneObject o) {
    List<Double> e = tightExtent(o);
    return e.get(0) * e.get(1) * e.get(2);
  }

  /** Largest dimension of the tightest box available, metres. */
  public static double size(SceneObject o) {
    List<Double> e = tightExtent(o);
    return Math.max(e.get(0), Math.max(e.get(1), e.get(2)));
  }

  /** Euclidean distance of the box centre from the camera centre. */
  public static double distanceFromCamera(SceneObject o) {
    List<Double> c = o.getCenterCamera();
    return Math.sqrt(c.get(0) * c.get(0) + c.get(1) * c.get(1) + c.get(2) * c.get(2));
  }

  /** Bottom of the box above the support plane (valid when the frame's origin is on the floor). */
  public static double elevation(SceneObject o) {
    return center(o, 2) - extent(o, 2) / 2.0;
  }

  /** Distance between the box centres. */
  public static double distance(SceneObject a, SceneObject b) {
    double dx = center(a, 0) - center(b, 0);
    double dy = center(a, 1) - center(b, 1);
    double dz = center(a, 2) - center(b, 2);
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  /** Distance between the box centres in the horizontal plane. */
  public static double horizontalDistance(SceneObject a, SceneObject b) {
    return Math.hypot(center(a, 0) - center(b, 0), center(a, 1) - center(b, 1));
  }

  /** Difference of the centre heights, absolute. */
  public static double verticalDistance(SceneObject a, SceneObject b) {
    return Math.abs(center(a, 2) - center(b, 2));
  }

  /**
   * Clock direction of b as seen from a, the viewer's forward (+y) as 12 and the viewer's right
   * (+x) as 3; in (0, 12].
   */
  public static double clockHours(SceneObject a, SceneObject b) {
    double dx = center(b, 0) - center(a, 0);
    double dy = center(b, 1) - center(a, 1);
    double deg = Math.toDegrees(Math.atan2(dx, dy)); // clockwise from forward
    double h = deg / 30.0;
    if (h <= 0) {
      h += 12.0;
    }
    return h;
  }

  /**
   * Distance between the closest points of the two boxes. Boxes are vertical prisms (yaw-only), so
   * the distance is exact: sqrt(d_xy^2 + d_z^2), d_xy between the footprint rectangles (0 when they
   * overlap) and d_z between the vertical intervals. Uses the oriented boxes when both have them,
   * else the axis-aligned ones.
   */
  public static double gap(SceneObject a, SceneObject b) {
    double[][] ra = footprint(a);
    double[][] rb = footprint(b);
    double dxy = polygonDistance(ra, rb);
    double za0 = center(a, 2) - height(a) / 2;
    double za1 = center(a, 2) + height(a) / 2;
    double zb0 = center(b, 2) - height(b) / 2;
    double zb1 = center(b, 2) + height(b) / 2;
    double dz = Math.max(0, Math.max(za0 - zb1, zb0 - za1));
    return Math.hypot(dxy, dz);
  }

  /** The footprint rectangle's 4 corners (x, y), counter-clockwise. */
  static double[][] footprint(SceneObject o) {
    double cx;
    double cy;
    double ex;
    double ey;
    double h;
    List<Double> oc = o.getOrientedCenter();
    List<Double> oe = o.getOrientedExtent();
    if (oc != null && oe != null && oc.size() == 3 && oe.size() == 3) {
      cx = oc.get(0);
      cy = oc.get(1);
      ex = oe.get(0);
      ey = oe.get(1);
      h = o.getHeadingRad();
    } else {
      cx = center(o, 0);
      cy = center(o, 1);
      ex = width(o);
      ey = depth(o);
      h = 0;
    }
    double ux = Math.cos(h) * ex / 2;
    double uy = Math.sin(h) * ex / 2;
    double vx = -Math.sin(h) * ey / 2;
    double vy = Math.cos(h) * ey / 2;
    return new double[][] {
      {cx - ux - vx, cy - uy - vy}, {cx + ux - vx, cy + uy - vy},
      {cx + ux + vx, cy + uy + vy}, {cx - ux + vx, cy - uy + vy}
    };
  }

  /** Distance between two convex polygons (0 when they intersect). */
  static double polygonDistance(double[][] p, double[][] q) {
    if (intersects(p, q)) {
      return 0;
    }
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < p.length; i++) {
      double[] a = p[i];
      double[] b = p[(i + 1) % p.length];
      for (int j = 0; j < q.length; j++) {
        double[] c = q[j];
        double[] d = q[(j + 1) % q.length];
        best =
            Math.min(
                best,
                Math.min(
                    Math.min(pointSegment(a, c, d), pointSegment(b, c, d)),
                    Math.min(pointSegment(c, a, b), pointSegment(d, a, b))));
      }
    }
    return best;
  }

  private static boolean intersects(double[][] p, double[][] q) {
    return !separated(p, q) && !separated(q, p);
  }

  /** True when an edge normal of p separates p and q (separating axis theorem). */
  private static boolean separated(double[][] p, double[][] q) {
    for (int i = 0; i < p.length; i++) {
      double[] a = p[i];
      double[] b = p[(i + 1) % p.length];
      double nx = -(b[1] - a[1]);
      double ny = b[0] - a[0];
      double pMin = Double.POSITIVE_INFINITY;
      double pMax = Double.NEGATIVE_INFINITY;
      double qMin = Double.POSITIVE_INFINITY;
      double qMax = Double.NEGATIVE_INFINITY;
      for (double[] v : p) {
        double s = v[0] * nx + v[1] * ny;
        pMin = Math.min(pMin, s);
        pMax = Math.max(pMax, s);
      }
      for (double[] v : q) {
        double s = v[0] * nx + v[1] * ny;
        qMin = Math.min(qMin, s);
        qMax = Math.max(qMax, s);
      }
      if (pMax < qMin || qMax < pMin) {
        return true;
      }
    }
    return false;
  }

  private static double pointSegment(double[] p, double[] a, double[] b) {
    double abx = b[0] - a[0];
    double aby = b[1] - a[1];
    double len2 = abx * abx + aby * aby;
    double t = len2 == 0 ? 0 : ((p[0] - a[0]) * abx + (p[1] - a[1]) * aby) / len2;
    t = Math.max(0, Math.min(1, t));
    return Math.hypot(p[0] - (a[0] + t * abx), p[1] - (a[1] + t * aby));
  }
}
