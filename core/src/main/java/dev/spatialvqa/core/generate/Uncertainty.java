package dev.spatialvqa.core.generate;

import dev.spatialvqa.schemas.SceneObject;
import java.util.List;

/**
 * What a scene object's visibility fields ({@code unreliable_extents}, {@code cut_faces}, {@code
 * sampling_m}, {@code center_uncertainty_m}, written by the lifter's {@code Visibility}) allow QA
 * to say about it. Records without them (older records, ground-truth boxes) have no uncertainty.
 */
final class Uncertainty {
  private Uncertainty() {}

  static final String[] EXTENTS = {"width", "depth", "height"};

  /** Whether the extent along canonical axis 0 (width), 1 (depth) or 2 (height) is supported. */
  static boolean reliable(SceneObject o, int axis) {
    List<String> u = o.getUnreliableExtents();
    return u == null || !u.contains(EXTENTS[axis]);
  }

  /** Whether every extent is supported (size, volume and gap need them all). */
  static boolean allReliable(SceneObject o) {
    List<String> u = o.getUnreliableExtents();
    return u == null || u.isEmpty();
  }

  static boolean cut(SceneObject o, String face) {
    List<String> c = o.getCutFaces();
    return c != null && c.contains(face);
  }

  /**
   * The uncertainty of the extent along an axis: two sampling steps (each face may lie one step
   * beyond the outermost sample); null when the extent is unreliable.
   */
  static Double extent(SceneObject o, int axis) {
    if (!reliable(o, axis)) {
      return null;
    }
    List<Double> s = o.getSamplingM();
    return s == null || s.size() != 3 ? 0.0 : 2 * s.get(axis);
  }

  /** The largest extent uncertainty (for {@code size}); all extents must be reliable. */
  static double maxExtent(SceneObject o) {
    double m = 0;
    for (int a = 0; a < 3; a++) {
      Double u = extent(o, a);
      m = Math.max(m, u == null ? Double.POSITIVE_INFINITY : u);
    }
    return m;
  }

  /** Relative uncertainty of the volume: the extents' relative uncertainties summed. */
  static double relativeVolume(SceneObject o) {
    double r = 0;
    for (int a = 0; a < 3; a++) {
      Double u = extent(o, a);
      double e = SpatialMeasures.extent(o, a);
      if (u == null || !(e > 0)) {
        return Double.POSITIVE_INFINITY;
      }
      r += u / e;
    }
    return r;
  }

  /** How far the true centre may lie from the box's along an axis in direction sign (+1 / -1). */
  static double toward(SceneObject o, int axis, int sign) {
    List<Double> u = o.getCenterUncertaintyM();
    if (u == null || u.size() != 6) {
      return 0;
    }
    return u.get(2 * axis + (sign > 0 ? 1 : 0));
  }

  /** The larger of the two directions along an axis. */
  static double along(SceneObject o, int axis) {
    return Math.max(toward(o, axis, -1), toward(o, axis, +1));
  }

  /** The norm of the per-axis uncertainties over the first {@code axes} axes (2: horizontal). */
  static double position(SceneObject o, int axes) {
    double s = 0;
    for (int a = 0; a < axes; a++) {
      double u = along(o, a);
      s += u * u;
    }
    return Math.sqrt(s);
  }
}
