package dev.spatialvqa.core.perceive;

import dev.spatialvqa.core.lift.CameraIntrinsics;
import dev.spatialvqa.core.lift.IntrinsicsEstimator;
import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;

/**
 * Intrinsics for a perceived image, in order of trust: given with the input; from EXIF's 35 mm
 * equivalent focal length through {@link IntrinsicsEstimator} (f_px = f35 * image diagonal / 43.27
 * mm; values outside its plausible range are ignored); predicted by the depth model; else a default
 * field of view across the image's long side (IntrinsicsEstimator's convention, with the angle
 * configurable). Principal point at the image centre ((w-1)/2, (h-1)/2) unless given. Square pixels
 * (fx = fy) except for model focal lengths, which come per axis.
 */
public final class ImageIntrinsics {
  public record Choice(Intrinsics intrinsics, IntrinsicsSource source) {}

  private ImageIntrinsics() {}

  public static Choice choose(
      Intrinsics given,
      Double focal35mm,
      Double modelFx,
      Double modelFy,
      int width,
      int height,
      double defaultHfovDeg) {
    double cx = (width - 1) / 2.0;
    double cy = (height - 1) / 2.0;
    if (given != null) {
      return new Choice(given, IntrinsicsSource.given);
    }
    IntrinsicsEstimator.Estimate e = IntrinsicsEstimator.estimate(width, height, focal35mm);
    if (IntrinsicsEstimator.SOURCE_EXIF.equals(e.source())) {
      CameraIntrinsics k = e.intrinsics();
      return new Choice(new Intrinsics(k.fx(), k.fy(), k.cx(), k.cy()), IntrinsicsSource.exif);
    }
    if (modelFx != null
        && modelFy != null
        && modelFx > 0
        && modelFy > 0
        && Double.isFinite(modelFx)
        && Double.isFinite(modelFy)) {
      return new Choice(new Intrinsics(modelFx, modelFy, cx, cy), IntrinsicsSource.model);
    }
    double f = (Math.max(width, height) / 2.0) / Math.tan(Math.toRadians(defaultHfovDeg) / 2);
    return new Choice(new Intrinsics(f, f, cx, cy), IntrinsicsSource.default_fov);
  }
}
