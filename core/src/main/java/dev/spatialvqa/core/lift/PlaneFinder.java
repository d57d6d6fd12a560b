package dev.spatialvqa.core.lift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Finds horizontal support surfaces (floor, road, table and bed tops, ceilings) and from them
 * gravity, on dense depth (Kinect-type, 60-90% of pixels valid), on sparse depth (LiDAR points
 * projected into the image, mesh vertices, random subsamples: 0.2-4% of pixels) and on views whose
 * floor shows only as a strip at the image bottom.
 *
 * <ol>
 *   <li>The image is divided into square blocks (about 20k); each block contributes one sample: its
 *       corner pixel when that has depth (dense depth: a regular grid); on sparse depth (under
 *       {@value #SPARSE_SHARE} of the pixels valid) else the block's first valid pixel (the
 *       readings themselves), back-projected.
 *   <li>Each sample gets a surface normal: from central differences of its four grid neighbours
 *       when they all have depth and no depth jump; on sparse depth else from the principal axes of
 *       the samples in the smallest window around it (3x3, 5x5, 7x7 or 11x11 blocks; depth within
 *       30% of its own) that holds at least six samples spread in two directions (not a single
 *       LiDAR row), and only when they are planar (thickness at most 20% of their width).
 *   <li>Candidates are the samples whose normal lies within {@code cone + 20} degrees of the cone
 *       axis: the camera's own up axis (-y, "roughly upright camera", cone = {@link
 *       LiftConfig#maxCameraTiltDeg()}), or the given up vector (cone = 10 degrees).
 *   <li>Sequential RANSAC on an even subsample of the candidates: a hypothesis whose normal lies
 *       outside the cone is rejected before scoring, so a wall (normal perpendicular to gravity,
 *       hence at least {@code 90 - tilt} degrees from the camera's up axis) is never a horizontal
 *       plane. Inliers are within {@link #inlierBand} of the plane ({@code planeInlierM * (0.5 +
 *       z^2/8)} metres: structured-light and stereo noise grows with z^2; on sparse depth, under
 *       {@value #SPARSE_SHARE} of the pixels, which comes from LiDAR or meshes whose noise does
 *       not, the growth stops at {@value #NOISE_GROWTH_LIMIT_M} m) and have a normal within 30
 *       degrees of the plane's. The best plane is refit by least squares (smallest eigenvector of
 *       its inliers' scatter), re-scored, and kept when it holds at least {@link
 *       LiftConfig#minPlaneFraction()} of the valid samples and spans an area (not a strip along a
 *       wall corner); its inliers are removed and the search repeats.
 *   <li>The floor (or road) is the lowest accepted plane more than 10 cm below the camera, unless
 *       more than 3% of the samples lie clearly below it (by more than 15 cm, the inlier band and
 *       {@code range * tan(3 deg)}: then the floor was not seen and that plane is furniture). The
 *       floor, else the largest plane, is the reference; a plane parallel to it (10 degrees) joins
 *       it only when their normals agree within twice their combined jackknife errors (see below),
 *       so a tilted duvet or desk top does not pull the floor's gravity. Gravity is the smallest
 *       eigenvector of the deciding planes' pooled, per-plane-centred scatter, oriented towards the
 *       cone axis. The support plane is the floor (of the planes within 15 cm of the lowest one,
 *       the largest: RANSAC may cut a noisy floor into pieces).
 *   <li>Confidence: the deciding inliers are split into four quadrants per plane (medians of the
 *       two in-plane axes); gravity is refit with each quadrant left out, and the delete-a-group
 *       jackknife gives the standard error {@code s} of the up vector (degrees; it sees noise,
 *       curvature and too small an area, not a bias shared by the whole plane). The confidence is
 *       {@code 1 - exp(-(3/s)^2)}: the probability that the error is within {@value #TOLERANCE_DEG}
 *       degrees under an isotropic Gaussian error of that size. Gravity is estimated (the scene is
 *       canonicalized) only when the confidence is at least {@value #MIN_CONFIDENCE}; otherwise
 *       {@link Evidence#reason()} says why not.
 * </ol>
 */
public final class PlaneFinder {
  private static final double NORMAL_AGREEMENT_DEG = 30;
  private static final double PARALLEL_DEG = 10;
  private static final double GIVEN_CONE_DEG = 10;
  private static final double MIN_SPREAD_M = 0.05;

  /** Depth maps with depth on fewer than this share of pixels are sparse (LiDAR, meshes). */
  public static final double SPARSE_SHARE = 0.2;

  /** Depth (m) beyond which the inlier band of sparse depth stops growing with z^2. */
  public static final double NOISE_GROWTH_LIMIT_M = 8;

  /** The confidence is the probability that the gravity error is within this many degrees. */
  public static final double TOLERANCE_DEG = 3;

  /** Estimated gravity is used (the scene canonicalized) only at this confidence or above. */
  public static final double MIN_CONFIDENCE = 0.9;

  private static final double TAN_TOLERANCE = Math.tan(Math.toRadians(TOLERANCE_DEG));

  /** A floor lies this far below the camera at least (metres). */
  static final double MIN_FLOOR_DEPTH_M = 0.1;

  /** Planes this close to the lowest one (metres) are the same floor level (pieces, a kerb). */
  static final double FLOOR_LEVEL_M = 0.15;

  /** Share of samples allowed clearly below the floor. */
  static final double BELOW_FLOOR_SHARE = 0.03;

  /** A parallel plane joins the deciding one when within this many combined standard errors. */
  static final double AGREEMENT_SIGMAS = 2;

  /** Local normal windows (half-sizes in blocks) and their requirements. */
  private static final int[] LOCAL_RADII = {1, 2, 3, 5};

  private static final int LOCAL_MIN_SAMPLES = 6;
  private static final double LOCAL_DEPTH_GATE = 0.3;

  /** Width / length of a local window's samples at least (else a single LiDAR row: a line). */
  private static final double LOCAL_MIN_WIDTH_RATIO = 0.2;

  /** Thickness / width of a local window's samples at most (else not a surface). */
  private static final double LOCAL_MAX_THICKNESS_RATIO = 0.2;

  /**
   * An accepted horizontal plane: unit normal (up), camera height above it, inlier count (RANSAC
   * samples), and its role: {@code floor} (the support plane), {@code above} (a parallel plane
   * above the floor or, with no floor seen, any accepted plane: furniture tops, ceilings).
   */
  public record Plane(double[] normal, double cameraHeightM, int inliers, String role) {}

  /**
   * What gravity was decided from, for the scene record.
   *
   * @param decidedBy {@code floor} (the floor or road alone), {@code horizontal_planes} (no floor
   *     seen: the planes parallel to the largest one), {@code given} (the input's vector), or null
   *     when no plane was found
   * @param planes how many planes decided
   * @param points their inliers (RANSAC samples; each stands for about one block of pixels)
   * @param uncertaintyDeg jackknife standard error of the estimated up vector, degrees (null when
   *     given or not estimated)
   * @param confidence probability that the estimate is within {@link #TOLERANCE_DEG} degrees (null
   *     when given or not estimated)
   * @param reason null when gravity is known; else why the scene is not canonicalized: {@code
   *     no_depth}, {@code no_horizontal_plane}, {@code uncertain_plane}
   * @param detail a readable sentence with the numbers
   */
  public record Evidence(
      String decidedBy,
      int planes,
      int points,
      Double uncertaintyDeg,
      Double confidence,
      String reason,
      String detail) {}

  /**
   * @param up unit up vector (camera coordinates), or null when gravity is not known
   * @param supportHeightM camera height above the support plane, or null
   * @param planes accepted planes, largest first
   * @param samples valid samples (one per block with depth)
   * @param candidates samples with a normal near the cone axis
   * @param evidence what decided gravity, or why nothing did
   */
  public record Result(
      double[] up,
      Double supportHeightM,
      List<Plane> planes,
      int samples,
      int candidates,
      Evidence evidence) {}

  private final LiftConfig config;

  public PlaneFinder(LiftConfig config) {
    this.config = config;
  }

  /**
   * Plane inlier distance (metres) at depth z: see the class comment; {@code sparse}: the depth
   * covers under {@value #SPARSE_SHARE} of the pixels (LiDAR, mesh vertices), whose noise does not
   * grow with z^2 beyond {@value #NOISE_GROWTH_LIMIT_M} m.
   */
  public static double inlierBand(double planeInlierM, double z, boolean sparse) {
    double zz = sparse ? Math.min(z, NOISE_GROWTH_LIMIT_M) : z;
    return planeInlierM * (0.5 + zz * zz / 8);
  }

  public Result find(DepthImage depth, CameraIntrinsics k, double[] givenUp) {
    int w = depth.width(), h = depth.height();
    int stride = Math.max(1, (int) Math.round(Math.sqrt((double) w * h / 20_000)));
    int gw = (w + stride - 1) / stride, gh = (h + stride - 1) / stride;
    float[] d = depth.metres();
    double minD = config.minDepthM(), maxD = config.maxDepthM();
    int validPixels = 0;
    for (float z : d) {
      validPixels += z >= minD && z <= maxD ? 1 : 0;
    }
    boolean sparse = validPixels < SPARSE_SHARE * w * h;
    float[] gp = new float[gw * gh * 3];
    boolean[] valid = new boolean[gw * gh];
    int samples = 0;
    for (int gy = 0; gy < gh; gy++) {
      for (int gx = 0; gx < gw; gx++) {
        int pixel = blockSample(d, w, h, gx * stride, gy * stride, sparse ? stride : 1, minD, maxD);
        if (pixel < 0) {
          continue;
        }
        int u = pixel % w, v = pixel / w;
        float z = d[pixel];
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

    // candidates: samples with a normal near the cone axis
    int maxCand = gw * gh;
    float[] cp = new float[maxCand * 3];
    float[] cn = new float[maxCand * 3];
    int nc = 0;
    double[] nrm = new double[3];
    for (int gy = 0; gy < gh; gy++) {
      for (int gx = 0; gx < gw; gx++) {
        int g = gy * gw + gx;
        if (!valid[g]) {
          continue;
        }
        if (!gridNormal(gp, valid, gw, gh, gx, gy, nrm)
            && !(sparse && localNormal(gp, valid, gw, gh, gx, gy, nrm))) {
          continue;
        }
        double nx = nrm[0], ny = nrm[1], nz = nrm[2];
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
      thr[j] = (float) inlierBand(config.planeInlierM(), cp[3 * i + 2], sparse);
    }
    int minInliers = Math.max(20, (int) Math.ceil(config.minPlaneFraction() * samples / step));

    SplittableRandom rnd = new SplittableRandom(config.seed());
    boolean[] removed = new boolean[m];
    int[] active = new int[m];
    List<double[]> planeFits = new ArrayList<>(); // normal(3), centroid(3), scatter(9), inliers
    List<int[]> planeInliers = new ArrayList<>();
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
      planeInliers.add(Arrays.copyOf(in, cnt));
    }
    if (samples == 0 || planeFits.isEmpty()) {
      String reason = samples == 0 ? "no_depth" : "no_horizontal_plane";
      String detail =
          samples == 0
              ? "no depth readings in range"
              : String.format(
                  Locale.ROOT,
                  "no horizontal plane within %.0f degrees of the %s among %d samples"
                      + " (%d with a near-horizontal surface normal)",
                  coneDeg,
                  givenUp != null ? "given up vector" : "camera's up axis",
                  samples,
                  candidates);
      Evidence ev =
          givenUp != null
              ? new Evidence("given", 0, 0, null, null, null, "given; " + detail)
              : new Evidence(null, 0, 0, null, null, reason, detail);
      return new Result(givenUp != null ? axis : null, null, List.of(), samples, candidates, ev);
    }
    // order planes by size, keeping their inlier lists aligned
    Integer[] order = new Integer[planeFits.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (p, q) -> Double.compare(planeFits.get(q)[15], planeFits.get(p)[15]));
    List<double[]> fits = new ArrayList<>();
    List<int[]> inliers = new ArrayList<>();
    for (int i : order) {
      fits.add(planeFits.get(i));
      inliers.add(planeInliers.get(i));
    }

    // the floor: the lowest plane clearly below the camera with (almost) nothing below it
    int floor = -1;
    double lowest = MIN_FLOOR_DEPTH_M;
    for (int i = 0; i < fits.size(); i++) {
      double[] p = fits.get(i);
      double hi = -(p[0] * p[3] + p[1] * p[4] + p[2] * p[5]);
      if (hi > lowest) {
        lowest = hi;
        floor = i;
      }
    }
    int belowFloor = 0;
    if (floor >= 0) {
      double[] p = fits.get(floor);
      belowFloor = countBelow(gp, valid, p, lowest, sparse);
      if (belowFloor > BELOW_FLOOR_SHARE * samples) {
        floor = -1;
      } else {
        // RANSAC may cut one floor into pieces: the largest plane at the floor's level stands for
        // it
        for (int i = 0; i < fits.size(); i++) {
          double[] q = fits.get(i);
          double hq = -(q[0] * q[3] + q[1] * q[4] + q[2] * q[5]);
          if (lowest - hq <= FLOOR_LEVEL_M && q[15] > fits.get(floor)[15]) {
            floor = i;
          }
        }
      }
    }
    int refIndex = floor >= 0 ? floor : 0;
    double[] ref = fits.get(refIndex);
    double[] refN = {ref[0], ref[1], ref[2]};
    List<Integer> parallel = new ArrayList<>();
    for (int i = 0; i < fits.size(); i++) {
      double[] p = fits.get(i);
      if (Linalg.angleDeg(refN, new double[] {p[0], p[1], p[2]}) <= PARALLEL_DEG) {
        parallel.add(i);
      }
    }
    // the reference (the floor, else the largest plane) decides, joined by the parallel planes
    // that agree with it within twice their combined jackknife error (a tilted top does not)
    List<Integer> deciding = new ArrayList<>();
    deciding.add(refIndex);
    if (givenUp == null) {
      double[] se = new double[fits.size()];
      for (int i : parallel) {
        double[] n = {fits.get(i)[0], fits.get(i)[1], fits.get(i)[2]};
        se[i] = jackknifeDeg(sp, fits, inliers, List.of(i), n, axis);
      }
      for (int i : parallel) {
        double[] p = fits.get(i);
        double off = Linalg.angleDeg(refN, new double[] {p[0], p[1], p[2]});
        if (i != refIndex
            && off <= AGREEMENT_SIGMAS * Math.sqrt(se[i] * se[i] + se[refIndex] * se[refIndex])) {
          deciding.add(i);
        }
      }
    }
    double[] up;
    Double uncertainty = null, confidence = null;
    if (givenUp != null) {
      up = axis;
    } else {
      up = pooledUp(fits, deciding, axis);
      uncertainty = jackknifeDeg(sp, fits, inliers, deciding, up, axis);
      confidence = 1 - Math.exp(-Math.pow(TOLERANCE_DEG / Math.max(uncertainty, 1e-6), 2));
    }
    List<Plane> planes = new ArrayList<>();
    for (int i : parallel) {
      double[] p = fits.get(i);
      double height = -(up[0] * p[3] + up[1] * p[4] + up[2] * p[5]);
      planes.add(
          new Plane(
              new double[] {p[0], p[1], p[2]},
              height,
              (int) p[15],
              i == floor ? "floor" : "above"));
    }
    Double support = null;
    if (floor >= 0) {
      double[] p = fits.get(floor);
      support = -(up[0] * p[3] + up[1] * p[4] + up[2] * p[5]);
    }
    int points = 0;
    for (int i : deciding) {
      points += (int) fits.get(i)[15];
    }
    String decidedBy = givenUp != null ? "given" : floor >= 0 ? "floor" : "horizontal_planes";
    String floorNote =
        floor >= 0
            ? String.format(Locale.ROOT, "floor %.2f m below the camera", support)
            : belowFloor > 0
                ? String.format(
                    Locale.ROOT,
                    "no floor: %.1f%% of the samples lie below the lowest plane",
                    100.0 * belowFloor / samples)
                : "no floor: no plane below the camera";
    if (givenUp != null) {
      Evidence ev =
          new Evidence(decidedBy, 0, 0, null, null, null, "given up vector; " + floorNote);
      return new Result(up, support, planes, samples, candidates, ev);
    }
    String detail =
        String.format(
            Locale.ROOT,
            "%s: %d plane(s), %d inlier samples of %d, jackknife error %.2f deg, confidence %.3f;"
                + " %s",
            decidedBy,
            deciding.size(),
            points,
            samples,
            uncertainty,
            confidence,
            floorNote);
    if (confidence < MIN_CONFIDENCE) {
      Evidence ev =
          new Evidence(
              decidedBy,
              deciding.size(),
              points,
              uncertainty,
              confidence,
              "uncertain_plane",
              detail + String.format(Locale.ROOT, "; below the %.2f required", MIN_CONFIDENCE));
      return new Result(null, null, planes, samples, candidates, ev);
    }
    Evidence ev =
        new Evidence(decidedBy, deciding.size(), points, uncertainty, confidence, null, detail);
    return new Result(up, support, planes, samples, candidates, ev);
  }

  /**
   * The sample pixel of the block at (u0, v0): its corner when that has depth in range, else the
   * block's first such pixel (row by row), or -1.
   */
  private static int blockSample(
      float[] d, int w, int h, int u0, int v0, int stride, double minD, double maxD) {
    float z0 = d[v0 * w + u0];
    if (z0 >= minD && z0 <= maxD) {
      return v0 * w + u0;
    }
    int u1 = Math.min(w, u0 + stride), v1 = Math.min(h, v0 + stride);
    for (int v = v0; v < v1; v++) {
      for (int u = u0; u < u1; u++) {
        float z = d[v * w + u];
        if (z >= minD && z <= maxD) {
          return v * w + u;
        }
      }
    }
    return -1;
  }

  /** Normal from central differences of the four grid neighbours (dense depth), or false. */
  private static boolean gridNormal(
      float[] gp, boolean[] valid, int gw, int gh, int gx, int gy, double[] out) {
    if (gx < 1 || gy < 1 || gx >= gw - 1 || gy >= gh - 1) {
      return false;
    }
    int g = gy * gw + gx;
    int l = g - 1, r = g + 1, t = g - gw, b = g + gw;
    if (!valid[l] || !valid[r] || !valid[t] || !valid[b]) {
      return false;
    }
    double z = gp[3 * g + 2];
    double jump = 0.1 * z;
    if (Math.abs(gp[3 * l + 2] - z) > jump
        || Math.abs(gp[3 * r + 2] - z) > jump
        || Math.abs(gp[3 * t + 2] - z) > jump
        || Math.abs(gp[3 * b + 2] - z) > jump) {
      return false;
    }
    double ax = gp[3 * r] - gp[3 * l], ay = gp[3 * r + 1] - gp[3 * l + 1];
    double az = gp[3 * r + 2] - gp[3 * l + 2];
    double bx = gp[3 * b] - gp[3 * t], by = gp[3 * b + 1] - gp[3 * t + 1];
    double bz = gp[3 * b + 2] - gp[3 * t + 2];
    double nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
    double nn = Math.sqrt(nx * nx + ny * ny + nz * nz);
    if (nn == 0) {
      return false;
    }
    out[0] = nx / nn;
    out[1] = ny / nn;
    out[2] = nz / nn;
    return true;
  }

  /**
   * Normal from the principal axes of the samples in the smallest window around (gx, gy) that holds
   * {@value #LOCAL_MIN_SAMPLES} samples at a similar depth spread in two directions; false when
   * there is none or they do not form a surface.
   */
  private static boolean localNormal(
      float[] gp, boolean[] valid, int gw, int gh, int gx, int gy, double[] out) {
    int g0 = gy * gw + gx;
    double z0 = gp[3 * g0 + 2];
    double gate = LOCAL_DEPTH_GATE * z0;
    double ox = gp[3 * g0], oy = gp[3 * g0 + 1];
    for (int r : LOCAL_RADII) {
      int n = 0;
      double sx = 0, sy = 0, sz = 0, sxx = 0, sxy = 0, sxz = 0, syy = 0, syz = 0, szz = 0;
      for (int y = Math.max(0, gy - r); y <= Math.min(gh - 1, gy + r); y++) {
        for (int x = Math.max(0, gx - r); x <= Math.min(gw - 1, gx + r); x++) {
          int g = y * gw + x;
          if (!valid[g] || Math.abs(gp[3 * g + 2] - z0) > gate) {
            continue;
          }
          double px = gp[3 * g] - ox, py = gp[3 * g + 1] - oy, pz = gp[3 * g + 2] - z0;
          n++;
          sx += px;
          sy += py;
          sz += pz;
          sxx += px * px;
          sxy += px * py;
          sxz += px * pz;
          syy += py * py;
          syz += py * pz;
          szz += pz * pz;
        }
      }
      if (n < LOCAL_MIN_SAMPLES) {
        continue;
      }
      double mx = sx / n, my = sy / n, mz = sz / n;
      double[] s = {
        sxx / n - mx * mx, sxy / n - mx * my, sxz / n - mx * mz,
        sxy / n - mx * my, syy / n - my * my, syz / n - my * mz,
        sxz / n - mx * mz, syz / n - my * mz, szz / n - mz * mz
      };
      Linalg.Eigen3 e = Linalg.symmetricEigen(s);
      double l0 = Math.max(0, e.values()[0]), l1 = Math.max(0, e.values()[1]);
      double l2 = Math.max(0, e.values()[2]);
      if (l1 < LOCAL_MIN_WIDTH_RATIO * LOCAL_MIN_WIDTH_RATIO * l2) {
        continue; // a line (one LiDAR row): try a wider window
      }
      if (l0 > LOCAL_MAX_THICKNESS_RATIO * LOCAL_MAX_THICKNESS_RATIO * l1) {
        return false; // not a surface (a depth edge, clutter)
      }
      double[] v = e.vectors()[0];
      out[0] = v[0];
      out[1] = v[1];
      out[2] = v[2];
      return true;
    }
    return false;
  }

  /**
   * Samples clearly below the plane p whose camera height is hp: by more than 15 cm, the inlier
   * band, and what a plane tilted by {@link #TOLERANCE_DEG} would put there (range x tan 3 deg: 5
   * cm at 1 m, 2.6 m at 50 m, so a road that slopes gently away is still the road).
   */
  private int countBelow(float[] gp, boolean[] valid, double[] p, double hp, boolean sparse) {
    int below = 0;
    for (int g = 0; g < valid.length; g++) {
      if (!valid[g]) {
        continue;
      }
      double height = p[0] * gp[3 * g] + p[1] * gp[3 * g + 1] + p[2] * gp[3 * g + 2];
      double x = gp[3 * g], y = gp[3 * g + 1], z = gp[3 * g + 2];
      double range = Math.sqrt(x * x + y * y + z * z);
      double limit =
          -hp
              - Math.max(
                  Math.max(0.15, inlierBand(config.planeInlierM(), z, sparse)),
                  range * TAN_TOLERANCE);
      if (height < limit) {
        below++;
      }
    }
    return below;
  }

  /** Smallest eigenvector of the chosen planes' pooled per-plane-centred scatter, towards axis. */
  private static double[] pooledUp(List<double[]> fits, List<Integer> chosen, double[] axis) {
    double[] pooled = new double[9];
    for (int i : chosen) {
      for (int q = 0; q < 9; q++) {
        pooled[q] += fits.get(i)[6 + q];
      }
    }
    double[] up = Linalg.symmetricEigen(pooled).vectors()[0];
    return Linalg.dot(up, axis) < 0 ? Linalg.scale(up, -1) : up;
  }

  /**
   * Delete-a-group jackknife standard error (degrees) of the pooled up vector: each chosen plane's
   * inliers are split into four quadrants at the medians of its two in-plane axes; the up vector is
   * refit with each quadrant left out. With fewer than three points in a quadrant the plane cannot
   * be judged and the error is 90 degrees.
   */
  private static double jackknifeDeg(
      float[] sp,
      List<double[]> fits,
      List<int[]> inliers,
      List<Integer> chosen,
      double[] up,
      double[] axis) {
    // per group: n, sum(3), sum of outer products(9), and its plane
    List<double[]> groups = new ArrayList<>();
    List<Integer> groupPlane = new ArrayList<>();
    for (int i : chosen) {
      int[] in = inliers.get(i);
      double[] f = fits.get(i);
      Linalg.Eigen3 e = Linalg.symmetricEigen(Arrays.copyOfRange(f, 6, 15));
      double[] a = e.vectors()[2], b = e.vectors()[1];
      double[] ta = new double[in.length], tb = new double[in.length];
      for (int q = 0; q < in.length; q++) {
        int j = in[q];
        ta[q] = a[0] * sp[3 * j] + a[1] * sp[3 * j + 1] + a[2] * sp[3 * j + 2];
        tb[q] = b[0] * sp[3 * j] + b[1] * sp[3 * j + 1] + b[2] * sp[3 * j + 2];
      }
      double ma = median(ta), mb = median(tb);
      double[][] acc = new double[4][13];
      for (int q = 0; q < in.length; q++) {
        int j = in[q];
        int quadrant = (ta[q] < ma ? 0 : 1) + (tb[q] < mb ? 0 : 2);
        double[] g = acc[quadrant];
        double x = sp[3 * j] - f[3], y = sp[3 * j + 1] - f[4], z = sp[3 * j + 2] - f[5];
        g[0]++;
        g[1] += x;
        g[2] += y;
        g[3] += z;
        g[4] += x * x;
        g[5] += x * y;
        g[6] += x * z;
        g[7] += y * x;
        g[8] += y * y;
        g[9] += y * z;
        g[10] += z * x;
        g[11] += z * y;
        g[12] += z * z;
      }
      for (double[] g : acc) {
        if (g[0] < 3) {
          return 90;
        }
        groups.add(g);
        groupPlane.add(i);
      }
    }
    int ng = groups.size();
    double sum2 = 0;
    for (int leave = 0; leave < ng; leave++) {
      double[] pooled = new double[9];
      for (int i : chosen) {
        double n = 0, sx = 0, sy = 0, sz = 0;
        double[] ss = new double[9];
        for (int gi = 0; gi < ng; gi++) {
          if (gi == leave || groupPlane.get(gi) != i) {
            continue;
          }
          double[] g = groups.get(gi);
          n += g[0];
          sx += g[1];
          sy += g[2];
          sz += g[3];
          for (int q = 0; q < 9; q++) {
            ss[q] += g[4 + q];
          }
        }
        double[] mean = {sx / n, sy / n, sz / n};
        for (int r = 0; r < 3; r++) {
          for (int c = 0; c < 3; c++) {
            pooled[3 * r + c] += ss[3 * r + c] - n * mean[r] * mean[c];
          }
        }
      }
      double[] u = Linalg.symmetricEigen(pooled).vectors()[0];
      if (Linalg.dot(u, axis) < 0) {
        u = Linalg.scale(u, -1);
      }
      double a = Math.toRadians(Linalg.angleDeg(u, up));
      sum2 += a * a;
    }
    return Math.toDegrees(Math.sqrt((ng - 1.0) / ng * sum2));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
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
