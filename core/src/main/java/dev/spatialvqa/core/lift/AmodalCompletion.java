package dev.spatialvqa.core.lift;

import java.util.Arrays;
import java.util.List;

/**
 * Amodal completion of an object's horizontal extents by free-space reasoning along viewing rays.
 *
 * <p>A box fitted to the visible points ends where the visible surface ends, which is the object's
 * end only when something is seen beyond it. For each horizontal side of the axis-aligned box (-x,
 * +x, -y towards the viewer, +y away), the side's face is pushed outwards in small steps. At each
 * step a grid of sample points on the pushed face (spanning the horizontal and vertical range of
 * the visible points near that side, i.e. the object's local cross-section) is projected into the
 * depth map, and each sample is judged:
 *
 * <ul>
 *   <li>hidden (consistent): outside the image, or the pixel shows something nearer than the sample
 *       that is the object itself (self-occlusion) or lies in front of the object (an occluder);
 *   <li>contradicted: the pixel shows a surface farther than the sample (the ray passed through
 *       free space where the extended object would be), a surface of something else at the sample
 *       (touching a neighbour, the floor, a wall), or a background surface between the object and
 *       the sample (a wall behind the object);
 *   <li>unknown: no depth reading.
 * </ul>
 *
 * Space inside another object's visible (oriented) box is occupied too, so an object completed
 * behind an occluder stops at the occluder's back face instead of running through it. Each side is
 * judged in {@link #ALONG} columns across it, each with the vertical range of the object's own
 * points near that column (the local cross-section: a bed's headboard is not extended over its
 * foot); a column stops at its first contradicted sample (or after {@link #MAX_IDLE_STEPS} steps
 * without any reading) and the side moves by the median column's distance. So a side with
 * background visible beyond it stays where it is, and a side hidden by an occluder, the object
 * itself or the image border grows until observed free space, a neighbour, a wall or the floor
 * bounds it, at most by the prior {@link #MAX_HIDDEN_SHARE} of the visible extent along that axis
 * (when nothing bounds the hidden part, e.g. beyond the image border, the visible part is taken to
 * be at least half of the object) and {@link #MAX_EXTENSION_M}. Heights are not changed (see the
 * ground contact in {@link SceneLifter}). The prior was chosen on the synthetic scenes (a cabinet
 * whose back is hidden by itself: 0.29 m visible of 0.63 m), never on the ground truth of the real
 * scenes.
 */
final class AmodalCompletion {
  /** Upper bound of a hidden extension as a share of the visible extent along the same axis. */
  static final double MAX_HIDDEN_SHARE = 1.0;

  /** Absolute cap of one side's extension, metres. */
  static final double MAX_EXTENSION_M = 1.5;

  static final double STEP_M = 0.03;

  /**
   * Points within this share of the extent (at least {@link #BAND_MIN_M}) of a side describe it.
   */
  static final double BAND_SHARE = 0.15;

  static final double BAND_MIN_M = 0.05;

  /** Samples below this height are skipped (they would meet the support plane). */
  static final double FLOOR_CLEARANCE_M = 0.1;

  /** A column with no hidden sample for this many steps (no readings) stops. */
  static final int MAX_IDLE_STEPS = 3;

  static final int ALONG = 7;
  static final int UP = 5;

  /** A column needs this many of the side's points to have a vertical profile. */
  static final int MIN_COLUMN_POINTS = 3;

  private AmodalCompletion() {}

  /** Depth tolerance (m) at camera depth z: structured-light noise grows with z^2. */
  static double tolerance(double z) {
    return 0.05 + 0.005 * z * z;
  }

  /**
   * The completed box (or {@code box} itself when no side moves).
   *
   * @param pts the object's cleaned cloud (canonical)
   * @param member the object's pixels (mask bits)
   */
  /** What the completion needs of one lifted object: its cleaned cloud and its pixels. */
  record Part(Points pts, byte[] member) {}

  /**
   * The completed box (or {@code box} itself when no side moves).
   *
   * @param part the object's cleaned cloud (canonical) and pixels (mask bits)
   * @param others the visible boxes of the scene's objects (the object itself is skipped): space
   *     they measure is occupied
   */
  static LiftedObject complete(
      LiftedObject box,
      Part part,
      List<LiftedObject> others,
      DepthImage depth,
      CameraIntrinsics k,
      SceneLifter.Frame frame,
      double minDepth,
      double maxDepth) {
    Points pts = part.pts();
    byte[] member = part.member();
    List<LiftedObject> occupied = others.stream().filter(o -> o != box).toList();
    int n = pts.size();
    // farthest visible camera depth of the object (95th percentile): background beyond it is not an
    // occluder
    int step = Math.max(1, n / 300);
    double[] zc = new double[(n + step - 1) / step];
    int m = 0;
    for (int i = 0; i < n && m < zc.length; i += step) {
      zc[m++] = frame.inverse(new double[] {pts.x(i), pts.y(i), pts.z(i)})[2];
    }
    double[] zs = Arrays.copyOf(zc, m);
    Arrays.sort(zs);
    double farObject = SceneLifter.percentile(zs, 95);

    RowBounds rows = RowBounds.of(member, depth.width(), depth.height());
    double[] c = box.center(), e = box.extent();
    double[] lo = {c[0] - e[0] / 2, c[1] - e[1] / 2}, hi = {c[0] + e[0] / 2, c[1] + e[1] / 2};
    // the search starts at the 1st/99th percentile faces: a single noisy point at the box's face
    // would put the first samples inside the depth noise band
    double[][] faces = {trimmedRange(pts, 0), trimmedRange(pts, 1)};
    double[] grow = new double[4]; // -x, +x, -y, +y
    for (int side = 0; side < 4; side++) {
      int axis = side / 2;
      int sign = side % 2 == 0 ? -1 : 1;
      double start = sign < 0 ? faces[axis][0] : faces[axis][1];
      double reach =
          extension(
              pts,
              occupied,
              depth,
              k,
              frame,
              member,
              rows,
              minDepth,
              maxDepth,
              farObject,
              axis,
              sign,
              start,
              faces[axis][1] - faces[axis][0]);
      // the side moves only when the completed face lies beyond the box's own face
      double boxFace = sign < 0 ? lo[axis] : hi[axis];
      grow[side] = reach == 0 ? 0 : Math.max(0, sign * (start + sign * reach - boxFace));
    }
    if (grow[0] + grow[1] + grow[2] + grow[3] == 0) {
      return box;
    }
    double[] center = c.clone(), extent = e.clone();
    center[0] += (grow[1] - grow[0]) / 2;
    extent[0] += grow[0] + grow[1];
    center[1] += (grow[3] - grow[2]) / 2;
    extent[1] += grow[2] + grow[3];
    // the oriented box grows to cover the same extensions along its own axes
    double h = box.headingRad(), ch = Math.cos(h), sh = Math.sin(h);
    double dx = (grow[1] - grow[0]) / 2, dy = (grow[3] - grow[2]) / 2;
    double[] oc = box.orientedCenter().clone(), oe = box.orientedExtent().clone();
    oc[0] += dx;
    oc[1] += dy;
    double gx = grow[0] + grow[1], gy = grow[2] + grow[3];
    oe[0] += Math.abs(ch) * gx + Math.abs(sh) * gy;
    oe[1] += Math.abs(sh) * gx + Math.abs(ch) * gy;
    return box.withBox(frame.inverse(center), center, extent, oc, oe);
  }

  /** How far (m) the side {@code sign} of {@code axis} at {@code face} can move outwards. */
  private static double extension(
      Points pts,
      List<LiftedObject> occupied,
      DepthImage depth,
      CameraIntrinsics k,
      SceneLifter.Frame frame,
      byte[] member,
      RowBounds rows,
      double minDepth,
      double maxDepth,
      double farObject,
      int axis,
      int sign,
      double face,
      double visibleExtent) {
    double cap = Math.min(MAX_EXTENSION_M, MAX_HIDDEN_SHARE * visibleExtent);
    if (cap < STEP_M) {
      return 0;
    }
    // the object's cross-section near this side: range across (other horizontal axis) and up
    double band = Math.max(BAND_MIN_M, BAND_SHARE * visibleExtent);
    int other = 1 - axis;
    int n = pts.size();
    double[] across = new double[n], up = new double[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      double a = axis == 0 ? pts.x(i) : pts.y(i);
      if (sign * (a - face) >= -band) {
        across[m] = other == 0 ? pts.x(i) : pts.y(i);
        up[m] = pts.z(i);
        m++;
      }
    }
    if (m < 5) {
      return 0;
    }
    double[] ac = Arrays.copyOf(across, m);
    Arrays.sort(ac);
    double a0 = SceneLifter.percentile(ac, 5), a1 = SceneLifter.percentile(ac, 95);
    // the local vertical profile of each column: the side's points binned across
    double[] zlo = new double[ALONG], zhi = new double[ALONG];
    Arrays.fill(zlo, Double.POSITIVE_INFINITY);
    Arrays.fill(zhi, Double.NEGATIVE_INFINITY);
    int[] count = new int[ALONG];
    double binWidth = Math.max(1e-6, (a1 - a0) / ALONG);
    for (int i = 0; i < m; i++) {
      int bin = (int) Math.floor((across[i] - a0) / binWidth);
      if (bin < 0 || bin >= ALONG) {
        continue;
      }
      count[bin]++;
      zlo[bin] = Math.min(zlo[bin], up[i]);
      zhi[bin] = Math.max(zhi[bin], up[i]);
    }
    double[] stops = new double[ALONG];
    for (int i = 0; i < ALONG; i++) {
      if (count[i] < MIN_COLUMN_POINTS) {
        continue; // no profile to extend
      }
      double a = a0 + (a1 - a0) * (i + 0.5) / ALONG;
      double z0 = Math.max(FLOOR_CLEARANCE_M, zlo[i]), z1 = Math.max(z0, zhi[i]);
      int idle = 0;
      for (double t = STEP_M; t <= cap + 1e-9; t += STEP_M) {
        double pos = face + sign * t;
        int hidden = 0, contradicted = 0;
        for (int j = 0; j < UP; j++) {
          double z = z0 + (z1 - z0) * j / (UP - 1);
          double[] q = axis == 0 ? new double[] {pos, a, z} : new double[] {a, pos, z};
          int verdict =
              inside(q, occupied)
                  ? -1
                  : judge(q, depth, k, frame, member, rows, minDepth, maxDepth, farObject);
          hidden += verdict > 0 ? 1 : 0;
          contradicted += verdict < 0 ? 1 : 0;
        }
        if (contradicted > 0) {
          break;
        }
        idle = hidden == 0 ? idle + 1 : 0;
        if (idle == MAX_IDLE_STEPS) {
          break;
        }
        if (hidden > 0) {
          stops[i] = t;
        }
      }
    }
    Arrays.sort(stops);
    return stops[ALONG / 2];
  }

  /**
   * 1 when the sample (canonical) is hidden (out of view, behind the object itself or behind an
   * occluder, or on the object's own surface), -1 when the depth map contradicts it, 0 when
   * unknown.
   */
  private static int judge(
      double[] q,
      DepthImage depth,
      CameraIntrinsics k,
      SceneLifter.Frame frame,
      byte[] member,
      RowBounds rows,
      double minDepth,
      double maxDepth,
      double farObject) {
    double[] cam = frame.inverse(q);
    if (cam[2] <= minDepth) {
      return 1; // behind the camera plane: out of view
    }
    int w = depth.width(), h = depth.height();
    int ui = (int) Math.round(k.fx() * cam[0] / cam[2] + k.cx());
    int vi = (int) Math.round(k.fy() * cam[1] / cam[2] + k.cy());
    if (ui < 0 || vi < 0 || ui >= w || vi >= h) {
      return 1; // beyond the image border
    }
    int idx = vi * w + ui;
    float[] d = depth.metres();
    float obs = d[idx];
    if (!(obs >= minDepth && obs <= maxDepth)) {
      return 0; // no reading
    }
    double tol = tolerance(cam[2]);
    boolean own = MaskBits.get(member, idx);
    if (obs > cam[2] + tol) {
      return -1; // seen through: free space where the extended object would be
    }
    if (obs >= cam[2] - tol) {
      return own ? 1 : -1; // another surface (a neighbour, the floor, a wall) occupies the sample
    }
    if (own) {
      // self-occlusion, unless the background seen beside the object on this row is nearer than
      // the sample (the back cannot pass through the wall it stands against)
      double bg = rows.backgroundBeside(d, member, w, vi, minDepth, maxDepth);
      return bg > 0 && bg < cam[2] - tol ? -1 : 1;
    }
    // an occluder in front of the object, or a background surface (wall) between object and sample
    return obs <= farObject + tol ? 1 : -1;
  }

  /** {1st, 99th} percentile of the cloud along horizontal axis 0 (x) or 1 (y). */
  static double[] trimmedRange(Points pts, int axis) {
    double[] v = new double[pts.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = axis == 0 ? pts.x(i) : pts.y(i);
    }
    Arrays.sort(v);
    return new double[] {SceneLifter.percentile(v, 1), SceneLifter.percentile(v, 99)};
  }

  /** Whether canonical point q lies in one of the (oriented) boxes. */
  static boolean inside(double[] q, List<LiftedObject> boxes) {
    for (LiftedObject b : boxes) {
      double[] c = b.orientedCenter(), e = b.orientedExtent();
      if (Math.abs(q[2] - c[2]) > e[2] / 2) {
        continue;
      }
      double ch = Math.cos(b.headingRad()), sh = Math.sin(b.headingRad());
      double dx = q[0] - c[0], dy = q[1] - c[1];
      if (Math.abs(ch * dx + sh * dy) <= e[0] / 2 && Math.abs(-sh * dx + ch * dy) <= e[1] / 2) {
        return true;
      }
    }
    return false;
  }

  /** Pixels scanned outwards from the object's silhouette on a row for the background beside it. */
  static final int BESIDE_SCAN = 40;

  /** The leftmost and rightmost object pixel of each image row. */
  record RowBounds(int[] first, int[] last) {
    static RowBounds of(byte[] member, int w, int h) {
      int[] first = new int[h], last = new int[h];
      Arrays.fill(first, -1);
      Arrays.fill(last, -1);
      for (int v = 0; v < h; v++) {
        int f = MaskBits.firstSet(member, v * w, v * w + w);
        if (f >= 0) {
          first[v] = f - v * w;
          last[v] = MaskBits.lastSet(member, f, v * w + w) - v * w;
        }
      }
      return new RowBounds(first, last);
    }

    /**
     * The farther of the first valid non-object depths left and right of the object's silhouette on
     * row v (within {@link #BESIDE_SCAN} pixels), or -1 when neither side shows one.
     */
    double backgroundBeside(
        float[] d, byte[] member, int w, int v, double minDepth, double maxDepth) {
      if (first[v] < 0) {
        return -1;
      }
      double best = -1;
      for (int dir = -1; dir <= 1; dir += 2) {
        int start = dir < 0 ? first[v] - 1 : last[v] + 1;
        for (int i = 0, x = start; i < BESIDE_SCAN && x >= 0 && x < w; i++, x += dir) {
          int idx = v * w + x;
          float z = d[idx];
          if (!MaskBits.get(member, idx) && z >= minDepth && z <= maxDepth) {
            best = Math.max(best, z);
            break;
          }
        }
      }
      return best;
    }
  }
}
