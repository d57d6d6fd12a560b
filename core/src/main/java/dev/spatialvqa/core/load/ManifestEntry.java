package dev.spatialvqa.core.load;

import java.util.List;

/**
 * One parsed scene-manifest line. Paths are as written in the manifest (relative to its folder,
 * absolute, or URIs); {@link SceneLoader} resolves them.
 *
 * @param depth null when the line has no depth (a depth model must estimate it)
 * @param intrinsics {fx, fy, cx, cy} or null
 * @param gravityUpCamera unit up vector in OpenCV camera coordinates, or null
 * @param instances instance-id PNG path, or null
 */
public record ManifestEntry(
    String sceneId,
    String image,
    String depth,
    double depthScaleM,
    double[] intrinsics,
    double[] gravityUpCamera,
    String instances,
    List<Obj> objects) {

  /** A manifest object: its id (as written), caption, and optional 0-based pixel box. */
  public record Obj(String id, String caption, double[] box2dXyxy) {}
}
