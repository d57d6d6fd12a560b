package dev.spatialvqa.geometry;

import java.util.List;

/**
 * Lifts a scene's 2D objects to metric 3D boxes in a gravity-aligned frame: back-projection,
 * per-object clouds, denoising, gravity from horizontal support planes, canonical frame, boxes.
 * Pure Java (no Beam). Not thread-safe unless stated; create one per DoFn instance.
 */
public final class SceneLifter {
  private final LiftConfig config;

  public SceneLifter(LiftConfig config) {
    this.config = config;
  }

  /**
   * @param givenUpCamera the input's up vector in OpenCV camera coordinates, or null to estimate
   */
  public LiftResult lift(
      DepthImage depth, CameraIntrinsics intrinsics, List<ObjectInput> objects, double[] givenUpCamera) {
    throw new UnsupportedOperationException("geometry core: issue 3 (in progress)");
  }
}
