package dev.spatialvqa.core.generate;

import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.ArrayList;
import java.util.List;

/** Hand-built scene records for tests. Canonical frame origin on the floor below the camera. */
final class TestScenes {
  static final double CAMERA_HEIGHT = 1.5;

  private TestScenes() {}

  /** An axis-aligned object (no oriented box). */
  static SceneObject obj(
      String id, String ref, double cx, double cy, double cz, double ex, double ey, double ez) {
    return SceneObject.newBuilder()
        .setObjectId(id)
        .setCaption(ref == null ? id : ref.replaceFirst("^the ", ""))
        .setReferringExpression(ref)
        .setNumPoints(1000)
        // OpenCV camera frame: x right, y down, z forward; camera at height CAMERA_HEIGHT
        .setCenterCamera(List.of(cx, CAMERA_HEIGHT - cz, cy))
        .setCenter(List.of(cx, cy, cz))
        .setExtent(List.of(ex, ey, ez))
        .setHeadingRad(0.0)
        .build();
  }

  static SceneObject ambiguous(SceneObject o) {
    return SceneObject.newBuilder(o).setAmbiguous(true).setReferringExpression(null).build();
  }

  static SceneRecord scene(
      String id, boolean canonicalized, Double cameraHeight, List<SceneObject> objects) {
    return SceneRecord.newBuilder()
        .setSceneId(id)
        .setImageUri("file:///scenes/" + id + ".jpg")
        .setImageWidth(640)
        .setImageHeight(480)
        .setIntrinsics(new Intrinsics(500.0, 500.0, 320.0, 240.0))
        .setIntrinsicsSource(dev.spatialvqa.schemas.IntrinsicsSource.given)
        .setCanonicalized(canonicalized)
        .setGravityUpCamera(canonicalized ? List.of(0.0, -1.0, 0.0) : null)
        .setCameraHeightM(cameraHeight)
        .setObjects(new ArrayList<>(objects))
        .build();
  }

  /** A bedroom with six well-separated objects of distinct sizes. */
  static SceneRecord bedroom() {
    return scene(
        "bedroom-1",
        true,
        CAMERA_HEIGHT,
        List.of(
            obj("1", "the bed", 0.2, 3.5, 0.3, 1.6, 2.1, 0.6),
            obj("2", "the lamp", 1.6, 4.4, 0.9, 0.3, 0.3, 0.5),
            obj("3", "the wardrobe", -2.0, 5.0, 1.0, 1.2, 0.6, 2.0),
            obj("4", "the chair", 1.2, 2.0, 0.45, 0.5, 0.5, 0.9),
            obj("5", "the painting", 0.0, 5.6, 1.6, 0.9, 0.05, 0.6),
            obj("6", "the rug", -0.8, 2.6, 0.005, 1.4, 1.0, 0.01)));
  }
}
