package dev.spatialvqa.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.lift.LiftConfig;
import dev.spatialvqa.core.lift.SceneLifter;
import dev.spatialvqa.core.lift.SceneRecords;
import dev.spatialvqa.core.load.LocalBlobReader;
import dev.spatialvqa.core.load.ManifestParser;
import dev.spatialvqa.core.load.SceneLoader;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.schemas.SceneRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's synthetic scenes are valid, distinct inputs whose geometry the lift recovers. */
class SyntheticScenesTest {
  @Test
  void scenesLoadLiftUprightAndDiffer(@TempDir Path dir) throws Exception {
    Path manifest = SyntheticScenes.write(dir, 3, 7);
    List<String> lines = Files.readAllLines(manifest);
    assertEquals(3, lines.size());
    SceneLoader loader = new SceneLoader(new LocalBlobReader());
    SceneLifter lifter = new SceneLifter(LiftConfig.defaults());
    String firstHash = null;
    for (String l : lines) {
      PerceivedScene s =
          ((SceneLoader.Scene) loader.load(ManifestParser.parse(l), manifest.toString(), null))
              .scene();
      if (firstHash == null) {
        firstHash = s.getContentHash();
      } else {
        assertNotEquals(firstHash, s.getContentHash(), "every scene is a different image");
      }
      SceneRecord r = SceneRecords.lift(lifter, s);
      assertTrue(r.getCanonicalized(), "the floor gives gravity: " + r.getSceneId());
      double h = r.getCameraHeightM();
      assertTrue(h > 1.15 && h < 1.65, "camera height (rendered 1.2-1.6 m): " + h);
      assertTrue(r.getObjects().size() >= 2, "objects lifted: " + r.getObjects().size());
    }
  }
}
