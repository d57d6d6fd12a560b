package dev.spatialvqa.core.refer;

import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.List;

/** Hand-built scenes for the ambiguity tests. */
public final class Scenes {
  private Scenes() {}

  /**
   * An object at canonical (x right, y forward, z up); the camera sits at the origin 1.2 m above
   * the floor, so its OpenCV-frame centre is (x, 1.2 - z, y).
   */
  public static SceneObject object(String id, String caption, double x, double y, double z) {
    return SceneObject.newBuilder()
        .setObjectId(id)
        .setCaption(caption)
        .setNumPoints(500)
        .setCenterCamera(List.of(x, 1.2 - z, y))
        .setCenter(List.of(x, y, z))
        .setExtent(List.of(0.4, 0.4, 0.5))
        .setHeadingRad(0.0)
        .build();
  }

  public static SceneRecord scene(String id, boolean canonicalized, SceneObject... objects) {
    return SceneRecord.newBuilder()
        .setSceneId(id)
        .setImageUri("file:///scenes/" + id + ".jpg")
        .setImageWidth(640)
        .setImageHeight(480)
        .setIntrinsics(Intrinsics.newBuilder().setFx(500).setFy(500).setCx(320).setCy(240).build())
        .setIntrinsicsSource(IntrinsicsSource.given)
        .setCanonicalized(canonicalized)
        .setObjects(List.of(objects))
        .build();
  }
}
