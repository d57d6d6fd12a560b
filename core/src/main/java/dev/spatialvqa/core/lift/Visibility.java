package dev.spatialvqa.core.lift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the camera saw of one lifted object, and which of its measures the geometry therefore does
 * not support. Computed from the depth map and the object's own pixels and points; no threshold is
 * fitted to scenes:
 *
 * <ul>
 *   <li>{@code borderSides}: the image sides its mask or 2D box touches (within one pixel: box
 *       coordinates are rounded either way).
 *   <li>{@code occludedShare}: of the depth readings inside its 2D box (its mask's bounds without a
 *       box), the share that are not the object and lie clearly nearer than the object's near
 *       surface (5th percentile of its camera depth), the support plane excepted: depth ordering.
 *   <li>{@code depthCoverage}: valid-depth share of its mask (of its box, box-only).
 *   <li>{@code samplingM}: per canonical axis, the median step between neighbouring depth samples
 *       of the object (consecutive valid object pixels along image rows and columns, at the
 *       lifter's pixel stride), the larger of the row and column medians: a face of the box may lie
 *       up to one step beyond the outermost sample.
 *   <li>{@code cutFaces}: for each face of the box (-x, +x, -y, +y, -z, +z), the object's outermost
 *       points along that direction (the outer 5% of the extent, at least one sampling step and 1
 *       cm) are followed in the image the way a point moving out through the face would go. A point
 *       is <em>cut</em> when that leaves the image, or when the first other surface met is clearly
 *       nearer (an occluder; not the support plane), and <em>bounded</em> when the first other
 *       surface lies at or behind the object (the background, a neighbour, a wall, the floor: the
 *       object ends there); points whose way stays on the object or meets no reading are not
 *       judged. A face is cut when one of its outermost points lies at the image border (within
 *       three sampling gaps: the border is certain, no depth noise decides it) or when most judged
 *       points are cut by occluders. A face that does not move in the image (the back of an object
 *       seen head-on) is hidden by the object itself, which {@link AmodalCompletion} deals with,
 *       and is not cut. An object put on the support plane has a bounded bottom.
 *   <li>{@code unreliableExtents}: width (x), depth (y), height (z) when a face on that axis is
 *       cut, or when two sampling steps exceed a fifth of the extent (the measured extent could
 *       then be under 0.8x the true one: the accuracy quantitative answers promise).
 *   <li>{@code centerUncertaintyM}: per direction (-x, +x, -y, +y, -z, +z) how far the true centre
 *       may lie: one sampling step, plus half the extent towards a cut face (the prior of {@link
 *       AmodalCompletion}: the hidden part of an object is at most as large as its visible part).
 * </ul>
 *
 * "Clearly nearer" is beyond the depth noise band: 5 cm plus 0.005 z^2 (structured light) but at
 * most 5% of z beyond 10 m (LiDAR, stereo and time-of-flight are relatively better at range).
 */
public record Visibility(
    List<String> borderSides,
    double occludedShare,
    double depthCoverage,
    double[] samplingM,
    List<String> cutFaces,
    List<String> unreliableExtents,
    double[] centerUncertaintyM) {

  static final String[] FACES = {"-x", "+x", "-y", "+y", "-z", "+z"};
  static final String[] EXTENTS = {"width", "depth", "height"};

  /** A box coordinate within this many pixels of the image edge touches it. */
  static final int BORDER_PX = 1;

  /** The outermost share of the extent whose points describe a face. */
  static final double FACE_BAND_SHARE = 0.05;

  /** Two sampling steps above this share of an extent make it unreliable (1 - 0.8). */
  static final double SAMPLING_SHARE = 0.2;

  /**
   * An object whose 2D box shows nearer surfaces in at least this share of its readings is mostly
   * hidden: its visible part is the smaller one, so the prior that bounds the hidden part fails.
   */
  static final double MOSTLY_HIDDEN = 0.5;

  /** Points judged per face at most (evenly subsampled). */
  static final int MAX_FACE_POINTS = 200;

  /** Depth noise band at camera depth z. */
  static double tolerance(double z) {
    return 0.05 + Math.min(0.005 * z * z, 0.05 * z);
  }

  /**
   * @param o the input (mask and/or 2D box)
   * @param box the final box (after ground contact and amodal completion)
   * @param pts the object's cleaned cloud (canonical)
   * @param member the object's pixels (its mask, or the depth layer chosen inside its box)
   * @param supportKnown whether a support plane was found (the floor is then never an occluder)
   * @param floorBand canonical height under which a pixel is the support plane
   * @param maxPixels {@link LiftConfig#maxPixelsPerObject()}: the lifter's pixel stride follows
   */
  static Visibility of(
      ObjectInput o,
      LiftedObject box,
      Points pts,
      byte[] member,
      DepthImage depth,
      CameraIntrinsics k,
      SceneLifter.Frame frame,
      boolean supportKnown,
      double floorBand,
      int maxPixels,
      double minDepth,
      double maxDepth) {
    int w = depth.width(), h = depth.height();
    float[] d = depth.metres();
    byte[] mask = o.maskBits();
    // the object's 2D region: its box (clamped), else its mask's bounds
    int[] region = null;
    if (o.box2dXyxy() != null && o.box2dXyxy().length == 4) {
      double[] b = o.box2dXyxy();
      region =
          new int[] {
            Math.max(0, (int) Math.floor(b[0])),
            Math.max(0, (int) Math.floor(b[1])),
            Math.min(w - 1, (int) Math.ceil(b[2])),
            Math.min(h - 1, (int) Math.ceil(b[3]))
          };
    }
    int[] mb = mask == null ? null : SceneLifter.maskBounds(mask, w, h);
    long area =
        mask != null
            ? MaskBits.count(mask)
            : region == null ? 0 : (long) (region[2] - region[0] + 1) * (region[3] - region[1] + 1);
    int stride = SceneLifter.pixelStride(area, maxPixels);
    if (region == null) {
      region = mb != null ? mb : SceneLifter.maskBounds(member, w, h);
    }
    List<String> sides = new ArrayList<>();
    boolean[] touch = new boolean[4];
    for (int[] r : new int[][] {region, mb}) {
      if (r == null) {
        continue;
      }
      touch[0] |= r[0] <= BORDER_PX;
      touch[1] |= r[2] >= w - 1 - BORDER_PX;
      touch[2] |= r[1] <= BORDER_PX;
      touch[3] |= r[3] >= h - 1 - BORDER_PX;
    }
    String[] names = {"left", "right", "top", "bottom"};
    for (int i = 0; i < 4; i++) {
      if (touch[i]) {
        sides.add(names[i]);
      }
    }

    // camera depths of the object's points: near surface and median
    int n = pts.size();
    int step = Math.max(1, n / 500);
    double[] zc = new double[(n + step - 1) / step];
    int m = 0;
    for (int i = 0; i < n && m < zc.length; i += step) {
      zc[m++] = frame.inverse(new double[] {pts.x(i), pts.y(i), pts.z(i)})[2];
    }
    double[] zs = Arrays.copyOf(zc, m);
    Arrays.sort(zs);
    double zNear = m == 0 ? 0 : SceneLifter.percentile(zs, 5);

    // occlusion by depth ordering inside the 2D region; depth coverage of the object's pixels
    long readings = 0, nearer = 0, own = 0, ownValid = 0;
    double nearLimit = zNear - tolerance(zNear);
    for (int v = region[1]; v <= region[3]; v++) {
      for (int u = region[0]; u <= region[2]; u++) {
        int idx = v * w + u;
        float z = d[idx];
        boolean valid = z >= minDepth && z <= maxDepth;
        boolean isObject = mask != null ? MaskBits.get(mask, idx) : true;
        if (isObject) {
          own++;
          ownValid += valid ? 1 : 0;
        }
        if (!valid || (v % stride != 0 || u % stride != 0)) {
          continue;
        }
        readings++;
        if (MaskBits.get(member, idx) || z >= nearLimit) {
          continue;
        }
        if (supportKnown && height(frame, k, u, v, z) < floorBand) {
          continue; // the floor in front of an object does not hide it
        }
        nearer++;
      }
    }
    double occluded = readings == 0 ? 0 : nearer / (double) readings;
    double coverage = own == 0 ? 0 : ownValid / (double) own;

    // sampling steps along canonical axes: consecutive valid object pixels along rows and columns
    double[] sampling = sampling(member, d, w, region, k, frame, stride, minDepth, maxDepth);

    // cut faces
    double[] c = box.center(), e = box.extent();
    double bottom = c[2] - e[2] / 2;
    boolean onSupport = supportKnown && Math.abs(bottom) <= SceneLifter.GROUND_TOLERANCE_M;
    int gapPx =
        Math.max(stride, (int) Math.ceil(pixelGap(member, d, w, region, minDepth, maxDepth)));
    List<String> cut = new ArrayList<>();
    for (int f = 0; f < 6; f++) {
      if (f == 4 && onSupport) {
        continue; // stands on the support plane
      }
      if (faceCut(
          pts,
          f,
          sampling[f / 2],
          member,
          depth,
          k,
          frame,
          supportKnown,
          floorBand,
          gapPx,
          minDepth,
          maxDepth)) {
        cut.add(FACES[f]);
      }
    }
    // most of its footprint shows nearer surfaces: the visible part is the smaller part
    boolean mostlyHidden = occluded >= MOSTLY_HIDDEN;
    List<String> unreliable = new ArrayList<>();
    double[] uncertainty = new double[6];
    for (int a = 0; a < 3; a++) {
      boolean minus = cut.contains(FACES[2 * a]), plus = cut.contains(FACES[2 * a + 1]);
      if (minus || plus || mostlyHidden || 2 * sampling[a] > SAMPLING_SHARE * e[a]) {
        unreliable.add(EXTENTS[a]);
      }
      uncertainty[2 * a] = sampling[a] + (minus ? e[a] / 2 : 0);
      uncertainty[2 * a + 1] = sampling[a] + (plus ? e[a] / 2 : 0);
    }
    return new Visibility(
        List.copyOf(sides),
        occluded,
        coverage,
        sampling,
        List.copyOf(cut),
        List.copyOf(unreliable),
        uncertainty);
  }

  private static double height(
      SceneLifter.Frame frame, CameraIntrinsics k, int u, int v, double z) {
    return frame.apply((u - k.cx()) / k.fx() * z, (v - k.cy()) / k.fy() * z, z)[2];
  }

  private static boolean valid(float z, double lo, double hi) {
    return z >= lo && z <= hi;
  }

  /** Median pixel distance between consecutive valid object pixels (rows and columns pooled). */
  static double pixelGap(byte[] member, float[] d, int w, int[] r, double lo, double hi) {
    int cap = Math.max(r[2] - r[0], r[3] - r[1]) + 2;
    long[] hist = new long[cap];
    long total = 0;
    for (int dir = 0; dir < 2; dir++) {
      int outerLo = dir == 0 ? r[1] : r[0], outerHi = dir == 0 ? r[3] : r[2];
      int innerLo = dir == 0 ? r[0] : r[1], innerHi = dir == 0 ? r[2] : r[3];
      for (int a = outerLo; a <= outerHi; a++) {
        int last = -1;
        for (int b = innerLo; b <= innerHi; b++) {
          int idx = dir == 0 ? a * w + b : b * w + a;
          if (MaskBits.get(member, idx) && valid(d[idx], lo, hi)) {
            if (last >= 0) {
              hist[b - last]++;
              total++;
            }
            last = b;
          }
        }
      }
    }
    long seen = 0;
    for (int g = 0; g < cap; g++) {
      seen += hist[g];
      if (2 * seen > total) {
        return g;
      }
    }
    return 1;
  }

  /** Per canonical axis, the larger of the row-wise and column-wise median sample steps. */
  static double[] sampling(
      byte[] member,
      float[] d,
      int w,
      int[] r,
      CameraIntrinsics k,
      SceneLifter.Frame frame,
      int stride,
      double lo,
      double hi) {
    double[] out = new double[3];
    for (int dir = 0; dir < 2; dir++) { // 0: along rows, 1: along columns
      List<double[]> steps = new ArrayList<>();
      int outerLo = dir == 0 ? r[1] : r[0], outerHi = dir == 0 ? r[3] : r[2];
      int innerLo = dir == 0 ? r[0] : r[1], innerHi = dir == 0 ? r[2] : r[3];
      for (int a = outerLo; a <= outerHi; a += stride) {
        double[] prev = null;
        for (int b = innerLo; b <= innerHi; b += stride) {
          int u = dir == 0 ? b : a, v = dir == 0 ? a : b;
          int idx = v * w + u;
          float z = d[idx];
          if (!MaskBits.get(member, idx) || !valid(z, lo, hi)) {
            continue;
          }
          double[] p = frame.apply((u - k.cx()) / k.fx() * z, (v - k.cy()) / k.fy() * z, z);
          if (prev != null) {
            steps.add(
                new double[] {
                  Math.abs(p[0] - prev[0]), Math.abs(p[1] - prev[1]), Math.abs(p[2] - prev[2])
                });
          }
          prev = p;
        }
      }
      if (steps.isEmpty()) {
        continue;
      }
      for (int axis = 0; axis < 3; axis++) {
        double[] s = new double[steps.size()];
        for (int i = 0; i < s.length; i++) {
          s[i] = steps.get(i)[axis];
        }
        Arrays.sort(s);
        out[axis] = Math.max(out[axis], SceneLifter.percentile(s, 50));
      }
    }
    return out;
  }

  /** Whether most of the outermost points towards face f lie at the border or an occluder. */
  private static boolean faceCut(
      Points pts,
      int f,
      double samplingStep,
      byte[] member,
      DepthImage depth,
      CameraIntrinsics k,
      SceneLifter.Frame frame,
      boolean supportKnown,
      double floorBand,
      int gapPx,
      double lo,
      double hi) {
    int axis = f / 2, sign = f % 2 == 0 ? -1 : 1;
    int n = pts.size();
    double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double a = coord(pts, i, axis);
      min = Math.min(min, a);
      max = Math.max(max, a);
    }
    double extreme = sign < 0 ? min : max;
    double band = Math.max(Math.max(FACE_BAND_SHARE * (max - min), samplingStep), 0.01);
    List<Integer> outer = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (sign * (coord(pts, i, axis) - extreme) >= -band) {
        outer.add(i);
      }
    }
    int every = Math.max(1, outer.size() / MAX_FACE_POINTS);
    int w = depth.width(), h = depth.height();
    float[] d = depth.metres();
    int reach = Math.max(4, 3 * gapPx);
    int cutCount = 0, bounded = 0, border = 0;
    for (int j = 0; j < outer.size(); j += every) {
      int i = outer.get(j);
      double[] p = {pts.x(i), pts.y(i), pts.z(i)};
      double[] q = p.clone();
      q[axis] += sign * band;
      double[] pc = frame.inverse(p), qc = frame.inverse(q);
      if (pc[2] <= lo) {
        continue;
      }
      double pu = k.fx() * pc[0] / pc[2] + k.cx(), pv = k.fy() * pc[1] / pc[2] + k.cy();
      if (qc[2] <= lo) {
        cutCount++; // moving out through the face leaves the view
        border++;
        continue;
      }
      double qu = k.fx() * qc[0] / qc[2] + k.cx(), qv = k.fy() * qc[1] / qc[2] + k.cy();
      double du = qu - pu, dv = qv - pv, len = Math.hypot(du, dv);
      if (len < 1e-3) {
        continue; // along the viewing ray: hidden by the object itself, not judged here
      }
      du /= len;
      dv /= len;
      int verdict = 0;
      for (int s = 1; s <= reach && verdict == 0; s++) {
        int u = (int) Math.round(pu + du * s), v = (int) Math.round(pv + dv * s);
        if (u < 0 || v < 0 || u >= w || v >= h) {
          verdict = 1; // the image border
          border++;
          break;
        }
        int idx = v * w + u;
        float z = d[idx];
        if (MaskBits.get(member, idx) || !valid(z, lo, hi)) {
          continue;
        }
        boolean nearer = z < pc[2] - tolerance(pc[2]);
        if (nearer && supportKnown && height(frame, k, u, v, z) < floorBand) {
          nearer = false; // the floor is not an occluder
        }
        verdict = nearer ? 1 : -1;
      }
      if (verdict > 0) {
        cutCount++;
      } else if (verdict < 0) {
        bounded++;
      }
    }
    // the border is certain (no depth noise decides it): one outermost point there is enough
    return border > 0 || cutCount > bounded;
  }

  private static double coord(Points pts, int i, int axis) {
    return axis == 0 ? pts.x(i) : axis == 1 ? pts.y(i) : pts.z(i);
  }
}
