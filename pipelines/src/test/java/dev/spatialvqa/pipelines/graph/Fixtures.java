package dev.spatialvqa.pipelines.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The bundled SUN RGB-D scenes on the test classpath, and manifests built from them. */
public final class Fixtures {
  private Fixtures() {}

  public static Path bundledDir() {
    try {
      return Path.of(Fixtures.class.getResource("/sunrgbd-dev/manifest.jsonl").toURI()).getParent();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Path bundledManifest() {
    return bundledDir().resolve("manifest.jsonl");
  }

  /** Ground-truth up vector (third row of R_cv_to_upright) in OpenCV camera coordinates. */
  public static double[] groundTruthUp(String sceneId) throws Exception {
    JsonNode gt =
        new ObjectMapper()
            .readTree(bundledDir().resolve(sceneId).resolve("ground_truth.json").toFile());
    JsonNode row = gt.get("R_cv_to_upright").get(2);
    return new double[] {row.get(0).asDouble(), row.get(1).asDouble(), row.get(2).asDouble()};
  }

  /**
   * A manifest with the two real scenes (absolute paths) plus bad lines: malformed JSON, a missing
   * image file, and an image-only line that needs perception models.
   */
  public static Path manifestWithBadLines(Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String l : Files.readAllLines(bundledManifest())) {
      if (!l.isBlank()) {
        lines.add(l.replaceAll("\"(sunrgbd-\\d+/)", "\"" + bundledDir() + "/$1"));
      }
    }
    lines.add("{\"scene_id\": \"broken\", \"image\": ");
    lines.add("");
    lines.add(
        "{\"scene_id\": \"gone\", \"image\": \"does/not/exist.jpg\", \"depth\": \"nope.png\", \"depth_scale_m\": 0.001}");
    lines.add(
        "{\"scene_id\": \"image-only\", \"image\": \""
            + bundledDir()
            + "/sunrgbd-000002/image.jpg\"}");
    Path m = dir.resolve("manifest.jsonl");
    Files.write(m, lines);
    return m;
  }
}
