package dev.spatialvqa.transforms.refer;

import static dev.spatialvqa.core.refer.Scenes.object;
import static dev.spatialvqa.core.refer.Scenes.scene;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spatialvqa.core.refer.AmbiguityAudit;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Beam transform with the real MiniLM caption embeddings. */
class ResolveAmbiguityTest {
  @RegisterExtension
  final transient TestPipelineExtension pipeline = TestPipelineExtension.create();

  @Test
  void synonymsAndRepeatsAreQualifiedOrMarkedAmbiguous(TestPipeline p) {
    SceneRecord living =
        scene(
            "living",
            true,
            object("tv1", "a tv", -1.5, 3, 1.0),
            object("tv2", "the television", 1.5, 3, 1.0),
            object("sofa", "sofa", 0, 2, 0.4),
            object("couch", "couch", 0.05, 2.05, 0.45),
            object("lamp", "lamp", 2, 4, 1.5),
            object("desk", "desk", -2, 2, 0.4),
            object("table", "table", 0.3, 1.2, 0.4));

    PCollection<SceneRecord> out =
        p.apply("Scenes", Create.of(living).withCoder(AvroCoder.of(SceneRecord.class)))
            .apply("ResolveAmbiguity", ResolveAmbiguity.create());

    PAssert.thatSingleton(out)
        .satisfies(
            s -> {
              Map<String, String> expr = new TreeMap<>();
              for (SceneObject o : s.getObjects()) {
                expr.put(
                    o.getObjectId(), o.getAmbiguous() ? "<ambiguous>" : o.getReferringExpression());
              }
              assertEquals(
                  Map.of(
                      "tv1", "the left tv",
                      "tv2", "the right television",
                      "sofa", "<ambiguous>",
                      "couch", "<ambiguous>",
                      "lamp", "the lamp",
                      "desk", "the desk",
                      "table", "the table"),
                  expr);
              assertEquals(java.util.List.of(), AmbiguityAudit.sceneViolations(s));
              return null;
            });
    p.run().waitUntilFinish();
  }
}
