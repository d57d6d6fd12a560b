package dev.spatialvqa.core.lift;

import java.util.List;
import java.util.Map;

/**
 * The result of lifting one scene.
 *
 * @param canonicalized whether gravity is known (given, or estimated from accepted horizontal
 *     planes)
 * @param gravityUpCamera unit up vector in OpenCV camera coordinates, or null when not
 *     canonicalized
 * @param gravityGiven true when the up vector came from the input
 * @param cameraHeightM camera height above the support plane, or null when no support plane
 * @param objects the lifted objects
 * @param filteredObjects objects dropped with a reason code (e.g. {@code too_few_points})
 * @param stats counts: every depth pixel by cause ({@code depth_valid}, {@code depth_hole}, {@code
 *     depth_nan}, {@code depth_inf}, {@code depth_out_of_range}), accepted horizontal {@code
 *     planes}, {@code plane_samples} (one depth sample per image block), {@code plane_candidates}
 *     (samples with a near-vertical normal) and {@code gravity_points} (inliers of the planes that
 *     decided gravity)
 * @param gravityEvidence which plane(s) decided gravity, with how many points and what confidence,
 *     or why the scene is not canonicalized ({@link PlaneFinder.Evidence#reason()})
 */
public record LiftResult(
    boolean canonicalized,
    double[] gravityUpCamera,
    boolean gravityGiven,
    Double cameraHeightM,
    List<LiftedObject> objects,
    List<FilteredObject> filteredObjects,
    Map<String, Long> stats,
    PlaneFinder.Evidence gravityEvidence) {

  /** An object that was not lifted, and why. */
  public record FilteredObject(String objectId, String reason) {}
}
