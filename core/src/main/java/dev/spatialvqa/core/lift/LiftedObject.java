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
 * @param sidesSeen vertical faces of the oriented box that the visible points show (0-4; a camera
 *     sees at most two faces of a box from outside: LiDAR on a car seen side-on gives 1, a corner
 *     view 2); see {@link SceneLifter#sides}
 * @param extentReliable per oriented axis (along heading, perpendicular horizontal, up): whether
 *     the visible points span that extent. False when they form a single sheet across it (only one
 *     face seen, e.g. the width of a car seen side-on, the depth of a screen seen face-on): that
 *     extent is the thickness of the visible face, not the object's size, and must not be used as
 *     its size. Judged on the visible points, before amodal completion
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
    int sidesSeen,
    boolean[] extentReliable,
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
      double[] box2dXyxy,
      int sidesSeen,
      boolean[] extentReliable) {
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
        sidesSeen,
        extentReliable,
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
        sidesSeen,
        extentReliable,
        v);
  }

  /** The same object with another box (centres and extents), keeping everything else. */
  LiftedObject withBox(
      double[] centerCamera,
      double[] center,
      double[] extent,
      double[] orientedCenter,
      double[] orientedExtent) {
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
        sidesSeen,
        extentReliable,
        visibility);
  }
}
