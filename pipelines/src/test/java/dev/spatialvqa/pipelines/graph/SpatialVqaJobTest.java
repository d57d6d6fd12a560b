package dev.spatialvqa.pipelines.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.schemas.DeadLetter;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.transforms.errors.RunLedger;
import dev.spatialvqa.transforms.load.ReadManifest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * JobTest: the real job graph on the bundled real scenes plus bad lines, read through the real
 * manifest source, with the sinks swapped for assertions on the outputs and the ledger.
 */
class SpatialVqaJobTest {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  static final List<String> FIRST_TYPES =
      List.of(
          "distance", "left_predicate", "above_predicate", "taller_predicate", "width", "height");

  @Test
  void wholeJobOnRealScenes(TestPipeline p, @TempDir Path dir) throws Exception {
    Path manifest = Fixtures.manifestWithBadLines(dir);
    double[] up1 = Fixtures.groundTruthUp("sunrgbd-000001");
    double[] up2 = Fixtures.groundTruthUp("sunrgbd-000002");

    SpatialVqaPipeline.Outputs out =
        SpatialVqaPipeline.process(
            new SpatialVqaPipeline.Inputs(p.apply("Read", ReadManifest.from(manifest.toString()))),
            SpatialVqaPipeline.Config.defaults());

    PAssert.that(out.scenes())
        .satisfies(
            scenes -> {
              Map<String, SceneRecord> byId = new HashMap<>();
              scenes.forEach(s -> byId.put(s.getSceneId(), s));
              assertEquals(Set.of("sunrgbd-000001", "sunrgbd-000002"), byId.keySet());
              for (SceneRecord s : byId.values()) {
                double[] gt = s.getSceneId().endsWith("1") ? up1 : up2;
                assertTrue(s.getCanonicalized(), s.getSceneId() + " not canonicalized");
                List<Double> g = s.getGravityUpCamera();
                double dot = g.get(0) * gt[0] + g.get(1) * gt[1] + g.get(2) * gt[2];
                double deg = Math.toDegrees(Math.acos(Math.min(1, dot)));
                assertTrue(deg < 3.0, s.getSceneId() + " gravity off by " + deg + " degrees");
                assertNotNull(s.getCameraHeightM());
                assertTrue(
                    s.getCameraHeightM() > 0.5 && s.getCameraHeightM() < 2.5,
                    "camera height " + s.getCameraHeightM());
                assertFalse(s.getObjects().isEmpty());
                Set<String> refs = new HashSet<>();
                for (SceneObject o : s.getObjects()) {
                  assertEquals(3, o.getCenter().size());
                  assertTrue(o.getNumPoints() > 0);
                  if (o.getReferringExpression() != null) {
                    assertTrue(
                        refs.add(o.getReferringExpression()),
                        "duplicate reference " + o.getReferringExpression());
                  }
                }
              }
              SceneRecord s2 = byId.get("sunrgbd-000002");
              assertEquals(Set.of("1", "2"), ids(s2));
              return null;
            });

    PAssert.that(out.qa())
        .satisfies(
            qas -> {
              Map<String, Integer> byType = new TreeMap<>();
              for (QaRecord q : qas) {
                byType.merge(q.getQuestionType(), 1, Integer::sum);
                assertFalse(q.getQuestion().isBlank());
                assertFalse(q.getAnswer().isBlank());
                assertEquals(64, q.getQaId().length(), q.getQaId());
                assertTrue(q.getSceneId().startsWith("sunrgbd-"));
                assertFalse(q.getObjectIds().isEmpty());
              }
              for (String t : FIRST_TYPES) {
                assertTrue(byType.containsKey(t), "no " + t + " question in " + byType);
              }
              return null;
            });

    PAssert.that(out.deadLetters())
        .satisfies(
            dls -> {
              Map<String, String> reasonByScene = new HashMap<>();
              for (DeadLetter d : dls) {
                assertFalse(d.getMessage().isBlank());
                assertNotNull(d.getInputRef().getUri());
                if (d.getStage().equals("load_scene")) {
                  assertNotNull(d.getInputRef().getLine());
                }
                assertNull(d.getEventTime());
                reasonByScene.put(String.valueOf(d.getInputRef().getSceneId()), d.getReason());
              }
              assertEquals(
                  Map.of(
                      "null",
                      "malformed_json",
                      "gone",
                      "missing_file",
                      "image-only",
                      "missing_model"),
                  reasonByScene);
              return null;
            });

    PipelineResult result = p.run();
    result.waitUntilFinish();
    RunLedger ledger = RunLedger.of(result, "scenes");
    assertEquals(5, ledger.inputs(), ledger.toJson());
    assertEquals(2, ledger.finished(), ledger.toJson());
    assertEquals(3, ledger.deadLetterTotal(), ledger.toJson());
    assertTrue(ledger.balanced(), ledger.balanceLine());
    @SuppressWarnings("unchecked")
    Map<String, Long> qaByType = (Map<String, Long>) ledger.toMap().get("qa_generated_by_type");
    assertTrue(qaByType.keySet().containsAll(FIRST_TYPES), qaByType.toString());
  }

  private static Set<String> ids(SceneRecord s) {
    Set<String> ids = new HashSet<>();
    s.getObjects().forEach(o -> ids.add(o.getObjectId()));
    return ids;
  }
}
