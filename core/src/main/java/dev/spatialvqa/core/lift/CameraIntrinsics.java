package dev.spatialvqa.core.lift;

/** Pinhole intrinsics in pixels with 0-based pixel centres (OpenCV convention). */
public record CameraIntrinsics(double fx, double fy, double cx, double cy) {
  /**
   * Narrowest plausible field of view, degrees (a 600 mm lens on a full-frame sensor is about 3.4).
   */
  public static final double MIN_FOV_DEG = 2;

  /** Widest plausible pinhole field of view, degrees (wider lenses are fisheyes, not pinholes). */
  public static final double MAX_FOV_DEG = 160;

  /** Largest plausible fx/fy (or fy/fx): pixels are square or nearly so (2x anamorphic at most). */
  public static final double MAX_ASPECT = 2;

  /**
   * Throws with a message naming the rule and the bad value when these cannot be intrinsics of the
   * image: focal lengths positive and finite; horizontal and vertical field of view in [{@value
   * #MIN_FOV_DEG}, {@value #MAX_FOV_DEG}] degrees; fx/fy within a factor {@value #MAX_ASPECT};
   * principal point inside the image.
   */
  public void validate(int width, int height) {
    if (!(fx > 0) || !(fy > 0) || !Double.isFinite(fx) || !Double.isFinite(fy)) {
      throw new IllegalArgumentException(
          "focal lengths must be positive and finite, got fx=" + fx + " fy=" + fy);
    }
    double hfov = Math.toDegrees(2 * Math.atan(width / (2 * fx)));
    double vfov = Math.toDegrees(2 * Math.atan(height / (2 * fy)));
    for (double[] f : new double[][] {{hfov, fx, 0}, {vfov, fy, 1}}) {
      if (!(f[0] >= MIN_FOV_DEG && f[0] <= MAX_FOV_DEG)) {
        throw new IllegalArgumentException(
            String.format(
                java.util.Locale.ROOT,
                "%s field of view %.3g degrees (%s=%.6g for a %dx%d image) is outside the plausible"
                    + " [%.0f, %.0f] degrees",
                f[2] == 0 ? "horizontal" : "vertical",
                f[0],
                f[2] == 0 ? "fx" : "fy",
                f[1],
                width,
                height,
                MIN_FOV_DEG,
                MAX_FOV_DEG));
      }
    }
    double aspect = fx / fy;
    if (!(aspect <= MAX_ASPECT && aspect >= 1 / MAX_ASPECT)) {
      throw new IllegalArgumentException(
          String.format(
              java.util.Locale.ROOT,
              "fx/fy = %.4g (fx=%.6g, fy=%.6g) is outside the plausible [1/%.0f, %.0f]: pixels"
                  + " are square or nearly so",
              aspect,
              fx,
              fy,
              MAX_ASPECT,
              MAX_ASPECT));
    }
    if (!(cx >= 0 && cx <= width) || !(cy >= 0 && cy <= height)) {
      throw new IllegalArgumentException(
          "principal point ("
              + cx
              + ", "
              + cy
              + ") lies outside the "
              + width
              + "x"
              + height
              + " image");
    }
  }
}
