package dev.spatialvqa.core.generate;

import dev.spatialvqa.core.evaluate.GroundTruth;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bundled scenes' {@code ground_truth.json}: SUN RGB-D ({@code /sunrgbd-dev/...}) or, for ids
 * starting with {@code kitti-}, KITTI ({@code /kitti-dev/...}) on the test classpath.
 */
final class BundledGroundTruth {
  private BundledGroundTruth() {}

  static GroundTruth load(String sceneId) throws IOException {
    String folder = sceneId.startsWith("kitti-") ? "/kitti-dev/" : "/sunrgbd-dev/";
    try (InputStream in =
        BundledGroundTruth.class.getResourceAsStream(folder + sceneId + "/ground_truth.json")) {
      if (in == null) {
        throw new IOException("no ground truth for " + sceneId + " on the classpath");
      }
      return GroundTruth.parse(sceneId, in.readAllBytes());
    }
  }
}
