package dev.spatialvqa.core.generate;

import dev.spatialvqa.core.evaluate.GroundTruth;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The best a visible-surface box can do on a bundled scene: each object's box is the axis-aligned
 * box around every masked pixel with a depth reading (no stride, no denoising), back-projected with
 * the ground-truth intrinsics and put upright with the ground-truth gravity. It tells how much of
 * the disagreement with the (amodal, hand-drawn) ground-truth boxes no lifting of the visible
 * points can remove.
 */
final class VisiblePointOracle {
  /** Metres per depth unit of the bundled depth_mm.png (manifest: depth_scale_m). */
  static final double DEPTH_SCALE_M = 0.001;

  private VisiblePointOracle() {}

  static SceneRecord scene(GroundTruth gt) throws IOException {
    Raster depth = read("/sunrgbd-dev/" + gt.sceneId() + "/depth_mm.png");
    Raster inst = read("/sunrgbd-dev/" + gt.sceneId() + "/instances.png");
    double[] r = gt.rCvToUpright();
    double[] k = gt.k();
    double fx = k[0], fy = k[4], cx = k[2], cy = k[5];
    SceneRecord gtScene = gt.sceneRecord();
    List<SceneObject> objs = new ArrayList<>();
    for (SceneObject o : gtScene.getObjects()) {
      int id = Integer.parseInt(o.getObjectId());
      double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
      double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
      int n = 0;
      for (int v = 0; v < depth.getHeight(); v++) {
        for (int u = 0; u < depth.getWidth(); u++) {
          int raw = depth.getSample(u, v, 0);
          if (inst.getSample(u, v, 0) != id || raw == 0) {
            continue;
          }
          double z = raw * DEPTH_SCALE_M, x = (u - cx) / fx * z, y = (v - cy) / fy * z;
          for (int a = 0; a < 3; a++) {
            double p = r[3 * a] * x + r[3 * a + 1] * y + r[3 * a + 2] * z;
            lo[a] = Math.min(lo[a], p);
            hi[a] = Math.max(hi[a], p);
          }
          n++;
        }
      }
      if (n == 0) {
        continue;
      }
      double[] c = {(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2};
      List<Double> e = List.of(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]);
      List<Double> center = List.of(c[0], c[1], c[2] + gt.cameraHeight());
      // camera coordinates: R^T c
      List<Double> cam =
          List.of(
              r[0] * c[0] + r[3] * c[1] + r[6] * c[2],
              r[1] * c[0] + r[4] * c[1] + r[7] * c[2],
              r[2] * c[0] + r[5] * c[1] + r[8] * c[2]);
      objs.add(
          SceneObject.newBuilder(o)
              .setNumPoints(n)
              .setCenter(center)
              .setOrientedCenter(center)
              .setExtent(e)
              .setOrientedExtent(e)
              .setHeadingRad(0.0)
              .setCenterCamera(cam)
              .build());
    }
    return SceneRecord.newBuilder(gtScene).setObjects(objs).build();
  }

  private static Raster read(String resource) throws IOException {
    try (InputStream in = VisiblePointOracle.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      return ImageIO.read(in).getRaster();
    }
  }
}
