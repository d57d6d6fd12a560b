package dev.spatialvqa.core.lift;

/**
 * An object lifted to 3D. Canonical frame: z up (gravity), x = the viewer's right, y = the viewer's
 * forward (both horizontal), metres; origin below the camera on the support plane when one was
 * found (else at the camera). When the scene is not canonicalized, the "canonical" frame is the
 * camera frame re-labelled (x right, y forward = optical axis, z = -camera y) and vertical answers
 * must not be given.
 *
 * @param numPoints points left after denoising
 * @param centerCamera axis-aligned box centre mapped back to OpenCV camera coordinates
 * @param center axis-aligned box centre (canonical)
 * @param extent axis-aligned full extents along canonical x, y, z
 * @param headingRad yaw of the oriented box's first axis, CCW about +z from +x
 * @param orientedCenter oriented (yaw) box centre, canonical
 * @param orientedExtent oriented box extents: along heading, perpendicular horizontal, up
 * @param maskSource "mask" or "box"
 * @param visibility what the camera saw of the object ({@link Visibility}), or null before it is
 *     measured
 */
public record LiftedObject(
    String objectId,
    String caption,
    int numPoints,
    double[] centerCamera,
    double[] center,
    double[] extent,
    double headingRad,
    double[] orientedCenter,
    double[] orientedExtent,
    String maskSource,
    double[] box2dXyxy,
    Visibility visibility) {

  public LiftedObject(
      String objectId,
      String caption,
      int numPoints,
      double[] centerCamera,
      double[] center,
      double[] extent,
      double headingRad,
      double[] orientedCenter,
      double[] orientedExtent,
      String maskSource,
      double[] box2dXyxy) {
    this(
        objectId,
        caption,
        numPoints,
        centerCamera,
        center,
        extent,
        headingRad,
        orientedCenter,
        orientedExtent,
        maskSource,
        box2dXyxy,
        null);
  }

  /** This object with its visibility measured. */
  public LiftedObject withVisibility(Visibility v) {
    return new LiftedObject(
        objectId,
        caption,
        numPoints,
        centerCamera,
        center,
        extent,
        headingRad,
        orientedCenter,
        orientedExtent,
        maskSource,
        box2dXyxy,
        v);
  }
}
