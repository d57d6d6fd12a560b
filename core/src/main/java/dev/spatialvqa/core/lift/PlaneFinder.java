package dev.spatialvqa.core.lift;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Finds horizontal support surfaces (floor, table and bed tops, ceilings) and from them gravity.
 *
 * <ol>
 *   <li>The depth map is sampled on a regular pixel grid (about 20k cells) and back-projected; each
 *       cell gets a surface normal from central differences of its grid neighbours (cells at a
 *       depth discontinuity get none).
 *   <li>Candidates are the cells whose normal lies within {@code cone + 20} degrees of the cone
 *       axis: the camera's own up axis (-y, "roughly upright camera", cone = {@link
 *       LiftConfig#maxCameraTiltDeg()}), or the given up vector (cone = 10 degrees).
 *   <li>Sequential RANSAC on an even subsample of the candidates: a hypothesis whose normal lies
 *       outside the cone is rejected before scoring, so a wall (normal perpendicular to gravity,
 *       hence at least {@code 90 - tilt} degrees from the camera's up axis) is never a horizontal
 *       plane. Inliers are within {@code planeInlierM * (0.5 + z^2/8)} metres (depth noise grows
 *       with z^2) and have a normal within 30 degrees of the plane's. The best plane is refit by
 *       least squares (smallest eigenvector of its inliers' scatter), re-scored, and kept when it
 *       holds at least {@link LiftConfig#minPlaneFraction()} of the valid samples and spans an area
 *       (not a strip along a wall corner); its inliers are removed and the search repeats.
 *   <li>Accepted planes must be parallel (10 degrees) to the largest one. Gravity is the smallest
 *       eigenvector of their pooled, per-plane-centred scatter, oriented towards the cone axis.
 *   <li>The support plane is the lowest accepted plane below the camera, unless more than 3% of the
 *       samples lie over 15 cm below it (then the floor was not seen: no support plane).
 * </ol>
 */
public final class PlaneFinder {
  private static final double NORMAL_AGREEMENT_DEG = 30;
  private static final double PARALLEL_DEG = 10;
  private static final double GIVEN_CONE_DEG = 10;
  private static final double MIN_SPREAD_M = 0.05;

  /** An accepted horizontal plane: unit normal (up), camera height above it, inlier count. */
  public record Plane(double[] normal, double cameraHeightM, int inliers) {}

  /**
   * @param up unit up vector (camera coordinates), or null when no horizontal plane was accepted
   * @param supportHeightM camera height above the support plane, or null
   * @param planes accepted planes, largest first
   * @param samples valid grid samples
   */
  public record Result(
      double[] up, Double supportHeightM, List<Plane> planes, int samples, int candidates) {}

  private final LiftConfig config;

  public PlaneFinder(LiftConfig config) {
    this.config = config;
  }

  public Result find(DepthImage depth, CameraIntrinsics k, double[] givenUp) {
    int w = depth.width(), h = depth.height();
    int stride = Math.max(1, (int) Math.round(Math.sqrt((double) w * h / 20_000)));
    int gw = (w + stride - 1) / stride, gh = (h + stride - 1) / stride;
    float[] d = depth.metres();
    double minD = config.minDepthM(), maxD = config.maxDepthM();
    float[] gp = new float[gw * gh * 3];
    boolean[] valid = new boolean[gw * gh];
    int samples = 0;
    for (int gy = 0; gy < gh; gy++) {
      int v = gy * stride;
      for (int gx = 0; gx < gw; gx++) {
        int u = gx * stride;
        float z = d[v * w + u];
        if (!(z >= minD && z <= maxD)) {
          continue;
        }
        int g = gy * gw + gx;
        gp[3 * g] = (float) ((u - k.cx()) / k.fx() * z);
        gp[3 * g + 1] = (float) ((v - k.cy()) / k.fy() * z);
        gp[3 * g + 2] = z;
        valid[g] = true;
        samples++;
      }
    }
    double[] axis = givenUp != null ? Linalg.normalize(givenUp) : new double[] {0, -1, 0};
    double coneDeg = givenUp != null ? GIVEN_CONE_DEG : config.maxCameraTiltDeg();
    double cosCone = Math.cos(Math.toRadians(coneDeg));
    double cosCandidate = Math.cos(Math.toRadians(Math.min(89, coneDeg + 20)));

    // candidates: cells with a normal near the cone axis
    int maxCand = gw * gh;
    float[] cp = new float[maxCand * 3];
    float[] cn = new float[maxCand * 3];
    int nc = 0;
    for (int gy = 1; gy < gh - 1; gy++) {
      for (int gx = 1; gx < gw - 1; gx++) {
        int g = gy * gw + gx;
        int l = g - 1, r = g + 1, t = g - gw, b = g + gw;
        if (!valid[g] || !valid[l] || !valid[r] || !valid[t] || !valid[b]) {
          continue;
        }
        double z = gp[3 * g + 2];
        double jump = 0.1 * z;
        if (Math.abs(gp[3 * l + 2] - z) > jump
            || Math.abs(gp[3 * r + 2] - z) > jump
            || Math.abs(gp[3 * t + 2] - z) > jump
            || Math.abs(gp[3 * b + 2] - z) > jump) {
          continue;
        }
        double ax = gp[3 * r] - gp[3 * l],
            ay = gp[3 * r + 1] - gp[3 * l + 1],
            az = gp[3 * r + 2] - gp[3 * l + 2];
        double bx = gp[3 * b] - gp[3 * t],
            by = gp[3 * b + 1] - gp[3 * t + 1],
            bz = gp[3 * b + 2] - gp[3 * t + 2];
        double nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
        double nn = Math.sqrt(nx * nx + ny * ny + nz * nz);
        if (nn == 0) {
          continue;
        }
        nx /= nn;
        ny /= nn;
        nz /= nn;
        double c = nx * axis[0] + ny * axis[1] + nz * axis[2];
        if (Math.abs(c) < cosCandidate) {
          continue;
        }
        if (c < 0) {
          nx = -nx;
          ny = -ny;
          nz = -nz;
        }
        cp[3 * nc] = gp[3 * g];
        cp[3 * nc + 1] = gp[3 * g + 1];
        cp[3 * nc + 2] = gp[3 * g + 2];
        cn[3 * nc] = (float) nx;
        cn[3 * nc + 1] = (float) ny;
        cn[3 * nc + 2] = (float) nz;
        nc++;
      }
    }
    int candidates = nc;
    // even subsample for RANSAC
    int step = Math.max(1, (nc + config.ransacMaxPoints() - 1) / config.ransacMaxPoints());
    int m = (nc + step - 1) / step;
    float[] sp = new float[m * 3];
    float[] sn = new float[m * 3];
    float[] thr = new float[m];
    for (int i = 0, j = 0; i < nc; i += step, j++) {
      System.arraycopy(cp, 3 * i, sp, 3 * j, 3);
      System.arraycopy(cn, 3 * i, sn, 3 * j, 3);
      double z = cp[3 * i + 2];
      thr[j] = (float) (config.planeInlierM() * (0.5 + z * z / 8));
    }
    int minInliers = Math.max(20, (int) Math.ceil(config.minPlaneFraction() * samples / step));

    SplittableRandom rnd = new SplittableRandom(config.seed());
    boolean[] removed = new boolean[m];
    int[] active = new int[m];
    List<double[]> planeFits = new ArrayList<>(); // normal(3), centroid(3), scatter(9), inliers
    double cosAgree = Math.cos(Math.toRadians(NORMAL_AGREEMENT_DEG));
    for (int round = 0; round < config.maxPlanes(); round++) {
      int na = 0;
      for (int i = 0; i < m; i++) {
        if (!removed[i]) {
          active[na++] = i;
        }
      }
      if (na < minInliers) {
        break;
      }
      double[] best = null;
      int bestCount = 0;
      int iterations = config.ransacIterations();
      for (int it = 0; it < iterations; it++) {
        int i1 = active[rnd.nextInt(na)],
            i2 = active[rnd.nextInt(na)],
            i3 = active[rnd.nextInt(na)];
        if (i1 == i2 || i2 == i3 || i1 == i3) {
          continue;
        }
        double ux = sp[3 * i2] - sp[3 * i1],
            uy = sp[3 * i2 + 1] - sp[3 * i1 + 1],
            uz = sp[3 * i2 + 2] - sp[3 * i1 + 2];
        double vx = sp[3 * i3] - sp[3 * i1],
            vy = sp[3 * i3 + 1] - sp[3 * i1 + 1],
            vz = sp[3 * i3 + 2] - sp[3 * i1 + 2];
        double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
        double nn = Math.sqrt(nx * nx + ny * ny + nz * nz);
        if (nn < 1e-9) {
          continue;
        }
        nx /= nn;
        ny /= nn;
        nz /= nn;
        double c = nx * axis[0] + ny * axis[1] + nz * axis[2];
        if (Math.abs(c) < cosCone) {
          continue; // not horizontal for a roughly upright camera: a wall or a slope
        }
        if (c < 0) {
          nx = -nx;
          ny = -ny;
          nz = -nz;
        }
        double[] n = {nx, ny, nz, -(nx * sp[3 * i1] + ny * sp[3 * i1 + 1] + nz * sp[3 * i1 + 2])};
        int count = countInliers(n, sp, sn, thr, active, na, cosAgree, null);
        if (count > bestCount) {
          bestCount = count;
          best = n;
          double wIn = (double) count / na;
          int needed =
              (int) Math.ceil(Math.log(0.01) / Math.log(Math.max(1e-9, 1 - wIn * wIn * wIn)));
          iterations = Math.min(config.ransacIterations(), Math.max(it + 1, needed));
        }
      }
      if (best == null || bestCount < minInliers) {
        break;
      }
      int[] in = new int[na];
      double[] fit = null;
      for (int pass = 0; pass < 2; pass++) {
        int cnt = countInliers(best, sp, sn, thr, active, na, cosAgree, in);
        if (cnt < 3) {
          break;
        }
        fit = fitPlane(sp, in, cnt);
        double[] n = {fit[0], fit[1], fit[2]};
        if (Linalg.dot(n, axis) < 0) {
          n = Linalg.scale(n, -1);
        }
        best = new double[] {n[0], n[1], n[2], -(n[0] * fit[3] + n[1] * fit[4] + n[2] * fit[5])};
      }
      int cnt = countInliers(best, sp, sn, thr, active, na, cosAgree, in);
      for (int q = 0; q < cnt; q++) {
        removed[in[q]] = true;
      }
      if (fit == null || cnt < minInliers) {
        break;
      }
      double[] n = {best[0], best[1], best[2]};
      if (Linalg.dot(n, axis) < cosCone) {
        continue;
      }
      fit = fitPlane(sp, in, cnt);
      if (Math.sqrt(Math.max(0, fit[16])) < MIN_SPREAD_M) {
        continue; // a strip (e.g. where two walls meet), not a surface
      }
      double[] rec = new double[17];
      System.arraycopy(best, 0, rec, 0, 3);
      System.arraycopy(fit, 3, rec, 3, 3);
      System.arraycopy(fit, 6, rec, 6, 9);
      rec[15] = cnt;
      planeFits.add(rec);
    }
    if (planeFits.isEmpty()) {
      return new Result(givenUp != null ? axis : null, null, List.of(), samples, candidates);
    }
    planeFits.sort((p, q) -> Double.compare(q[15], p[15]));
    double[] ref = {planeFits.get(0)[0], planeFits.get(0)[1], planeFits.get(0)[2]};
    List<double[]> accepted = new ArrayList<>();
    double[] pooled = new double[9];
    for (double[] p : planeFits) {
      if (Linalg.angleDeg(ref, new double[] {p[0], p[1], p[2]}) <= PARALLEL_DEG) {
        accepted.add(p);
        for (int q = 0; q < 9; q++) {
          pooled[q] += p[6 + q];
        }
      }
    }
    double[] up;
    if (givenUp != null) {
      up = axis;
    } else {
      up = Linalg.symmetricEigen(pooled).vectors()[0];
      if (Linalg.dot(up, axis) < 0) {
        up = Linalg.scale(up, -1);
      }
    }
    List<Plane> planes = new ArrayList<>();
    for (double[] p : accepted) {
      double height = -(up[0] * p[3] + up[1] * p[4] + up[2] * p[5]);
      planes.add(new Plane(new double[] {p[0], p[1], p[2]}, height, (int) p[15]));
    }
    Double support = null;
    for (Plane p : planes) {
      if (p.cameraHeightM() > 0.1 && (support == null || p.cameraHeightM() > support)) {
        support = p.cameraHeightM();
      }
    }
    if (support != null) {
      int below = 0;
      double limit = -support - 0.15;
      for (int g = 0; g < gw * gh; g++) {
        if (valid[g] && up[0] * gp[3 * g] + up[1] * gp[3 * g + 1] + up[2] * gp[3 * g + 2] < limit) {
          below++;
        }
      }
      if (below > 0.03 * samples) {
        support = null;
      }
    }
    return new Result(up, support, planes, samples, candidates);
  }

  private static int countInliers(
      double[] n,
      float[] sp,
      float[] sn,
      float[] thr,
      int[] active,
      int na,
      double cosAgree,
      int[] out) {
    int count = 0;
    double nx = n[0], ny = n[1], nz = n[2], d0 = n[3];
    for (int a = 0; a < na; a++) {
      int i = active[a];
      double dist = nx * sp[3 * i] + ny * sp[3 * i + 1] + nz * sp[3 * i + 2] + d0;
      if (Math.abs(dist) > thr[i]) {
        continue;
      }
      if (nx * sn[3 * i] + ny * sn[3 * i + 1] + nz * sn[3 * i + 2] < cosAgree) {
        continue;
      }
      if (out != null) {
        out[count] = i;
      }
      count++;
    }
    return count;
  }

  /**
   * Least-squares plane of the given points: {nx, ny, nz, cx, cy, cz, scatter(9, not normalised),
   * lambda_max/n, lambda_mid/n}.
   */
  private static double[] fitPlane(float[] sp, int[] idx, int cnt) {
    double cx = 0, cy = 0, cz = 0;
    for (int q = 0; q < cnt; q++) {
      int i = idx[q];
      cx += sp[3 * i];
      cy += sp[3 * i + 1];
      cz += sp[3 * i + 2];
    }
    cx /= cnt;
    cy /= cnt;
    cz /= cnt;
    double[] s = new double[9];
    for (int q = 0; q < cnt; q++) {
      int i = idx[q];
      double x = sp[3 * i] - cx, y = sp[3 * i + 1] - cy, z = sp[3 * i + 2] - cz;
      s[0] += x * x;
      s[1] += x * y;
      s[2] += x * z;
      s[4] += y * y;
      s[5] += y * z;
      s[8] += z * z;
    }
    s[3] = s[1];
    s[6] = s[2];
    s[7] = s[5];
    Linalg.Eigen3 e = Linalg.symmetricEigen(s);
    double[] n = e.vectors()[0];
    double[] out = new double[17];
    out[0] = n[0];
    out[1] = n[1];
    out[2] = n[2];
    out[3] = cx;
    out[4] = cy;
    out[5] = cz;
    System.arraycopy(s, 0, out, 6, 9);
    out[15] = e.values()[2] / cnt;
    out[16] = e.values()[1] / cnt;
    return out;
  }
}
