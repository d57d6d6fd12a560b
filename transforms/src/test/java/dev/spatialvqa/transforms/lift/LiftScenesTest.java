package dev.spatialvqa.transforms.lift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.lift.LiftConfig;
import dev.spatialvqa.core.load.ManifestParser;
import dev.spatialvqa.core.load.SceneLoader;
import dev.spatialvqa.schemas.GravitySource;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.errors.DeadLetters;
import dev.spatialvqa.transforms.load.BeamBlobReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LiftScenes wiring the geometry core: the bundled real scenes end as canonicalized records. */
class LiftScenesTest {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  static List<PerceivedScene> bundledScenes() throws Exception {
    Path manifest =
        Path.of(LiftScenesTest.class.getResource("/sunrgbd-dev/manifest.jsonl").toURI());
    SceneLoader loader = new SceneLoader(new BeamBlobReader());
    List<PerceivedScene> out = new ArrayList<>();
    for (String line : Files.readAllLines(manifest)) {
      if (!line.isBlank()) {
        SceneLoader.Loaded l = loader.load(ManifestParser.parse(line), manifest.toString(), null);
        out.add(assertInstanceOf(SceneLoader.Scene.class, l).scene());
      }
    }
    return out;
  }

  @Test
  void realScenesBecomeCanonicalizedSceneRecords(TestPipeline p) throws Exception {
    List<PerceivedScene> scenes = bundledScenes();

    PCollectionTuple out =
        p.apply("Scenes", Create.of(scenes)).apply("Lift", LiftScenes.with(LiftConfig.defaults()));

    PAssert.that(out.get(LiftScenes.SCENES))
        .satisfies(
            records -> {
              int n = 0;
              for (SceneRecord r : records) {
                n++;
                assertTrue(r.getCanonicalized(), r.getSceneId());
                assertEquals(GravitySource.estimated, r.getGravitySource());
                assertNotNull(r.getCameraHeightM());
                assertEquals(r.getSceneId().endsWith("1") ? 6 : 2, r.getObjects().size());
                for (SceneObject o : r.getObjects()) {
                  assertEquals(3, o.getExtent().size());
                  assertEquals(3, o.getOrientedExtent().size());
                  assertEquals("mask", o.getMaskSource());
                  assertTrue(
                      o.getExtent().get(2) > 0.3,
                      o.getCaption() + " height " + o.getExtent().get(2));
                }
              }
              assertEquals(2, n);
              return null;
            });
    PAssert.that(out.get(DeadLetters.TAG)).empty();
    p.run().waitUntilFinish();
  }
}
