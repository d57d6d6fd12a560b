package dev.spatialvqa.vision;

import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;

/**
 * Intrinsics for a perceived image, in order of trust: given with the input; from EXIF's 35 mm
 * equivalent focal length (f_px = f35 * image diagonal / 43.27 mm, the 35 mm frame's diagonal);
 * predicted by the depth model; else a default horizontal field of view. Principal point at the
 * image centre ((w-1)/2, (h-1)/2) unless given. Square pixels (fx = fy) except for model focal
 * lengths, which come per axis.
 */
public final class ImageIntrinsics {
  /** The 35 mm film frame's diagonal, mm. */
  public static final double FRAME_35MM_DIAGONAL = Math.hypot(36, 24);

  public record Choice(Intrinsics intrinsics, IntrinsicsSource source) {}

  private ImageIntrinsics() {}

  public static Choice choose(
      Intrinsics given, Double focal35mm, Double modelFx, Double modelFy, int width, int height,
      double defaultHfovDeg) {
    double cx = (width - 1) / 2.0;
    double cy = (height - 1) / 2.0;
    if (given != null) {
      return new Choice(given, IntrinsicsSource.given);
    }
    if (focal35mm != null && focal35mm > 0 && Double.isFinite(focal35mm)) {
      double f = focal35mm * Math.hypot(width, height) / FRAME_35MM_DIAGONAL;
      return new Choice(new Intrinsics(f, f, cx, cy), IntrinsicsSource.exif);
    }
    if (modelFx != null && modelFy != null && modelFx > 0 && modelFy > 0
        && Double.isFinite(modelFx) && Double.isFinite(modelFy)) {
      return new Choice(new Intrinsics(modelFx, modelFy, cx, cy), IntrinsicsSource.model);
    }
    double f = (width / 2.0) / Math.tan(Math.toRadians(defaultHfovDeg) / 2);
    return new Choice(new Intrinsics(f, f, cx, cy), IntrinsicsSource.default_fov);
  }
}
