package dev.spatialvqa.core.lift;

import java.io.Serializable;

/**
 * Settings of {@link SceneLifter}. Immutable; start from {@link #defaults()} and use the {@code
 * withX} methods, which validate their argument (the message names the parameter, the value and the
 * valid range).
 */
public final class LiftConfig implements Serializable {
  private static final long serialVersionUID = 3L;

  private int minPoints = 50;
  private int maxPixelsPerObject = 12_000;
  private int maxPointsPerObject = 1_500;
  private double voxelSizeM = 0.02;
  private int outlierNeighbours = 8;
  private double outlierStdRatio = 2.0;
  private double clusterEpsM = 0.10;
  private int clusterMinPoints = 4;
  private double minDepthM = 0.05;
  private double maxDepthM = 100.0;
  private double maxCameraTiltDeg = 45.0;
  private double planeInlierM = 0.02;
  private int ransacIterations = 200;
  private int ransacMaxPoints = 3_000;
  private int maxPlanes = 4;
  private double minPlaneFraction = 0.02;
  private long seed = 42L;
  private boolean amodalCompletion = true;

  private LiftConfig() {}

  public static LiftConfig defaults() {
    return new LiftConfig();
  }

  private LiftConfig copy() {
    LiftConfig c = new LiftConfig();
    c.minPoints = minPoints;
    c.maxPixelsPerObject = maxPixelsPerObject;
    c.maxPointsPerObject = maxPointsPerObject;
    c.voxelSizeM = voxelSizeM;
    c.outlierNeighbours = outlierNeighbours;
    c.outlierStdRatio = outlierStdRatio;
    c.clusterEpsM = clusterEpsM;
    c.clusterMinPoints = clusterMinPoints;
    c.minDepthM = minDepthM;
    c.maxDepthM = maxDepthM;
    c.maxCameraTiltDeg = maxCameraTiltDeg;
    c.planeInlierM = planeInlierM;
    c.ransacIterations = ransacIterations;
    c.ransacMaxPoints = ransacMaxPoints;
    c.maxPlanes = maxPlanes;
    c.minPlaneFraction = minPlaneFraction;
    c.seed = seed;
    c.amodalCompletion = amodalCompletion;
    return c;
  }

  private static void check(boolean ok, String name, Object value, String range) {
    if (!ok) {
      throw new IllegalArgumentException(name + " must be " + range + ", got " + value);
    }
  }

  /** Objects with fewer points than this after denoising are filtered ({@code too_few_points}). */
  public int minPoints() {
    return minPoints;
  }

  public LiftConfig withMinPoints(int value) {
    check(value >= 1, "minPoints", value, ">= 1");
    LiftConfig c = copy();
    c.minPoints = value;
    return c;
  }

  /** Masked pixels read per object at most (an even pixel stride keeps cost bounded). */
  public int maxPixelsPerObject() {
    return maxPixelsPerObject;
  }

  public LiftConfig withMaxPixelsPerObject(int value) {
    check(value >= 100, "maxPixelsPerObject", value, ">= 100");
    LiftConfig c = copy();
    c.maxPixelsPerObject = value;
    return c;
  }

  /** Points per object after voxel downsampling at most (the voxel grows until it fits). */
  public int maxPointsPerObject() {
    return maxPointsPerObject;
  }

  public LiftConfig withMaxPointsPerObject(int value) {
    check(value >= 100, "maxPointsPerObject", value, ">= 100");
    LiftConfig c = copy();
    c.maxPointsPerObject = value;
    return c;
  }

  /** Edge of the downsampling voxel, metres. */
  public double voxelSizeM() {
    return voxelSizeM;
  }

  public LiftConfig withVoxelSizeM(double value) {
    check(value >= 0.001 && value <= 0.5, "voxelSizeM", value, "in [0.001, 0.5]");
    LiftConfig c = copy();
    c.voxelSizeM = value;
    return c;
  }

  /** k of the statistical outlier removal (mean distance to the k nearest neighbours). */
  public int outlierNeighbours() {
    return outlierNeighbours;
  }

  public LiftConfig withOutlierNeighbours(int value) {
    check(value >= 1 && value <= 64, "outlierNeighbours", value, "in [1, 64]");
    LiftConfig c = copy();
    c.outlierNeighbours = value;
    return c;
  }

  /** A point is an outlier when its mean k-NN distance exceeds mean + ratio * std. */
  public double outlierStdRatio() {
    return outlierStdRatio;
  }

  public LiftConfig withOutlierStdRatio(double value) {
    check(value > 0 && value <= 10, "outlierStdRatio", value, "in (0, 10]");
    LiftConfig c = copy();
    c.outlierStdRatio = value;
    return c;
  }

  /** DBSCAN neighbourhood radius, metres (grows with the voxel when the voxel exceeds eps/2). */
  public double clusterEpsM() {
    return clusterEpsM;
  }

  public LiftConfig withClusterEpsM(double value) {
    check(value > 0 && value <= 1, "clusterEpsM", value, "in (0, 1]");
    LiftConfig c = copy();
    c.clusterEpsM = value;
    return c;
  }

  /** DBSCAN core-point threshold (neighbours within eps, the point included). */
  public int clusterMinPoints() {
    return clusterMinPoints;
  }

  public LiftConfig withClusterMinPoints(int value) {
    check(value >= 1 && value <= 100, "clusterMinPoints", value, "in [1, 100]");
    LiftConfig c = copy();
    c.clusterMinPoints = value;
    return c;
  }

  /** Depth readings below this are out of range, metres. */
  public double minDepthM() {
    return minDepthM;
  }

  public LiftConfig withMinDepthM(double value) {
    check(
        value >= 0 && value < maxDepthM, "minDepthM", value, "in [0, maxDepthM=" + maxDepthM + ")");
    LiftConfig c = copy();
    c.minDepthM = value;
    return c;
  }

  /** Depth readings above this are out of range, metres. */
  public double maxDepthM() {
    return maxDepthM;
  }

  public LiftConfig withMaxDepthM(double value) {
    check(
        value > minDepthM && Double.isFinite(value),
        "maxDepthM",
        value,
        "finite and > minDepthM=" + minDepthM);
    LiftConfig c = copy();
    c.maxDepthM = value;
    return c;
  }

  /**
   * How far the camera's own up axis (-y) may be from true up, degrees. A plane whose normal is
   * further than this from the camera's up axis is never taken as horizontal, which is what keeps
   * walls (normal perpendicular to gravity) from being taken as the floor while the camera is
   * tilted less than 90 - this.
   */
  public double maxCameraTiltDeg() {
    return maxCameraTiltDeg;
  }

  public LiftConfig withMaxCameraTiltDeg(double value) {
    check(value >= 5 && value <= 60, "maxCameraTiltDeg", value, "in [5, 60]");
    LiftConfig c = copy();
    c.maxCameraTiltDeg = value;
    return c;
  }

  /**
   * Plane inlier distance at 1 m depth, metres; it grows with depth squared (structured-light and
   * stereo depth noise does), see {@link PlaneFinder}.
   */
  public double planeInlierM() {
    return planeInlierM;
  }

  public LiftConfig withPlaneInlierM(double value) {
    check(value > 0 && value <= 0.5, "planeInlierM", value, "in (0, 0.5]");
    LiftConfig c = copy();
    c.planeInlierM = value;
    return c;
  }

  /** RANSAC hypotheses per plane. */
  public int ransacIterations() {
    return ransacIterations;
  }

  public LiftConfig withRansacIterations(int value) {
    check(value >= 10 && value <= 100_000, "ransacIterations", value, "in [10, 100000]");
    LiftConfig c = copy();
    c.ransacIterations = value;
    return c;
  }

  /** Candidate points RANSAC scores hypotheses on, at most (an even subsample). */
  public int ransacMaxPoints() {
    return ransacMaxPoints;
  }

  public LiftConfig withRansacMaxPoints(int value) {
    check(value >= 100, "ransacMaxPoints", value, ">= 100");
    LiftConfig c = copy();
    c.ransacMaxPoints = value;
    return c;
  }

  /** Horizontal planes extracted at most (sequential RANSAC). */
  public int maxPlanes() {
    return maxPlanes;
  }

  public LiftConfig withMaxPlanes(int value) {
    check(value >= 1 && value <= 20, "maxPlanes", value, "in [1, 20]");
    LiftConfig c = copy();
    c.maxPlanes = value;
    return c;
  }

  /** A plane needs at least this fraction of the sampled valid depth points to be accepted. */
  public double minPlaneFraction() {
    return minPlaneFraction;
  }

  public LiftConfig withMinPlaneFraction(double value) {
    check(value > 0 && value < 1, "minPlaneFraction", value, "in (0, 1)");
    LiftConfig c = copy();
    c.minPlaneFraction = value;
    return c;
  }

  /** Seed of RANSAC's sampling: same input and seed, same output. */
  public long seed() {
    return seed;
  }

  public LiftConfig withSeed(long value) {
    LiftConfig c = copy();
    c.seed = value;
    return c;
  }

  /**
   * Amodal completion of horizontal extents hidden by occluders, by the object itself or by the
   * image border, bounded by observed free space (see {@link AmodalCompletion}); false keeps the
   * boxes of the visible points only.
   */
  public boolean amodalCompletion() {
    return amodalCompletion;
  }

  public LiftConfig withAmodalCompletion(boolean value) {
    LiftConfig c = copy();
    c.amodalCompletion = value;
    return c;
  }
}
