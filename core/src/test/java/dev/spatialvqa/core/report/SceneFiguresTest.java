package dev.spatialvqa.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SceneFiguresTest {
  private static SceneRecord scene(List<Double> up) {
    SceneObject o =
        SceneObject.newBuilder()
            .setObjectId("1")
            .setCaption("table")
            .setReferringExpression("the table")
            .setNumPoints(100)
            .setCenterCamera(List.of(0.5, 1.0, 2.0))
            .setCenter(List.of(0.5, 2.0, 0.4))
            .setExtent(List.of(1.0, 0.6, 0.8))
            .setHeadingRad(0.0)
            .setOrientedCenter(List.of(0.5, 2.0, 0.4))
            .setOrientedExtent(List.of(1.0, 0.6, 0.8))
            .setBox2dXyxy(List.of(100.0, 200.0, 300.0, 400.0))
            .build();
    return SceneRecord.newBuilder()
        .setSceneId("s")
        .setImageUri("file:///x.jpg")
        .setImageWidth(640)
        .setImageHeight(480)
        .setIntrinsics(new Intrinsics(500.0, 500.0, 320.0, 240.0))
        .setIntrinsicsSource(IntrinsicsSource.given)
        .setCanonicalized(up != null)
        .setGravityUpCamera(up)
        .setCameraHeightM(up == null ? null : 1.4)
        .setObjects(List.of(o))
        .build();
  }

  @Test
  void horizonOfALevelCameraIsThePrincipalRow() {
    // up = -y (OpenCV): horizontal rays are v = cy
    double[] up = {0, -1, 0};
    double a = up[0] / 500.0;
    double b = up[1] / 500.0;
    double c = up[2] - up[0] * 320 / 500.0 - up[1] * 240 / 500.0;
    double[] seg = SceneFigures.clipLine(a, b, c, 640, 480);
    assertEquals(240, seg[1], 1e-9);
    assertEquals(240, seg[3], 1e-9);
    assertEquals(640, Math.abs(seg[2] - seg[0]), 1e-9);
    // looking straight down: the horizon is outside the image
    assertNull(SceneFigures.clipLine(0, 0, 1, 640, 480));
  }

  @Test
  void footprintOfAnOrientedBoxTurnsWithItsHeading() {
    SceneObject o =
        SceneObject.newBuilder(scene(null).getObjects().get(0)).setHeadingRad(Math.PI / 2).build();
    double[][] f = SceneFigures.footprint(o);
    // 1.0 along the heading (now +y), 0.6 across (now x)
    double minX = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    for (double[] p : f) {
      minX = Math.min(minX, p[0]);
      maxX = Math.max(maxX, p[0]);
    }
    assertEquals(0.6, maxX - minX, 1e-9);
  }

  @Test
  void picturesAreDrawnWithAndWithoutGravityAndImage() {
    for (List<Double> up : java.util.Arrays.asList(List.of(0.0, -0.98, 0.2), null)) {
      SceneRecord s = scene(up);
      BufferedImage photo = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
      BufferedImage a = SceneFigures.annotatedImage(s, photo, 320);
      assertEquals(320, a.getWidth());
      assertEquals(240, a.getHeight());
      // the box is drawn in the object's colour at its scaled place (left edge x = 50)
      int rgb = a.getRGB(50, 150) & 0xffffff;
      assertTrue(rgb != 0, "box edge drawn");
      assertTrue(SceneFigures.annotatedImage(s, null, 320).getWidth() == 320);
      assertTrue(SceneFigures.topDown(s, 300, 300).getWidth() == 300);
      assertTrue(SceneFigures.side(s, 300, 200).getHeight() == 200);
    }
    assertEquals(100, Charts.bars("t", Map.of("a", 1.0), 100.0).getHeight() > 0 ? 100 : 0);
  }
}
