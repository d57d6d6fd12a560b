package dev.spatialvqa.core.lift;

/** Pinhole intrinsics in pixels with 0-based pixel centres (OpenCV convention). */
public record CameraIntrinsics(double fx, double fy, double cx, double cy) {
  /** Throws with a message naming the bad value when these cannot be intrinsics of the image. */
  public void validate(int width, int height) {
    if (!(fx > 0) || !(fy > 0) || !Double.isFinite(fx) || !Double.isFinite(fy)) {
      throw new IllegalArgumentException(
          "focal lengths must be positive and finite, got fx=" + fx + " fy=" + fy);
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
