package dev.spatialvqa.core.generate;

import dev.spatialvqa.core.evaluate.GroundTruth;
import java.io.IOException;
import java.io.InputStream;

/** The bundled SUN RGB-D scenes' {@code ground_truth.json} (classpath {@code /sunrgbd-dev/...}). */
final class BundledGroundTruth {
  private BundledGroundTruth() {}

  static GroundTruth load(String sceneId) throws IOException {
    try (InputStream in =
        BundledGroundTruth.class.getResourceAsStream(
            "/sunrgbd-dev/" + sceneId + "/ground_truth.json")) {
      if (in == null) {
        throw new IOException("no ground truth for " + sceneId + " on the classpath");
      }
      return GroundTruth.parse(sceneId, in.readAllBytes());
    }
  }
}
