package dev.spatialvqa.core.refer;

import static dev.spatialvqa.core.refer.Scenes.object;
import static dev.spatialvqa.core.refer.Scenes.scene;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReferringExpressionsTest {
  private static final AmbiguityConfig CAPTIONS_ONLY =
      AmbiguityConfig.defaults().withEmbedder("none");

  private static List<String> expressions(SceneRecord s, float[][] emb) {
    return ReferringExpressions.apply(s, emb, CAPTIONS_ONLY).getObjects().stream()
        .map(o -> o.getAmbiguous() ? "<ambiguous>" : o.getReferringExpression())
        .collect(Collectors.toList());
  }

  @Test
  void aLoneObjectIsTheCaptionWithoutItsArticle() {
    SceneRecord s =
        scene("s", true, object("1", "A Lamp", 0, 2, 1), object("2", "the bed", 1, 3, 0.3));
    assertEquals(List.of("the lamp", "the bed"), expressions(s, null));
  }

  @Test
  void twoIdenticalCaptionsWellApartLeftToRightGetLeftAndRight() {
    SceneRecord s =
        scene(
            "s",
            true,
            object("1", "night stand", 0.9, 2, 0.3),
            object("2", "night stand", -0.9, 2, 0.3));
    assertEquals(List.of("the right night stand", "the left night stand"), expressions(s, null));
  }

  @Test
  void sideBySideButOneBehindTheOtherGetNearerAndFarther() {
    SceneRecord s =
        scene("s", false, object("1", "car", 0.05, 9, 0.7), object("2", "car", 0, 4, 0.7));
    assertEquals(List.of("the farther car", "the nearer car"), expressions(s, null));
  }

  @Test
  void stackedGetLowerAndUpperOnlyWhenCanonicalized() {
    SceneObject low = object("1", "shelf", 0, 2, 0.4);
    SceneObject high = object("2", "shelf", 0.05, 2.05, 1.2);
    assertEquals(
        List.of("the lower shelf", "the upper shelf"),
        expressions(scene("s", true, low, high), null));
    assertEquals(
        List.of("<ambiguous>", "<ambiguous>"), expressions(scene("s", false, low, high), null));
  }

  @Test
  void withinTheMarginNothingIsSaidAndBothAreAmbiguous() {
    SceneRecord s =
        scene("s", true, object("1", "chair", 0.0, 2, 0.4), object("2", "chair", 0.1, 2.1, 0.45));
    assertEquals(List.of("<ambiguous>", "<ambiguous>"), expressions(s, null));
  }

  @Test
  void manyChairsGetSuperlativesAndTheUnseparableRestIsAmbiguous() {
    SceneRecord s =
        scene(
            "s",
            true,
            object("1", "chair", -2.0, 3.0, 0.4),
            object("2", "chair", 0.0, 1.5, 0.4),
            object("3", "chair", 0.05, 3.05, 0.42),
            object("4", "chair", 2.0, 3.0, 0.4),
            object("5", "chair", 0.1, 6.0, 0.4));
    assertEquals(
        List.of(
            "the leftmost chair",
            "the nearest chair",
            "<ambiguous>",
            "the rightmost chair",
            "the farthest chair"),
        expressions(s, null));
  }

  @Test
  void threeInARowGetLeftmostMiddleRightmost() {
    SceneRecord s =
        scene(
            "s",
            true,
            object("1", "cup", 0.0, 1, 0.8),
            object("2", "cup", -0.5, 1, 0.8),
            object("3", "cup", 0.5, 1, 0.8));
    assertEquals(
        List.of("the middle cup", "the leftmost cup", "the rightmost cup"), expressions(s, null));
  }

  @Test
  void similarEmbeddingsGroupDifferentCaptions() {
    SceneRecord s =
        scene(
            "s",
            true,
            object("1", "night stand", -1, 2, 0.3),
            object("2", "nightstand", 1, 2, 0.3),
            object("3", "lamp", 0, 2, 1));
    float[][] emb = {{1, 0}, {0.995f, 0.0998f}, {0, 1}};
    assertEquals(List.of("the night stand", "the nightstand", "the lamp"), expressions(s, null));
    assertEquals(
        List.of("the left night stand", "the right nightstand", "the lamp"), expressions(s, emb));
  }

  @Test
  void collidingExpressionsAreAllMadeAmbiguous() {
    SceneRecord s =
        scene(
            "s",
            true,
            object("1", "chair", -1, 2, 0.4),
            object("2", "chair", 1, 2, 0.4),
            object("3", "left chair", 3, 5, 0.4));
    assertEquals(List.of("<ambiguous>", "the right chair", "<ambiguous>"), expressions(s, null));
  }

  /** No QA could refer ambiguously: unique expressions, ambiguous ones null, QA refs checked. */
  @Test
  void auditFindsNoAmbiguityInResolvedScenesAndCatchesBadQa() {
    SceneRecord s =
        ReferringExpressions.apply(
            scene(
                "s",
                true,
                object("1", "chair", -2.0, 3.0, 0.4),
                object("2", "chair", 0.0, 3.0, 0.4),
                object("3", "chair", 0.05, 3.02, 0.41),
                object("4", "chair", 2.0, 3.0, 0.4),
                object("5", "table", 0, 4, 0.5),
                object("6", "left chair", 3, 3, 0.4)),
            null,
            CAPTIONS_ONLY);

    assertEquals(List.of(), AmbiguityAudit.sceneViolations(s));
    long ambiguous = s.getObjects().stream().filter(SceneObject::getAmbiguous).count();
    assertTrue(ambiguous >= 2, "objects 2 and 3 cannot be told apart");
    for (SceneObject o : s.getObjects()) {
      assertEquals(o.getAmbiguous(), o.getReferringExpression() == null, o.getObjectId());
    }

    QaRecord good = qa("good", List.of("1", "5"), List.of("the leftmost chair", "the table"));
    QaRecord ambiguousRef = qa("bad1", List.of("2", "5"), List.of("the chair", "the table"));
    QaRecord wrongText = qa("bad2", List.of("4", "5"), List.of("the chair", "the table"));
    assertEquals(List.of(), AmbiguityAudit.qaViolations(s, List.of(good)));
    List<String> v = AmbiguityAudit.qaViolations(s, List.of(good, ambiguousRef, wrongText));
    assertEquals(2, v.size(), v.toString());
  }

  static QaRecord qa(String id, List<String> ids, List<String> refs) {
    return QaRecord.newBuilder()
        .setQaId(id)
        .setSceneId("s")
        .setImageUri("file:///s.jpg")
        .setQuestion("q")
        .setAnswer("a")
        .setQuestionType("distance")
        .setKind(QaKind.quantitative)
        .setObjectIds(ids)
        .setObjectRefs(refs)
        .setTemplateId("distance/q0")
        .setProvenance(Provenance.newBuilder().setEngineVersion("test").build())
        .build();
  }
}
