package dev.spatialvqa.core.generate;

import static dev.spatialvqa.core.generate.TestScenes.obj;
import static dev.spatialvqa.core.generate.TestScenes.scene;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.QaStep;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.templates.MultiStepCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MultiStepGeneratorTest {
  static final QaConfig MANY = QaConfig.defaults().withMultiStepPerScene(500);
  static final Set<String> VERTICAL = Set.of("stack_reach", "level_with", "rank_height");

  static Map<String, SceneObject> byId(SceneRecord s) {
    Map<String, SceneObject> m = new HashMap<>();
    s.getObjects().forEach(o -> m.put(o.getObjectId(), o));
    return m;
  }

  @Test
  void everyFamilyHasAProgramAndTheBedroomAsksAtLeastTen() {
    assertEquals(
        new TreeSet<>(MultiStepCatalog.bundled().byFileKey().keySet()),
        new TreeSet<>(MultiStepGenerator.families()));
    List<QaRecord> qa = new MultiStepGenerator(MANY).generate(TestScenes.bedroom());
    Set<String> fams = new TreeSet<>();
    qa.forEach(r -> fams.add(r.getQuestionType()));
    assertTrue(fams.size() >= 10, fams.toString());
    // deterministic per scene
    assertEquals(qa, new MultiStepGenerator(MANY).generate(TestScenes.bedroom()));
    assertEquals(
        20, new MultiStepGenerator(QaConfig.defaults()).generate(TestScenes.bedroom()).size());
    assertEquals(
        List.of(),
        new MultiStepGenerator(QaConfig.defaults().withMultiStepPerScene(0))
            .generate(TestScenes.bedroom()));
  }

  @Test
  void stepsAreTwoToFourTheTraceIsTheirTextAndTheyRecomputeFromTheBoxes() {
    SceneRecord s = TestScenes.bedroom();
    Map<String, SceneObject> o = byId(s);
    for (QaRecord r : new MultiStepGenerator(MANY).generate(s)) {
      List<QaStep> steps = r.getSteps();
      assertTrue(steps.size() >= 2 && steps.size() <= 4, r.getQuestionType() + " " + steps);
      List<String> texts = new ArrayList<>();
      for (QaStep st : steps) {
        assertFalse(st.getText().contains("["), st.getText());
        texts.add(st.getText());
        List<SceneObject> so = new ArrayList<>();
        st.getObjectIds().forEach(id -> so.add(o.get(id)));
        switch (st.getOperation()) {
          case "distance" ->
              assertEquals(SpatialMeasures.distance(so.get(0), so.get(1)), st.getValueSi(), 1e-9);
          case "camera_distance" ->
              assertEquals(SpatialMeasures.distanceFromCamera(so.get(0)), st.getValueSi(), 1e-9);
          case "height" -> assertEquals(SpatialMeasures.height(so.get(0)), st.getValueSi(), 1e-9);
          case "top" ->
              assertEquals(
                  SpatialMeasures.center(so.get(0), 2) + SpatialMeasures.height(so.get(0)) / 2,
                  st.getValueSi(),
                  1e-9);
          default -> {}
        }
      }
      assertEquals(String.join(" ", texts), r.getReasoningTrace());
      assertFalse(r.getQuestion().contains("[") || r.getAnswer().contains("["), r.toString());
      assertTrue(r.getMarginSi() != null && r.getMarginSi() >= 0, r.toString());
      assertFalse(r.getTie());
      // the final answers follow from the steps
      switch (r.getQuestionType()) {
        case "closer_to_third" -> {
          SceneObject a = o.get(r.getObjectIds().get(0));
          SceneObject b = o.get(r.getObjectIds().get(1));
          SceneObject c = o.get(r.getObjectIds().get(2));
          String nearer =
              SpatialMeasures.distance(a, c) < SpatialMeasures.distance(b, c)
                  ? a.getObjectId()
                  : b.getObjectId();
          assertEquals(nearer, r.getAnswerObjectId());
          assertTrue(
              Math.abs(SpatialMeasures.distance(a, c) - SpatialMeasures.distance(b, c))
                  >= MANY.tieThreshold(
                      Math.max(SpatialMeasures.distance(a, c), SpatialMeasures.distance(b, c))));
        }
        case "path_length" -> {
          assertEquals(steps.get(0).getValueSi() + steps.get(1).getValueSi(), r.getValueSi(), 1e-9);
          assertEquals(MANY.tieThreshold(r.getValueSi()), r.getToleranceSi(), 1e-12);
          assertTrue(r.getAnswer().contains(r.getUnitText()), r.getAnswer());
        }
        case "count_within" -> {
          double radius = steps.get(3).getThresholdSi();
          int n = 0;
          for (int i = 0; i < 3; i++) {
            double d = steps.get(i).getValueSi();
            assertTrue(Math.abs(d - radius) >= MANY.tieThreshold(radius), d + " vs " + radius);
            n += d < radius ? 1 : 0;
          }
          assertEquals(n, r.getValueSi().intValue());
        }
        case "rank_height" -> {
          String[] ids = r.getAnswerLabel().split(">");
          assertTrue(
              SpatialMeasures.height(o.get(ids[0])) > SpatialMeasures.height(o.get(ids[1]))
                  && SpatialMeasures.height(o.get(ids[1])) > SpatialMeasures.height(o.get(ids[2])));
        }
        case "perspective_left" -> {
          // the bedroom's chair (1.2, 2.0) faces the wardrobe (-2.0, 5.0): the lamp (1.6, 4.4) is
          // on its right
          if (r.getObjectIds().equals(List.of("4", "3", "2"))) {
            assertEquals(false, r.getAnswerBool());
          }
        }
        default -> {}
      }
    }
  }

  @Test
  void perspectiveTakingIsFromTheStandersViewNotTheCamera() {
    // standing at A facing the camera (towards -y), an object at the viewer's left (-x) is on the
    // stander's right
    SceneRecord s =
        scene(
            "facing",
            true,
            TestScenes.CAMERA_HEIGHT,
            List.of(
                obj("a", "the sofa", 0, 4, 0.4, 0.8, 0.8, 0.8),
                obj("b", "the table", 0, 2, 0.4, 0.6, 0.6, 0.8),
                obj("c", "the plant", -1.5, 3, 0.4, 0.3, 0.3, 0.8)));
    boolean seen = false;
    for (QaRecord r : new MultiStepGenerator(MANY).generate(s)) {
      if (r.getQuestionType().equals("perspective_left")
          && r.getObjectIds().equals(List.of("a", "b", "c"))) {
        seen = true;
        assertEquals(false, r.getAnswerBool(), r.getReasoningTrace());
      }
      if (r.getQuestionType().equals("perspective_left")
          && r.getObjectIds().equals(List.of("b", "a", "c"))) {
        assertEquals(true, r.getAnswerBool(), r.getReasoningTrace());
      }
    }
    assertTrue(seen);
  }

  @Test
  void nearTiesAreNeverAsked() {
    // the lamp and the chair are equally far from the rug (a tie at any margin)
    SceneRecord s =
        scene(
            "ties",
            true,
            TestScenes.CAMERA_HEIGHT,
            List.of(
                obj("1", "the lamp", -1, 3, 0.5, 0.3, 0.3, 1.0),
                obj("2", "the chair", 1, 3, 0.5, 0.5, 0.5, 1.0),
                obj("3", "the rug", 0, 3, 0.01, 1.0, 1.0, 0.02)));
    List<QaRecord> qa = new MultiStepGenerator(MANY).generate(s);
    assertFalse(qa.isEmpty());
    for (QaRecord r : qa) {
      List<String> ids = r.getObjectIds();
      if (r.getQuestionType().equals("closer_to_third")) {
        assertFalse(ids.get(2).equals("3"), "asked a tie: " + r.getQuestion());
      }
      // lamp and chair have the same height and top: no ranking, no levelling between them
      if (r.getQuestionType().equals("rank_height")) {
        throw new AssertionError("ranked a tie: " + r.getAnswer());
      }
      if (r.getQuestionType().equals("level_with")) {
        assertTrue(ids.contains("3"), r.getQuestion());
      }
    }
  }

  @Test
  void ambiguousObjectsAreNeverReferredTo() {
    SceneRecord b = TestScenes.bedroom();
    List<SceneObject> objs = new ArrayList<>(b.getObjects());
    objs.set(1, TestScenes.ambiguous(objs.get(1)));
    SceneRecord s = SceneRecord.newBuilder(b).setObjects(objs).build();
    for (QaRecord r : new MultiStepGenerator(MANY).generate(s)) {
      assertFalse(r.getObjectIds().contains("2"), r.getQuestion());
      for (QaStep st : r.getSteps()) {
        assertFalse(st.getObjectIds().contains("2"));
      }
    }
  }

  @Test
  void verticalFamiliesNeedGravityAndTheFloor() {
    SceneRecord b = TestScenes.bedroom();
    for (SceneRecord s :
        List.of(
            SceneRecord.newBuilder(b).setCanonicalized(false).setCameraHeightM(null).build(),
            SceneRecord.newBuilder(b).setCameraHeightM(null).build())) {
      List<QaRecord> qa = new MultiStepGenerator(MANY).generate(s);
      assertFalse(qa.isEmpty());
      for (QaRecord r : qa) {
        assertFalse(VERTICAL.contains(r.getQuestionType()), r.getQuestionType());
      }
    }
    Set<String> fams = new TreeSet<>();
    new MultiStepGenerator(MANY).generate(b).forEach(r -> fams.add(r.getQuestionType()));
    assertTrue(fams.containsAll(VERTICAL), fams.toString());
  }

  @Test
  void uncertainObjectsAndUnreliableExtentsAreLeftOut() {
    SceneRecord b = TestScenes.bedroom();
    List<SceneObject> objs = new ArrayList<>(b.getObjects());
    // the lamp: its height is not seen (cut at the top), its centre uncertain by 5 m
    objs.set(
        1,
        SceneObject.newBuilder(objs.get(1))
            .setUnreliableExtents(List.of("height"))
            .setCutFaces(List.of("+z"))
            .setCenterUncertaintyM(List.of(5.0, 5.0, 5.0, 5.0, 5.0, 5.0))
            .build());
    SceneRecord s = SceneRecord.newBuilder(b).setObjects(objs).build();
    List<QaRecord> qa = new MultiStepGenerator(MANY).generate(s);
    assertTrue(qa.size() > 20);
    for (QaRecord r : qa) {
      boolean lamp = r.getObjectIds().contains("2");
      String t = r.getQuestionType();
      if (lamp) {
        assertFalse(
            Set.of("rank_height", "stack_reach", "level_with", "rank_distance", "path_length")
                .contains(t),
            t + ": " + r.getQuestion());
      }
      if (t.equals("nearest_to_camera") || t.equals("closer_to_third")) {
        // the lamp can only be a loser that is beyond doubt, never the answer
        assertFalse("2".equals(r.getAnswerObjectId()), r.getQuestion());
      }
    }
  }
}
