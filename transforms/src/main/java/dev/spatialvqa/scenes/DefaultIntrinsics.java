package dev.spatialvqa.scenes;

import dev.spatialvqa.geometry.CameraIntrinsics;

/**
 * Intrinsics for an image that came without any: a pinhole with a 60 degree horizontal field of
 * view (typical of phone and webcam main cameras) and the principal point at the image centre.
 */
public final class DefaultIntrinsics {
  public static final double HORIZONTAL_FOV_DEG = 60.0;

  private DefaultIntrinsics() {}

  public static CameraIntrinsics forImage(int width, int height) {
    double f = (width / 2.0) / Math.tan(Math.toRadians(HORIZONTAL_FOV_DEG) / 2);
    return new CameraIntrinsics(f, f, (width - 1) / 2.0, (height - 1) / 2.0);
  }
}
