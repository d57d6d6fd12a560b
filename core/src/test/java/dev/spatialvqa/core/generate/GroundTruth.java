package dev.spatialvqa.core.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bundled SUN RGB-D scene's {@code ground_truth.json} (classpath {@code /sunrgbd-dev/...}):
 * upright frame x right, y forward, z up, origin at the camera; boxes with heading.
 */
final class GroundTruth {
  /** One ground-truth box. */
  record Box(
      String id,
      String cls,
      double[] center,
      double[] size,
      double heading,
      double[][] corners,
      double[] centerCamera,
      double bottomZ) {
    double[] aabbExtent() {
      double[] e = new double[3];
      for (int k = 0; k < 3; k++) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] c : corners) {
          lo = Math.min(lo, c[k]);
          hi = Math.max(hi, c[k]);
        }
        e[k] = hi - lo;
      }
      return e;
    }
  }

  final String sceneId;
  final Map<String, Box> boxes = new LinkedHashMap<>();

  /** Camera height above the floor, taken as the lowest box bottom. */
  final double cameraHeight;

  /** Row-major 3x3 rotation: p_upright = R p_camera (OpenCV camera axes). */
  final double[] rCvToUpright = new double[9];

  /** Row-major 3x3 intrinsics (0-based pixel centres). */
  final double[] k = new double[9];

  private GroundTruth(String sceneId, JsonNode root) {
    this.sceneId = sceneId;
    for (int i = 0; i < 9; i++) {
      rCvToUpright[i] = root.get("R_cv_to_upright").get(i / 3).get(i % 3).asDouble();
      k[i] = root.get("K_0based").get(i / 3).get(i % 3).asDouble();
    }
    double minBottom = Double.POSITIVE_INFINITY;
    for (JsonNode o : root.get("objects")) {
      JsonNode b = o.get("box3d_upright");
      double[][] corners = new double[8][];
      for (int i = 0; i < 8; i++) {
        corners[i] = vec(b.get("corners").get(i));
      }
      Box box =
          new Box(
              o.get("id").asText(),
              o.get("class").asText(),
              vec(b.get("center")),
              vec(b.get("size_xyz")),
              b.get("heading_rad").asDouble(),
              corners,
              vec(
                  (o.has("box3d_camera_cv") ? o.get("box3d_camera_cv") : o.get("box3d_cam2_cv"))
                      .get("center")),
              o.has("bottom_z_upright") ? o.get("bottom_z_upright").asDouble() : minZ(corners));
      boxes.put(box.id(), box);
      minBottom = Math.min(minBottom, box.bottomZ());
    }
    this.cameraHeight = -minBottom;
  }

  /** The lowest corner of a box (KITTI files carry no {@code bottom_z_upright}). */
  private static double minZ(double[][] corners) {
    double z = Double.POSITIVE_INFINITY;
    for (double[] c : corners) {
      z = Math.min(z, c[2]);
    }
    return z;
  }

  /**
   * Loads {@code /sunrgbd-dev/ID/ground_truth.json}, or {@code /kitti-dev/ID/...} for ids starting
   * with {@code kitti-} (KITTI's files name the camera box {@code box3d_cam2_cv}).
   */
  static GroundTruth load(String sceneId) throws IOException {
    String folder = sceneId.startsWith("kitti-") ? "/kitti-dev/" : "/sunrgbd-dev/";
    try (InputStream in =
        GroundTruth.class.getResourceAsStream(folder + sceneId + "/ground_truth.json")) {
      if (in == null) {
        throw new IOException("no ground truth for " + sceneId + " on the classpath");
      }
      return new GroundTruth(sceneId, new ObjectMapper().readTree(in));
    }
  }

  private static double[] vec(JsonNode n) {
    double[] v = new double[n.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = n.get(i).asDouble();
    }
    return v;
  }

  static String referringExpression(String cls) {
    return "the " + cls.replace('_', ' ');
  }

  /** A scene record whose objects are the ground-truth boxes (origin moved to the floor). */
  SceneRecord sceneRecord() {
    List<SceneObject> objs = new ArrayList<>();
    for (Box b : boxes.values()) {
      double[] e = b.aabbExtent();
      List<Double> c = List.of(b.center()[0], b.center()[1], b.center()[2] + cameraHeight);
      objs.add(
          SceneObject.newBuilder()
              .setObjectId(b.id())
              .setCaption(b.cls().replace('_', ' '))
              .setReferringExpression(referringExpression(b.cls()))
              .setNumPoints(1000)
              .setCenterCamera(
                  List.of(b.centerCamera()[0], b.centerCamera()[1], b.centerCamera()[2]))
              .setCenter(c)
              .setExtent(List.of(e[0], e[1], e[2]))
              .setHeadingRad(b.heading())
              .setOrientedCenter(c)
              .setOrientedExtent(List.of(b.size()[0], b.size()[1], b.size()[2]))
              .build());
    }
    return SceneRecord.newBuilder()
        .setSceneId(sceneId)
        .setImageUri("sunrgbd-dev/" + sceneId + "/image.jpg")
        .setImageWidth(730)
        .setImageHeight(530)
        .setIntrinsics(new Intrinsics(529.5, 529.5, 364.0, 264.0))
        .setIntrinsicsSource(IntrinsicsSource.given)
        .setCanonicalized(true)
        .setCameraHeightM(cameraHeight)
        .setObjects(objs)
        .build();
  }
}
