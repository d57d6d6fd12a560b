package dev.spatialvqa.core.lift;

/**
 * Intrinsics for an image that came without them.
 *
 * <p><b>EXIF</b> ({@code FocalLengthIn35mmFilm}, source {@code "exif"}): the 35 mm-equivalent focal
 * length is defined by the diagonal of the 36 x 24 mm frame (43.27 mm; CIPA DC-008 and the crop
 * factor camera makers use are diagonal ratios), so {@code f_px = f35 / 43.27 * sqrt(w^2 + h^2)}.
 * This holds for any aspect ratio and orientation; for a 3:2 image it equals the common {@code f35
 * / 36 * long side}, for 4:3 it differs from that by 4%. A value of 0 (EXIF's "unknown"), a missing
 * value or one outside [8, 1200] mm falls back to the default.
 *
 * <p><b>Default</b> (source {@code "default_fov"}): a 60 degree field of view across the image's
 * long side, i.e. {@code f_px = (long side / 2) / tan(30 deg)} (a 31 mm equivalent lens). Phone
 * main cameras are 24-28 mm equivalent (65-75 degrees) and normal lenses 50 mm (40 degrees); web
 * photos are often cropped or zoomed, which narrows the view, so 60 degrees sits between the two.
 *
 * <p>Square pixels; principal point at the image centre with 0-based pixel centres ({@code cx = (w
 * - 1) / 2}).
 */
public final class IntrinsicsEstimator {
  public static final double FULL_FRAME_DIAGONAL_MM = Math.hypot(36, 24);
  public static final double DEFAULT_FOV_DEG = 60;
  public static final String SOURCE_EXIF = "exif";
  public static final String SOURCE_DEFAULT_FOV = "default_fov";

  private IntrinsicsEstimator() {}

  /** Intrinsics and where they came from. */
  public record Estimate(CameraIntrinsics intrinsics, String source) {}

  /**
   * @param focal35mm EXIF FocalLengthIn35mmFilm in millimetres, or null
   */
  public static Estimate estimate(int width, int height, Double focal35mm) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
    if (focal35mm != null && focal35mm >= 8 && focal35mm <= 1200) {
      double f = focal35mm / FULL_FRAME_DIAGONAL_MM * Math.hypot(width, height);
      return new Estimate(new CameraIntrinsics(f, f, cx, cy), SOURCE_EXIF);
    }
    double f = Math.max(width, height) / 2.0 / Math.tan(Math.toRadians(DEFAULT_FOV_DEG / 2));
    return new Estimate(new CameraIntrinsics(f, f, cx, cy), SOURCE_DEFAULT_FOV);
  }
}
