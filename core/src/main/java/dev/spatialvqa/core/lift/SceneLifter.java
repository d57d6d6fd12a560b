package dev.spatialvqa.core.lift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lifts a scene's 2D objects to metric 3D boxes in a gravity-aligned frame: back-projection,
 * per-object clouds, denoising, gravity from horizontal support planes, canonical frame, boxes.
 * Pure Java (no Beam). Thread-safe: it holds only its configuration (each call seeds its own RANSAC
 * sampler from {@link LiftConfig#seed()}, so the same input gives the same output).
 *
 * <p>Per object: the masked pixels (or, for a box-only object, the box's pixels minus the support
 * plane, split by depth clustering into object and background, see {@link DepthClusters}) are read
 * with an even pixel stride (at most {@link LiftConfig#maxPixelsPerObject()}), back-projected,
 * moved to the canonical frame, voxel-downsampled (2 cm, finer for objects under 0.8 m across; the
 * voxel grows until at most {@link LiftConfig#maxPointsPerObject()} remain), cleaned by statistical
 * outlier removal (k nearest neighbours within two voxels), and reduced by DBSCAN (eps =
 * max(clusterEpsM, 2.5 voxels, 0.004 z^2)) to its largest cluster plus the clusters at least 2% of
 * that one's size (occluders and depth holes cut real objects into pieces; strays form noise or
 * tiny clusters). Fewer than {@link LiftConfig#minPoints()} points left: filtered ({@code
 * too_few_points}).
 *
 * <p>Boxes span the cleaned cloud along each axis (min to max: the strays are gone already, and
 * trimming percentiles on top cut real extremities; box-only objects, whose membership is a depth
 * layering guess, use the 1st..99th percentiles); the yaw box takes its heading from the
 * minimum-area rectangle of the footprint's convex hull (rotating calipers) and its extents from
 * the cloud's span along the rotated axes (first axis = the longer side, heading in (-pi/2, pi/2]).
 * With a support plane, an object floating a little above it or whose bottom is hidden is put on it
 * (see {@code groundContact}). Then, unless {@link LiftConfig#amodalCompletion()} is off, each
 * object's horizontal sides hidden by occluders, by the object itself or by the image border are
 * extended until observed free space, another object's box or a wall bounds them ({@link
 * AmodalCompletion}).
 *
 * <p>Filter reasons: {@code too_few_points}, {@code no_region} (neither mask nor box), {@code
 * bad_mask} (mask of the wrong size), {@code empty_region} (box outside the image). Stats: {@code
 * depth_valid}, {@code depth_hole} (0), {@code depth_nan}, {@code depth_inf}, {@code
 * depth_out_of_range} (negative, or outside [minDepthM, maxDepthM]), {@code planes} (accepted
 * horizontal planes), {@code plane_samples}, {@code plane_candidates}, {@code gravity_points}; the
 * gravity evidence (which plane decided, its points and confidence, or why the scene is not
 * canonicalized) is {@link LiftResult#gravityEvidence()}.
 */
public final class SceneLifter {
  /** Percentiles that bound a box-only object's box. */
  static final double TRIM_LOW_PCT = 1;

  static final double TRIM_HIGH_PCT = 99;

  /** Objects whose bottom is within this of the support plane already stand on it. */
  static final double GROUND_TOLERANCE_M = 0.05;

  /** Gap under an object taken as legs or an unmeasured base (absolute and share of its top). */
  static final double LEG_GAP_M = 0.35;

  static final double LEG_GAP_SHARE = 0.25;

  /** Share of an object's bottom columns that must be hidden for {@code groundContact}. */
  static final double OCCLUDED_SHARE = 0.6;

  /** The finest voxel used for small objects, metres. */
  static final double MIN_VOXEL_M = 0.005;

  /** Clusters at least this share of the largest one are kept as parts of the object. */
  static final double CLUSTER_SHARE = 0.02;

  /**
   * DBSCAN eps grows with depth squared like depth quantisation does (7 cm steps at 5 m, Kinect).
   */
  static final double DEPTH_EPS_PER_M2 = 0.004;

  /**
   * A given up vector more than this many degrees from the horizontal surfaces found in the depth
   * contradicts them (see {@link #checkGivenUp}).
   */
  public static final double GIVEN_UP_TOLERANCE_DEG = 20;

  private final LiftConfig config;
  private final PlaneFinder planeFinder;

  public SceneLifter(LiftConfig config) {
    this.config = config;
    this.planeFinder = new PlaneFinder(config);
  }

  /**
   * Checks a given up vector against the horizontal surfaces the depth shows, found without it (the
   * roughly-upright-camera search). When that search finds none, nothing contradicts the given
   * vector. Otherwise the vector is refused ({@code gravity_contradicts_depth}) when it is more
   * than {@value #GIVEN_UP_TOLERANCE_DEG} degrees from the surfaces' up and either points the other
   * way (within that angle of their down: a sign error, the commonest mistake) or itself says the
   * camera is roughly upright (within {@link LiftConfig#maxCameraTiltDeg()} of the camera's -y), so
   * that the search's premise holds. A steeply tilted given vector that the upright search cannot
   * judge is accepted. A camera held upside down with a correct up vector is refused by the sign
   * rule (such photos are rare; rotate them upright).
   */
  void checkGivenUp(DepthImage depth, CameraIntrinsics intrinsics, double[] given) {
    PlaneFinder.Result free = planeFinder.find(depth, intrinsics, null);
    if (free.up() == null) {
      return;
    }
    double off = angleDeg(given, free.up());
    if (off <= GIVEN_UP_TOLERANCE_DEG) {
      return;
    }
    boolean flipped = off >= 180 - GIVEN_UP_TOLERANCE_DEG;
    boolean upright = angleDeg(given, new double[] {0, -1, 0}) <= config.maxCameraTiltDeg();
    if (flipped || upright) {
      throw new LiftException(
          "gravity_contradicts_depth",
          String.format(
              java.util.Locale.ROOT,
              "gravity_up_camera %s is %.1f degrees from the up of the %d horizontal surface(s)"
                  + " found in the depth (%s)%s; more than the %.0f degrees allowed",
              Arrays.toString(round(given)),
              off,
              free.planes().size(),
              Arrays.toString(round(free.up())),
              flipped ? ": it points down (y is down in OpenCV camera coordinates)" : "",
              GIVEN_UP_TOLERANCE_DEG));
    }
  }

  private static double angleDeg(double[] a, double[] b) {
    double c = (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (Linalg.norm(a) * Linalg.norm(b));
    return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, c))));
  }

  private static double[] round(double[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = Math.round(v[i] * 1000) / 1000.0;
    }
    return r;
  }

  /**
   * @param givenUpCamera the input's up vector in OpenCV camera coordinates, or null to estimate
   * @throws IllegalArgumentException when the intrinsics or the given up vector are unusable
   */
  public LiftResult lift(
      DepthImage depth,
      CameraIntrinsics intrinsics,
      List<ObjectInput> objects,
      double[] givenUpCamera) {
    intrinsics.validate(depth.width(), depth.height());
    double[] given = null;
    if (givenUpCamera != null) {
      if (givenUpCamera.length != 3
          || !(Linalg.norm(givenUpCamera) > 1e-6)
          || !Double.isFinite(Linalg.norm(givenUpCamera))) {
        throw new IllegalArgumentException(
            "gravity_up_camera must be a finite non-zero 3-vector, got "
                + Arrays.toString(givenUpCamera));
      }
      given = Linalg.normalize(givenUpCamera);
    }
    Map<String, Long> stats = depthStats(depth);
    if (given != null) {
      checkGivenUp(depth, intrinsics, given);
    }
    PlaneFinder.Result planes = planeFinder.find(depth, intrinsics, given);
    stats.put("planes", (long) planes.planes().size());
    stats.put("plane_candidates", (long) planes.candidates());
    stats.put("plane_samples", (long) planes.samples());
    stats.put("gravity_points", (long) planes.evidence().points());
    double[] up = planes.up();
    boolean canonicalized = up != null;
    Frame frame =
        canonicalized ? Frame.gravity(up, planes.supportHeightM()) : Frame.relabelledCamera();

    List<LiftedObject> lifted = new ArrayList<>();
    List<LiftResult.FilteredObject> filtered = new ArrayList<>();
    List<AmodalCompletion.Part> parts = new ArrayList<>();
    List<ObjectInput> liftedInputs = new ArrayList<>();
    for (ObjectInput o : objects) {
      String reason = liftOne(depth, intrinsics, frame, planes, o, lifted, parts);
      if (reason != null) {
        filtered.add(new LiftResult.FilteredObject(o.objectId(), reason));
      } else {
        liftedInputs.add(o);
      }
    }
    if (planes.supportHeightM() != null && config.amodalCompletion()) {
      // second pass: every object sees the others' visible boxes (order independent)
      List<LiftedObject> visible = List.copyOf(lifted);
      for (int i = 0; i < lifted.size(); i++) {
        lifted.set(
            i,
            AmodalCompletion.complete(
                visible.get(i),
                parts.get(i),
                visible,
                depth,
                intrinsics,
                frame,
                config.minDepthM(),
                config.maxDepthM()));
      }
    }
    for (int i = 0; i < lifted.size(); i++) { // what was seen of each object (see Visibility)
      lifted.set(
          i,
          lifted
              .get(i)
              .withVisibility(
                  Visibility.of(
                      liftedInputs.get(i),
                      lifted.get(i),
                      parts.get(i).pts(),
                      parts.get(i).member(),
                      depth,
                      intrinsics,
                      frame,
                      planes.supportHeightM() != null,
                      2 * GROUND_TOLERANCE_M,
                      config.maxPixelsPerObject(),
                      config.minDepthM(),
                      config.maxDepthM())));
    }
    return new LiftResult(
        canonicalized,
        canonicalized ? up.clone() : null,
        canonicalized && given != null,
        canonicalized ? planes.supportHeightM() : null,
        lifted,
        filtered,
        stats,
        planes.evidence());
  }

  /** Counts every depth pixel by cause. */
  Map<String, Long> depthStats(DepthImage depth) {
    long valid = 0, hole = 0, nan = 0, inf = 0, range = 0;
    double lo = config.minDepthM(), hi = config.maxDepthM();
    for (float z : depth.metres()) {
      if (z >= lo && z <= hi) {
        valid++;
      } else if (z == 0) {
        hole++;
      } else if (Float.isNaN(z)) {
        nan++;
      } else if (Float.isInfinite(z)) {
        inf++;
      } else {
        range++;
      }
    }
    Map<String, Long> s = new LinkedHashMap<>();
    s.put("depth_valid", valid);
    s.put("depth_hole", hole);
    s.put("depth_nan", nan);
    s.put("depth_inf", inf);
    s.put("depth_out_of_range", range);
    return s;
  }

  /** Camera to canonical: p' = R p + t (R row-major). */
  record Frame(double[] r, double[] t) {
    static Frame relabelledCamera() {
      return new Frame(new double[] {1, 0, 0, 0, 0, 1, 0, -1, 0}, new double[3]);
    }

    static Frame gravity(double[] up, Double supportHeight) {
      double[] ex = {1, 0, 0};
      double[] x = new double[] {ex[0] - up[0] * up[0], -up[0] * up[1], -up[0] * up[2]};
      if (Linalg.norm(x) < 1e-6) { // camera right points straight up: use forward instead
        double[] y0 =
            Linalg.normalize(new double[] {-up[2] * up[0], -up[2] * up[1], 1 - up[2] * up[2]});
        x = Linalg.cross(y0, up);
      }
      x = Linalg.normalize(x);
      double[] y = Linalg.cross(up, x);
      return new Frame(
          new double[] {x[0], x[1], x[2], y[0], y[1], y[2], up[0], up[1], up[2]},
          new double[] {0, 0, supportHeight == null ? 0 : supportHeight});
    }

    double[] apply(double x, double y, double z) {
      return new double[] {
        r[0] * x + r[1] * y + r[2] * z + t[0],
        r[3] * x + r[4] * y + r[5] * z + t[1],
        r[6] * x + r[7] * y + r[8] * z + t[2]
      };
    }

    /** Canonical to camera: R^T (p - t). */
    double[] inverse(double[] p) {
      double a = p[0] - t[0], b = p[1] - t[1], c = p[2] - t[2];
      return new double[] {
        r[0] * a + r[3] * b + r[6] * c,
        r[1] * a + r[4] * b + r[7] * c,
        r[2] * a + r[5] * b + r[8] * c
      };
    }
  }

  private String liftOne(
      DepthImage depth,
      CameraIntrinsics k,
      Frame frame,
      PlaneFinder.Result planes,
      ObjectInput o,
      List<LiftedObject> out,
      List<AmodalCompletion.Part> parts) {
    int w = depth.width(), h = depth.height();
    byte[] mask = o.maskBits();
    boolean useMask = mask != null;
    if (useMask && mask.length != (w * h + 7) / 8) {
      return "bad_mask";
    }
    if (!useMask && o.box2dXyxy() == null) {
      return "no_region";
    }
    int u0 = 0, v0 = 0, u1 = w - 1, v1 = h - 1;
    if (o.box2dXyxy() != null && o.box2dXyxy().length == 4) {
      double[] b = o.box2dXyxy();
      u0 = Math.max(0, (int) Math.floor(b[0]));
      v0 = Math.max(0, (int) Math.floor(b[1]));
      u1 = Math.min(w - 1, (int) Math.ceil(b[2]));
      v1 = Math.min(h - 1, (int) Math.ceil(b[3]));
    }
    if (useMask) { // the mask decides: scan its bounding box
      int[] bb = maskBounds(mask, w, h);
      if (bb == null) {
        return "too_few_points";
      }
      u0 = bb[0];
      v0 = bb[1];
      u1 = bb[2];
      v1 = bb[3];
    }
    if (u1 < u0 || v1 < v0) {
      return "empty_region";
    }
    long region = useMask ? MaskBits.count(mask) : (long) (u1 - u0 + 1) * (v1 - v0 + 1);
    int stride = pixelStride(region, config.maxPixelsPerObject());
    float[] d = depth.metres();
    double lo = config.minDepthM(), hi = config.maxDepthM();
    Points cloud = new Points(1024);
    double[] fr = frame.r(), ft = frame.t();
    float[] camZ = useMask ? null : new float[256];
    int[] pix = useMask ? null : new int[256];
    int n = 0;
    for (int v = v0 - Math.floorMod(v0, stride); v <= v1; v += stride) {
      if (v < v0) {
        continue;
      }
      for (int u = u0 - Math.floorMod(u0, stride); u <= u1; u += stride) {
        if (u < u0) {
          continue;
        }
        int idx = v * w + u;
        if (useMask && !MaskBits.get(mask, idx)) {
          continue;
        }
        float z = d[idx];
        if (!(z >= lo && z <= hi)) {
          continue;
        }
        double x = (u - k.cx()) / k.fx() * z, y = (v - k.cy()) / k.fy() * z;
        double px = fr[0] * x + fr[1] * y + fr[2] * z + ft[0];
        double py = fr[3] * x + fr[4] * y + fr[5] * z + ft[1];
        double pz = fr[6] * x + fr[7] * y + fr[8] * z + ft[2];
        if (!useMask) {
          if (planes.supportHeightM() != null && pz < supportBand(z)) {
            continue; // the floor under a box-only object is not the object
          }
          if (n == camZ.length) {
            camZ = Arrays.copyOf(camZ, n * 2);
            pix = Arrays.copyOf(pix, n * 2);
          }
          camZ[n] = z;
          pix[n] = idx;
          n++;
        }
        cloud.add(px, py, pz);
      }
    }
    double medianDepth = medianDepth(depth, k, frame, cloud);
    byte[] member = mask;
    if (!useMask && cloud.size() > 0) {
      boolean[] layer = DepthClusters.objectLayer(camZ, pix, n, w, u0, v0, u1, v1);
      cloud = cloud.select(layer);
      member = MaskBits.allocate(w, h);
      for (int i = 0; i < n; i++) {
        if (layer[i]) {
          MaskBits.set(member, pix[i]);
        }
      }
    }
    double[] voxel = new double[1];
    Points pts =
        CloudFilters.voxelDownsampleCapped(
            cloud, startVoxel(cloud), config.maxPointsPerObject(), voxel);
    double radius = Math.max(config.clusterEpsM(), 2.5 * voxel[0]);
    if (pts.size() > config.outlierNeighbours()) {
      // k nearest neighbours on a voxelised surface lie within about two voxels
      double knnRadius = Math.max(2 * voxel[0], 0.03);
      pts =
          pts.select(
              CloudFilters.statisticalInliers(
                  pts, config.outlierNeighbours(), config.outlierStdRatio(), knnRadius));
    }
    if (pts.size() >= config.minPoints()) {
      double eps = Math.max(radius, DEPTH_EPS_PER_M2 * medianDepth * medianDepth);
      pts =
          pts.select(
              CloudFilters.objectClusters(pts, eps, config.clusterMinPoints(), CLUSTER_SHARE));
    }
    if (pts.size() < config.minPoints()) {
      return "too_few_points";
    }
    LiftedObject box = box(o, pts, frame, useMask ? "mask" : "box");
    if (planes.supportHeightM() != null) {
      box = groundContact(box, depth, k, frame, member, u0, v0, u1, v1, stride);
    }
    out.add(box);
    parts.add(new AmodalCompletion.Part(pts, member));
    return null;
  }

  /**
   * Amodal completion of an object whose bottom is hidden: when the object floats above the support
   * plane and, in most image columns, what lies right below its lowest visible pixel is the image
   * border or a clearly nearer non-floor surface (an occluder), its box is extended down to the
   * support plane (furniture stands on the floor). A visible bottom edge (the floor, or a surface
   * at the object's own depth such as the table it stands on, or the headboard under a picture)
   * leaves the box as measured. An object whose bottom is within {@code min(0.35 m, 25% of its
   * top's height)} of the plane is also put on it (legs, dark bases and the shadow under a bed have
   * no depth readings).
   */
  private LiftedObject groundContact(
      LiftedObject box,
      DepthImage depth,
      CameraIntrinsics k,
      Frame frame,
      byte[] member,
      int u0,
      int v0,
      int u1,
      int v1,
      int stride) {
    double bottom = box.center()[2] - box.extent()[2] / 2;
    double top = box.center()[2] + box.extent()[2] / 2;
    if (bottom <= GROUND_TOLERANCE_M) {
      return box;
    }
    if (bottom <= Math.min(LEG_GAP_M, LEG_GAP_SHARE * top)) {
      return onGround(box, frame, top); // stands on legs or a dark, unmeasured base
    }
    int w = depth.width(), h = depth.height();
    float[] d = depth.metres();
    double lo = config.minDepthM(), hi = config.maxDepthM();
    int columns = 0, occluded = 0;
    int colStep = Math.max(stride, (u1 - u0 + 1) / 64 + 1);
    for (int u = u0; u <= u1; u += colStep) {
      int vb = -1;
      for (int v = v1; v >= v0; v--) {
        int idx = v * w + u;
        if (MaskBits.get(member, idx) && d[idx] >= lo && d[idx] <= hi) {
          vb = v;
          break;
        }
      }
      if (vb < 0) {
        continue;
      }
      double zObj = d[vb * w + u];
      int reach = Math.max(3 * stride, h / 20);
      int verdict = 0; // 0 unknown, 1 occluded, -1 visible bottom edge
      for (int v = vb + 1; v <= vb + reach && verdict == 0; v++) {
        if (v >= h) {
          verdict = 1; // cut by the image border
          break;
        }
        int idx = v * w + u;
        float z = d[idx];
        if (MaskBits.get(member, idx) || !(z >= lo && z <= hi)) {
          continue;
        }
        double[] p = frame.apply((u - k.cx()) / k.fx() * z, (v - k.cy()) / k.fy() * z, z);
        verdict = z < zObj - (0.15 + 0.05 * zObj) && p[2] > 2 * GROUND_TOLERANCE_M ? 1 : -1;
      }
      if (verdict != 0) {
        columns++;
        occluded += verdict > 0 ? 1 : 0;
      }
    }
    if (columns == 0 || occluded < OCCLUDED_SHARE * columns) {
      return box;
    }
    return onGround(box, frame, top);
  }

  private static LiftedObject onGround(LiftedObject box, Frame frame, double top) {
    double[] center = box.center().clone();
    double[] extent = box.extent().clone();
    center[2] = top / 2;
    extent[2] = top;
    double[] oc = box.orientedCenter().clone();
    double[] oe = box.orientedExtent().clone();
    oc[2] = top / 2;
    oe[2] = top;
    return box.withBox(frame.inverse(center), center, extent, oc, oe);
  }

  /**
   * The first voxel edge for an object: {@link LiftConfig#voxelSizeM()}, or finer for a small
   * object (1/40 of its raw 5..95th percentile diagonal, at least {@link #MIN_VOXEL_M}), so a cup
   * keeps enough points to be measured instead of falling under the minimum point count.
   */
  private double startVoxel(Points cloud) {
    int n = cloud.size();
    if (n == 0) {
      return config.voxelSizeM();
    }
    int step = Math.max(1, n / 400);
    int m = (n + step - 1) / step;
    double[] x = new double[m], y = new double[m], z = new double[m];
    for (int i = 0, j = 0; i < n && j < m; i += step, j++) {
      x[j] = cloud.x(i);
      y[j] = cloud.y(i);
      z[j] = cloud.z(i);
    }
    Arrays.sort(x);
    Arrays.sort(y);
    Arrays.sort(z);
    double dx = percentile(x, 95) - percentile(x, 5), dy = percentile(y, 95) - percentile(y, 5);
    double dz = percentile(z, 95) - percentile(z, 5);
    double diag = Math.sqrt(dx * dx + dy * dy + dz * dz);
    return Math.max(
        Math.min(MIN_VOXEL_M, config.voxelSizeM()), Math.min(config.voxelSizeM(), diag / 40));
  }

  /** The even pixel stride that reads at most {@code maxPixels} of a region of this many pixels. */
  static int pixelStride(long region, int maxPixels) {
    return Math.max(1, (int) Math.ceil(Math.sqrt((double) region / maxPixels)));
  }

  /** {u0, v0, u1, v1} of the set bits, or null when none is set. */
  static int[] maskBounds(byte[] mask, int w, int h) {
    int[] b = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
    for (int v = 0; v < h; v++) {
      int f = MaskBits.firstSet(mask, v * w, v * w + w);
      if (f < 0) {
        continue;
      }
      b[0] = Math.min(b[0], f - v * w);
      b[1] = Math.min(b[1], v);
      b[2] = Math.max(b[2], MaskBits.lastSet(mask, f, v * w + w) - v * w);
      b[3] = v;
    }
    return b[2] < 0 ? null : b;
  }

  /** Median distance of the cloud from the camera along the optical axis (subsampled). */
  private static double medianDepth(
      DepthImage depth, CameraIntrinsics k, Frame frame, Points cloud) {
    int n = cloud.size();
    if (n == 0) {
      return 0;
    }
    int step = Math.max(1, n / 501);
    double[] z = new double[(n + step - 1) / step];
    int m = 0;
    double[] r = frame.r(), t = frame.t();
    for (int i = 0; i < n && m < z.length; i += step) { // the camera z of Frame.inverse, inlined
      z[m++] = r[2] * (cloud.x(i) - t[0]) + r[5] * (cloud.y(i) - t[1]) + r[8] * (cloud.z(i) - t[2]);
    }
    double[] zz = Arrays.copyOf(z, m);
    Arrays.sort(zz);
    return percentile(zz, 50);
  }

  private double supportBand(double z) {
    return Math.max(0.03, PlaneFinder.inlierBand(config.planeInlierM(), z, false));
  }

  static LiftedObject box(ObjectInput o, Points pts, Frame frame, String source) {
    int n = pts.size();
    double[] xs = new double[n], ys = new double[n], zs = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = pts.x(i);
      ys[i] = pts.y(i);
      zs[i] = pts.z(i);
    }
    boolean trim = "box".equals(source); // depth layering guessed the membership: trim its tails
    double[] rx = range(xs, trim), ry = range(ys, trim), rz = range(zs, trim);
    double[] center = {(rx[0] + rx[1]) / 2, (ry[0] + ry[1]) / 2, (rz[0] + rz[1]) / 2};
    double[] extent = {rx[1] - rx[0], ry[1] - ry[0], rz[1] - rz[0]};

    double[] xy = new double[2 * n];
    for (int i = 0; i < n; i++) {
      xy[2 * i] = xs[i];
      xy[2 * i + 1] = ys[i];
    }
    MinAreaRect.Rect rect = MinAreaRect.of(xy, n);
    double heading = rect.angleRad();
    double c = Math.cos(heading), s = Math.sin(heading);
    double[] a = new double[n], b = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = c * xs[i] + s * ys[i];
      b[i] = -s * xs[i] + c * ys[i];
    }
    double[] ra = range(a, trim), rb = range(b, trim);
    double ca = (ra[0] + ra[1]) / 2, cb = (rb[0] + rb[1]) / 2;
    double la = ra[1] - ra[0], lb = rb[1] - rb[0];
    if (lb > la) { // keep the longer side first, as MinAreaRect does
      heading = MinAreaRect.wrapHalfPi(heading + Math.PI / 2);
      double t = la;
      la = lb;
      lb = t;
    }
    double[] orientedCenter = {ca * c - cb * s, ca * s + cb * c, center[2]};
    double[] orientedExtent = {la, lb, extent[2]};
    boolean[] reliable = new boolean[3];
    int sides = sides(xs, ys, zs, heading, frame, reliable);
    return new LiftedObject(
        o.objectId(),
        o.caption(),
        n,
        frame.inverse(center),
        center,
        extent,
        heading,
        orientedCenter,
        orientedExtent,
        source,
        o.box2dXyxy() == null ? null : o.box2dXyxy().clone(),
        sides,
        reliable);
  }

  /** Visible points thinner than this along an axis form one sheet (absolute floor, metres). */
  static final double SHEET_MIN_M = 0.05;

  /** ... or thinner than this share of the object's longer horizontal extent. */
  static final double SHEET_SHARE = 0.1;

  /** A box face is seen when at least this share of the points (and 3) lie in its band. */
  static final double FACE_SHARE = 0.05;

  /**
   * Which sides of an object its visible points show. The band of an axis is {@code beta =
   * max(SHEET_MIN_M, SHEET_SHARE * longer horizontal extent)} (depth noise plus surface relief:
   * mirrors, wheels, folds). Along each horizontal oriented axis, points spanning at most {@code 2
   * beta} form one sheet: one vertical face seen, and the extent across it unreliable (it is the
   * face's thickness). Otherwise the extent is reliable and each end face counts as seen when at
   * least {@code max(3, FACE_SHARE * n)} points lie within {@code beta} of it and it faces the
   * camera (a face turned away can hold points only by noise or through the top). Vertically, a
   * horizontal sheet (only a top seen) is unreliable unless it lies on the support plane (a rug, a
   * mat: then it is the whole object).
   *
   * @param reliable out: per oriented axis (heading, perpendicular, up)
   * @return vertical faces seen, 0-4
   */
  static int sides(
      double[] xs, double[] ys, double[] zs, double heading, Frame frame, boolean[] reliable) {
    int n = xs.length;
    double c = Math.cos(heading), s = Math.sin(heading);
    double[][] t = new double[2][n];
    double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
    double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    double zlo = Double.POSITIVE_INFINITY, zhi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      t[0][i] = c * xs[i] + s * ys[i];
      t[1][i] = -s * xs[i] + c * ys[i];
      for (int a = 0; a < 2; a++) {
        lo[a] = Math.min(lo[a], t[a][i]);
        hi[a] = Math.max(hi[a], t[a][i]);
      }
      zlo = Math.min(zlo, zs[i]);
      zhi = Math.max(zhi, zs[i]);
    }
    double longer = Math.max(hi[0] - lo[0], hi[1] - lo[1]);
    double beta = Math.max(SHEET_MIN_M, SHEET_SHARE * longer);
    // the camera in the canonical frame is at (0, 0, t_z): along both horizontal axes at 0
    int minSupport = Math.max(3, (int) Math.ceil(FACE_SHARE * n));
    int faces = 0;
    for (int a = 0; a < 2; a++) {
      if (hi[a] - lo[a] <= 2 * beta) {
        reliable[a] = false;
        faces++;
        continue;
      }
      reliable[a] = true;
      int atLo = 0, atHi = 0;
      for (int i = 0; i < n; i++) {
        atLo += t[a][i] <= lo[a] + beta ? 1 : 0;
        atHi += t[a][i] >= hi[a] - beta ? 1 : 0;
      }
      faces += atLo >= minSupport && lo[a] > 0 ? 1 : 0; // outward -axis faces a camera at 0
      faces += atHi >= minSupport && hi[a] < 0 ? 1 : 0;
    }
    boolean onSupport = frame.t()[2] != 0 && zlo <= GROUND_TOLERANCE_M;
    reliable[2] = zhi - zlo > 2 * beta || onSupport;
    return faces;
  }

  /**
   * {min, max} of the denoised cloud along one axis, or its {1st, 99th} percentiles when {@code
   * trim}. A mask says which pixels are the object and the cloud has lost its strays already
   * (statistical outlier removal, DBSCAN), so trimming on top would only cut real extremities (with
   * 1st/99th percentiles the boxes of the bundled SUN RGB-D scenes came out 10-20% short of the
   * visible extent: a bed 1.72 m wide whose masked points span 2.15 m). A box-only object's points
   * come from depth layering inside its 2D box, which lets some wall or floor in: those keep the
   * percentile trim.
   */
  static double[] range(double[] values, boolean trim) {
    if (trim) {
      double[] v = values.clone();
      Arrays.sort(v);
      return new double[] {percentile(v, TRIM_LOW_PCT), percentile(v, TRIM_HIGH_PCT)};
    }
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return new double[] {lo, hi};
  }

  static double percentile(double[] sorted, double pct) {
    if (sorted.length == 1) {
      return sorted[0];
    }
    double pos = pct / 100 * (sorted.length - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(sorted.length - 1, i + 1);
    return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
  }
}
