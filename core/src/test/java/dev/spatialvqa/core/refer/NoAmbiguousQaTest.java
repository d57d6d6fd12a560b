package dev.spatialvqa.core.refer;

import static dev.spatialvqa.core.refer.Scenes.object;
import static dev.spatialvqa.core.refer.Scenes.scene;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.generate.QaConfig;
import dev.spatialvqa.core.generate.QaGenerator;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Zero QA records refer ambiguously: scenes full of repeated captions, resolved, then the real QA
 * generator; every QA's object refs must be the unique expressions of non-ambiguous objects.
 */
class NoAmbiguousQaTest {
  private static final AmbiguityConfig CAPTIONS_ONLY =
      AmbiguityConfig.defaults().withEmbedder("none");

  @Test
  void generatedQaNeverReferToAmbiguousObjects() {
    SceneRecord raw =
        scene(
            "crowded",
            true,
            object("c1", "chair", -1.5, 3.0, 0.45),
            object("c2", "chair", 0.0, 3.0, 0.45),
            object("c3", "chair", 0.05, 3.05, 0.46),
            object("c4", "chair", 1.5, 3.0, 0.45),
            object("n1", "night stand", -1.0, 2.0, 0.3),
            object("n2", "night stand", 1.0, 2.0, 0.3),
            object("s1", "shelf", 0.0, 4.0, 0.5),
            object("s2", "shelf", 0.02, 4.02, 1.4),
            object("t", "table", 0.2, 2.5, 0.4),
            object("m", "mug", 0.2, 2.5, 0.8));
    SceneRecord resolved = ReferringExpressions.apply(raw, null, CAPTIONS_ONLY);

    List<QaRecord> qa = new QaGenerator(QaConfig.defaults()).generate(resolved);

    assertFalse(qa.isEmpty());
    assertEquals(List.of(), AmbiguityAudit.qaViolations(resolved, qa));
    Set<String> referred = new HashSet<>();
    qa.forEach(q -> referred.addAll(q.getObjectIds()));
    assertFalse(
        referred.contains("c2") || referred.contains("c3"), "the two middle chairs are ambiguous");
    assertTrue(
        referred.contains("n1") && referred.contains("s2"),
        "qualified objects are asked about: " + referred);
  }
}
