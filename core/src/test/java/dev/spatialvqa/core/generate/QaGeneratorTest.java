package dev.spatialvqa.core.generate;

import static dev.spatialvqa.core.generate.TestScenes.obj;
import static dev.spatialvqa.core.generate.TestScenes.scene;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.templates.QuestionType;
import dev.spatialvqa.templates.TemplateCatalog;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class QaGeneratorTest {
  static final QaConfig MANY = QaConfig.defaults().withQaPerScene(2000);

  static Map<String, SceneObject> byId(SceneRecord s) {
    return s.getObjects().stream().collect(Collectors.toMap(SceneObject::getObjectId, o -> o));
  }

  @Test
  void everyCatalogTypeIsAskedOnARichCanonicalScene() {
    List<QaRecord> qa =
        new QaGenerator(QaConfig.defaults().withQaPerScene(200)).generate(TestScenes.bedroom());
    Set<String> types = qa.stream().map(QaRecord::getQuestionType).collect(Collectors.toSet());
    Set<String> all =
        TemplateCatalog.bundled().types().stream()
            .map(QuestionType::id)
            .collect(Collectors.toSet());
    assertEquals(all, types);
    assertEquals(200, qa.size());
  }

  @Test
  void defaultCoversEveryTypeOnceBeforeRepeating() {
    List<QaRecord> qa =
        new QaGenerator(QaConfig.defaults().withQaPerScene(60)).generate(TestScenes.bedroom());
    assertEquals(60, qa.size());
    assertEquals(38, qa.stream().map(QaRecord::getQuestionType).distinct().count());
  }

  /** Recomputes each answer independently from the hand-built boxes. */
  @Test
  void answersFollowTheStatedSemantics() {
    SceneRecord s = TestScenes.bedroom();
    Map<String, SceneObject> ids = byId(s);
    List<QaRecord> qa = new QaGenerator(MANY.withTiePolicy(QaConfig.TiePolicy.SKIP)).generate(s);
    assertTrue(qa.size() > 300, "got " + qa.size());
    for (QaRecord r : qa) {
      SceneObject a = ids.get(r.getObjectIds().get(0));
      SceneObject b = r.getObjectIds().size() > 1 ? ids.get(r.getObjectIds().get(1)) : null;
      String type = r.getQuestionType();
      if (type.endsWith("_predicate") && !r.getTie()) {
        assertEquals(
            expectedHolds(type.replace("_predicate", ""), a, b), r.getAnswerBool(), r.toString());
      } else if (type.endsWith("_choice") && !r.getTie()) {
        SceneObject winner = expectedHolds(type.replace("_choice", ""), a, b) ? a : b;
        assertEquals(winner.getObjectId(), r.getAnswerObjectId(), r.toString());
        assertTrue(
            r.getAnswer().toLowerCase().contains(winner.getReferringExpression()), r.getAnswer());
      } else if (r.getKind() == QaKind.quantitative) {
        double expected = expectedValue(type, a, b);
        assertEquals(expected, r.getValueSi(), 1e-9, r.toString());
      }
    }
  }

  static boolean expectedHolds(String rel, SceneObject a, SceneObject b) {
    List<Double> ca = a.getCenter();
    List<Double> cb = b.getCenter();
    List<Double> ea = a.getExtent();
    List<Double> eb = b.getExtent();
    double va = ea.get(0) * ea.get(1) * ea.get(2);
    double vb = eb.get(0) * eb.get(1) * eb.get(2);
    return switch (rel) {
      case "left" -> ca.get(0) < cb.get(0);
      case "right" -> ca.get(0) > cb.get(0);
      case "behind" -> ca.get(1) > cb.get(1);
      case "front" -> ca.get(1) < cb.get(1);
      case "above" -> ca.get(2) > cb.get(2);
      case "below" -> ca.get(2) < cb.get(2);
      case "taller" -> ea.get(2) > eb.get(2);
      case "shorter" -> ea.get(2) < eb.get(2);
      case "wider" -> ea.get(0) > eb.get(0);
      case "thinner" -> ea.get(0) < eb.get(0);
      case "bigger" -> va > vb;
      case "smaller" -> va < vb;
      default -> throw new AssertionError(rel);
    };
  }

  static double expectedValue(String type, SceneObject a, SceneObject b) {
    List<Double> ca = a.getCenter();
    List<Double> ea = a.getExtent();
    List<Double> cc = a.getCenterCamera();
    switch (type) {
      case "width":
        return ea.get(0);
      case "depth":
        return ea.get(1);
      case "height":
        return ea.get(2);
      case "size":
        return Math.max(ea.get(0), Math.max(ea.get(1), ea.get(2)));
      case "elevation":
        return ca.get(2) - ea.get(2) / 2;
      case "distance_from_camera":
        return Math.sqrt(cc.get(0) * cc.get(0) + cc.get(1) * cc.get(1) + cc.get(2) * cc.get(2));
      default:
        break;
    }
    List<Double> cb = b.getCenter();
    List<Double> eb = b.getExtent();
    double dx = cb.get(0) - ca.get(0);
    double dy = cb.get(1) - ca.get(1);
    double dz = cb.get(2) - ca.get(2);
    switch (type) {
      case "distance":
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
      case "horizontal_distance":
        return Math.sqrt(dx * dx + dy * dy);
      case "vertical_distance":
        return Math.abs(dz);
      case "taller_by":
        return ea.get(2) - eb.get(2);
      case "wider_by":
        return ea.get(0) - eb.get(0);
      case "farther_by":
        return expectedValue("distance_from_camera", a, null)
            - expectedValue("distance_from_camera", b, null);
      case "direction":
        {
          // B straight right of A is 3 o'clock, straight ahead 12, behind-left (toward camera,
          // left) ~ 7-8
          double deg = Math.toDegrees(Math.atan2(dx, dy));
          double h = deg / 30;
          return h <= 0 ? h + 12 : h;
        }
      case "gap":
        {
          // axis-aligned boxes: per-axis separation
          double sx = Math.max(0, Math.abs(dx) - (ea.get(0) + eb.get(0)) / 2);
          double sy = Math.max(0, Math.abs(dy) - (ea.get(1) + eb.get(1)) / 2);
          double sz = Math.max(0, Math.abs(dz) - (ea.get(2) + eb.get(2)) / 2);
          return Math.sqrt(sx * sx + sy * sy + sz * sz);
        }
      default:
        throw new AssertionError(type);
    }
  }

  @Test
  void byTypesPutTheLargerObjectFirst() {
    List<QaRecord> qa = new QaGenerator(MANY).generate(TestScenes.bedroom());
    for (QaRecord r : qa) {
      if (r.getQuestionType().endsWith("_by")) {
        assertTrue(r.getValueSi() >= 0, r.toString());
      }
    }
  }

  @Test
  void clockDirections() {
    SceneRecord s =
        scene(
            "clock",
            true,
            1.5,
            List.of(
                obj("a", "the stool", 0, 2, 0.3, 0.4, 0.4, 0.6),
                obj("b", "the plant", 2, 2, 0.3, 0.4, 0.4, 0.6)));
    SceneObject a = s.getObjects().get(0);
    SceneObject b = s.getObjects().get(1);
    assertEquals(3.0, SpatialMeasures.clockHours(a, b), 1e-9);
    assertEquals(9.0, SpatialMeasures.clockHours(b, a), 1e-9);
    List<QaRecord> qa = new QaGenerator(MANY).generate(s);
    List<QaRecord> dir = qa.stream().filter(r -> r.getQuestionType().equals("direction")).toList();
    assertEquals(1, dir.size());
    QaRecord r = dir.get(0);
    String expected = r.getObjectIds().get(0).equals("a") ? "3 o'clock" : "9 o'clock";
    assertEquals(expected, r.getUnitText());
    assertTrue(r.getAnswer().contains(expected), r.getAnswer());
  }

  @Test
  void nearTieGetsATieAnswerNeverAConfidentOne() {
    // 2 cm apart left-right, same size: left/right and size comparisons are all ties
    SceneRecord s =
        scene(
            "tie",
            true,
            1.5,
            List.of(
                obj("a", "the left mug", 0.00, 2.0, 0.8, 0.10, 0.10, 0.12),
                obj("b", "the right mug", 0.02, 2.6, 0.8, 0.10, 0.10, 0.12)));
    List<QaRecord> qa = new QaGenerator(MANY).generate(s);
    Set<String> tieTypes =
        Set.of(
            "left_predicate",
            "right_predicate",
            "left_choice",
            "right_choice",
            "taller_predicate",
            "wider_choice",
            "bigger_predicate",
            "smaller_choice",
            "above_predicate",
            "taller_by");
    int seen = 0;
    QuestionType anyTie = TemplateCatalog.bundled().get("left_predicate");
    for (QaRecord r : qa) {
      if (tieTypes.contains(r.getQuestionType())) {
        seen++;
        assertTrue(r.getTie(), r.toString());
        assertNull(r.getAnswerBool(), r.toString());
        assertNull(r.getAnswerObjectId(), r.toString());
        assertTrue(r.getAnswerTemplateId().contains("/tie"), r.toString());
        assertNull(r.getUnitText(), r.toString());
      }
      if (r.getQuestionType().equals("front_predicate")) {
        assertFalse(r.getTie(), "60 cm front-back is beyond the margin");
        assertTrue(r.getAnswerBool() != null);
      }
    }
    assertEquals(tieTypes.size(), seen);
    assertTrue(anyTie.answers("tie").size() > 0);
    // with SKIP, none of those are asked
    List<QaRecord> skipped =
        new QaGenerator(MANY.withTiePolicy(QaConfig.TiePolicy.SKIP)).generate(s);
    assertTrue(skipped.stream().noneMatch(r -> tieTypes.contains(r.getQuestionType())));
    assertTrue(skipped.stream().noneMatch(QaRecord::getTie));
  }

  @Test
  void justBeyondTheMarginIsAnsweredConfidently() {
    // 10% of the mean width (0.5 m) = 5 cm = absolute margin; 8 cm apart is beyond it
    SceneRecord s =
        scene(
            "margin",
            true,
            1.5,
            List.of(
                obj("a", "the box", 0.00, 2.0, 0.3, 0.5, 0.5, 0.6),
                obj("b", "the crate", 0.08, 2.0, 0.3, 0.5, 0.5, 0.9)));
    List<QaRecord> qa = new QaGenerator(MANY).generate(s);
    QaRecord left =
        qa.stream()
            .filter(r -> r.getQuestionType().equals("left_choice"))
            .findFirst()
            .orElseThrow();
    assertFalse(left.getTie());
    assertEquals("a", left.getAnswerObjectId());
    QaGenerator wide = new QaGenerator(MANY.withTieMarginAbsoluteM(0.1));
    QaRecord wideLeft =
        wide.generate(s).stream()
            .filter(r -> r.getQuestionType().equals("left_choice"))
            .findFirst()
            .orElseThrow();
    assertTrue(wideLeft.getTie());
    assertEquals("0.1", wideLeft.getProvenance().getSettings().get("qa.tie_margin_absolute_m"));
  }

  @Test
  void ambiguousObjectsAreNeverReferredTo() {
    SceneRecord s =
        scene(
            "amb",
            true,
            1.5,
            List.of(
                obj("1", "the bed", 0.2, 3.5, 0.3, 1.6, 2.1, 0.6),
                TestScenes.ambiguous(obj("2", "the chair", 1.0, 2.0, 0.45, 0.5, 0.5, 0.9)),
                TestScenes.ambiguous(obj("3", "the chair", -1.0, 2.0, 0.45, 0.5, 0.5, 0.9)),
                obj("4", null, 0.5, 4.5, 1.0, 0.5, 0.5, 0.5),
                SceneObject.newBuilder(obj("5", "the lamp", 1.6, 4.4, 0.9, 0.3, 0.3, 0.5))
                    .setAmbiguous(true)
                    .build(),
                obj("6", "the wardrobe", -2.0, 5.0, 1.0, 1.2, 0.6, 2.0)));
    List<QaRecord> qa = new QaGenerator(MANY).generate(s);
    assertFalse(qa.isEmpty());
    Map<String, String> refs = new HashMap<>();
    for (SceneObject o : s.getObjects()) {
      if (!o.getAmbiguous() && o.getReferringExpression() != null) {
        refs.put(o.getObjectId(), o.getReferringExpression());
      }
    }
    for (QaRecord r : qa) {
      for (int i = 0; i < r.getObjectIds().size(); i++) {
        String id = r.getObjectIds().get(i);
        assertTrue(refs.containsKey(id), "referred to " + id + ": " + r);
        assertEquals(refs.get(id), r.getObjectRefs().get(i));
      }
      String text = (r.getQuestion() + " " + r.getAnswer()).toLowerCase();
      assertFalse(text.contains("chair") || text.contains("lamp"), text);
    }
  }

  @Test
  void noReferableObjectsGivesNoQa() {
    SceneRecord s =
        scene(
            "none",
            true,
            1.5,
            List.of(TestScenes.ambiguous(obj("2", "the chair", 1.0, 2.0, 0.45, 0.5, 0.5, 0.9))));
    assertEquals(List.of(), new QaGenerator(QaConfig.defaults()).generate(s));
  }

  @Test
  void deterministicPerSceneAndSalted() {
    QaGenerator g = new QaGenerator(QaConfig.defaults());
    List<QaRecord> first = g.generate(TestScenes.bedroom());
    List<QaRecord> again = new QaGenerator(QaConfig.defaults()).generate(TestScenes.bedroom());
    assertEquals(first, again);
    List<QaRecord> salted =
        new QaGenerator(QaConfig.defaults().withSeedSalt("v2")).generate(TestScenes.bedroom());
    assertNotEquals(
        first.stream().map(QaRecord::getQaId).toList(),
        salted.stream().map(QaRecord::getQaId).toList());
  }

  @Test
  void qaIdsAreUniqueContentHashes() {
    List<QaRecord> qa = new QaGenerator(MANY).generate(TestScenes.bedroom());
    Set<String> ids = new HashSet<>();
    for (QaRecord r : qa) {
      assertTrue(r.getQaId().matches("[0-9a-f]{64}"), r.getQaId());
      assertTrue(ids.add(r.getQaId()), "duplicate id " + r.getQaId());
    }
  }

  @Test
  void balancedKindsAndPredicateAnswers() {
    for (int n : new int[] {60, 200}) {
      List<QaRecord> qa =
          new QaGenerator(QaConfig.defaults().withQaPerScene(n)).generate(TestScenes.bedroom());
      long quant = qa.stream().filter(r -> r.getKind() == QaKind.quantitative).count();
      double share = quant / (double) qa.size();
      assertTrue(share >= 0.45 && share <= 0.55, "quantitative share " + share);
      List<QaRecord> preds = qa.stream().filter(r -> r.getAnswerBool() != null).toList();
      long yes = preds.stream().filter(QaRecord::getAnswerBool).count();
      assertTrue(Math.abs(yes - (preds.size() - yes)) <= 1, "yes " + yes + " of " + preds.size());
    }
  }

  @Test
  void verticalTypesOnlyForCanonicalizedScenes() {
    SceneRecord s = TestScenes.bedroom();
    SceneRecord flat =
        SceneRecord.newBuilder(s)
            .setCanonicalized(false)
            .setGravityUpCamera(null)
            .setCameraHeightM(null)
            .build();
    List<QaRecord> qa = new QaGenerator(MANY).generate(flat);
    assertFalse(qa.isEmpty());
    TemplateCatalog c = TemplateCatalog.bundled();
    for (QaRecord r : qa) {
      assertFalse(c.get(r.getQuestionType()).vertical(), r.getQuestionType());
      assertNotEquals("elevation", r.getQuestionType());
    }
    SceneRecord noFloor = SceneRecord.newBuilder(s).setCameraHeightM(null).build();
    List<QaRecord> qa2 = new QaGenerator(MANY).generate(noFloor);
    assertTrue(qa2.stream().noneMatch(r -> r.getQuestionType().equals("elevation")));
    assertTrue(qa2.stream().anyMatch(r -> r.getQuestionType().equals("height")));
  }

  @Test
  void objectOnTheFloorHasATieElevationAnswer() {
    List<QaRecord> qa = new QaGenerator(MANY).generate(TestScenes.bedroom());
    QaRecord rug =
        qa.stream()
            .filter(
                r -> r.getQuestionType().equals("elevation") && r.getObjectIds().get(0).equals("6"))
            .findFirst()
            .orElseThrow();
    assertTrue(rug.getTie());
    assertTrue(rug.getAnswerTemplateId().startsWith("elevation/tie"));
    QaRecord painting =
        qa.stream()
            .filter(
                r -> r.getQuestionType().equals("elevation") && r.getObjectIds().get(0).equals("5"))
            .findFirst()
            .orElseThrow();
    assertFalse(painting.getTie());
    assertEquals(1.3, painting.getValueSi(), 1e-9);
  }

  @Test
  void questionsAndAnswersStartWithACapital() {
    List<QaRecord> qa = new QaGenerator(MANY).generate(TestScenes.bedroom());
    boolean sawLeadingRef = false;
    for (QaRecord r : qa) {
      assertTrue(Character.isUpperCase(r.getQuestion().charAt(0)), r.getQuestion());
      assertTrue(Character.isUpperCase(r.getAnswer().charAt(0)), r.getAnswer());
      assertFalse(r.getQuestion().contains("[") || r.getAnswer().contains("["), r.toString());
      sawLeadingRef |= r.getAnswer().startsWith("The ");
    }
    assertTrue(sawLeadingRef);
    assertEquals(
        "The bed is left. The lamp? Yes. it's fine",
        QaGenerator.capitaliseSentences("the bed is left. the lamp? yes. it's fine")
            .replace("It's", "it's"));
  }

  @Test
  void unitPolicies() {
    List<QaRecord> metric =
        new QaGenerator(MANY.withUnitPolicy(QaConfig.UnitPolicy.METRIC))
            .generate(TestScenes.bedroom());
    List<QaRecord> imperial =
        new QaGenerator(MANY.withUnitPolicy(QaConfig.UnitPolicy.IMPERIAL))
            .generate(TestScenes.bedroom());
    int checked = 0;
    for (QaRecord r : metric) {
      if (r.getUnitText() != null && !r.getQuestionType().equals("direction")) {
        assertTrue(r.getUnitText().matches("[0-9.]+ (meters?|centimeters?)"), r.getUnitText());
        assertTrue(r.getAnswer().contains(r.getUnitText()));
        double stated = UnitFormatter.parse(r.getUnitText());
        assertTrue(
            Math.abs(stated - r.getValueSi()) <= Math.max(0.011, 0.13 * r.getValueSi()),
            r.toString());
        checked++;
      }
    }
    for (QaRecord r : imperial) {
      if (r.getUnitText() != null && !r.getQuestionType().equals("direction")) {
        assertTrue(
            r.getUnitText().matches("[0-9]+ (feet|foot|inch|inches)( [0-9]+ inch(es)?)?"),
            r.getUnitText());
      }
    }
    assertTrue(checked > 50);
  }

  @Test
  void answerNoiseKeepsTheCleanValue() {
    SceneRecord s = TestScenes.bedroom();
    List<QaRecord> clean = new QaGenerator(MANY).generate(s);
    List<QaRecord> noisy = new QaGenerator(MANY.withAnswerNoiseStd(0.2)).generate(s);
    Map<String, Double> cleanValues = new HashMap<>();
    for (QaRecord r : clean) {
      if (r.getUnitText() != null && !r.getQuestionType().equals("direction")) {
        assertNull(r.getAnswerNoiseStd());
        assertEquals(r.getValueSi(), r.getAnswerValueStated());
        cleanValues.put(r.getQuestionType() + r.getObjectIds(), r.getValueSi());
      }
    }
    int differ = 0;
    int n = 0;
    for (QaRecord r : noisy) {
      if (r.getUnitText() != null && !r.getQuestionType().equals("direction")) {
        n++;
        assertEquals(0.2, r.getAnswerNoiseStd());
        Double cv = cleanValues.get(r.getQuestionType() + r.getObjectIds());
        if (cv != null) {
          assertEquals(cv, r.getValueSi(), 1e-12);
        }
        if (Math.abs(r.getAnswerValueStated() - r.getValueSi()) > 1e-9) {
          differ++;
        }
      }
    }
    assertTrue(differ > n * 0.9, differ + " of " + n);
    assertEquals("0.2", noisy.get(0).getProvenance().getSettings().get("qa.answer_noise_std"));
  }

  @Test
  void provenanceCopiesTheSceneAndAddsSettings() {
    SceneRecord bare = TestScenes.bedroom();
    QaRecord r = new QaGenerator(QaConfig.defaults()).generate(bare).get(0);
    assertEquals(QaGenerator.DEFAULT_ENGINE_VERSION, r.getProvenance().getEngineVersion());
    assertTrue(r.getProvenance().getModels().isEmpty());
    assertEquals("0.1", r.getProvenance().getSettings().get("qa.tie_margin_relative"));
    SceneRecord withProv =
        SceneRecord.newBuilder(bare)
            .setProvenance(
                Provenance.newBuilder()
                    .setEngineVersion("9.9")
                    .setModels(Map.of("depth", "manifest"))
                    .setSettings(Map.of("lift.min_points", "50"))
                    .build())
            .build();
    QaRecord p = new QaGenerator(QaConfig.defaults()).generate(withProv).get(0);
    assertEquals("9.9", p.getProvenance().getEngineVersion());
    assertEquals("manifest", p.getProvenance().getModels().get("depth"));
    assertEquals("50", p.getProvenance().getSettings().get("lift.min_points"));
    assertEquals("0.05", p.getProvenance().getSettings().get("qa.tie_margin_absolute_m"));
    assertEquals(p.getImageUri(), bare.getImageUri());
  }

  @Test
  void configValidatesItsArguments() {
    QaConfig d = QaConfig.defaults();
    assertThrows(IllegalArgumentException.class, () -> d.withQaPerScene(0));
    assertThrows(IllegalArgumentException.class, () -> d.withTieMarginRelative(1.5));
    assertThrows(IllegalArgumentException.class, () -> d.withTieMarginAbsoluteM(-0.1));
    assertThrows(IllegalArgumentException.class, () -> d.withAnswerNoiseStd(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> d.withUnitPolicy(null));
    assertThrows(IllegalArgumentException.class, () -> d.withSeedSalt(null));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> d.withMetricShare(2));
    assertTrue(e.getMessage().contains("metricShare") && e.getMessage().contains("2"));
  }

  @Test
  void gapOfRotatedBoxes() {
    // two unit squares, the second rotated 45 degrees, its corner pointing at the first
    SceneObject a = obj("a", "the a", 0, 0, 0.5, 1, 1, 1);
    double d = 1.0; // distance between the first's right face (x=0.5) and the diamond's tip
    double cx = 0.5 + d + Math.sqrt(0.5);
    SceneObject b =
        SceneObject.newBuilder(obj("b", "the b", cx, 0, 0.5, Math.sqrt(2), Math.sqrt(2), 1))
            .setOrientedCenter(List.of(cx, 0.0, 0.5))
            .setOrientedExtent(List.of(1.0, 1.0, 1.0))
            .setHeadingRad(Math.PI / 4)
            .build();
    SceneObject a2 =
        SceneObject.newBuilder(a)
            .setOrientedCenter(List.of(0.0, 0.0, 0.5))
            .setOrientedExtent(List.of(1.0, 1.0, 1.0))
            .build();
    assertEquals(d, SpatialMeasures.gap(a2, b), 1e-9);
    // lifted 2 m above: sqrt(d^2 + (2 - 1)^2)
    SceneObject up =
        SceneObject.newBuilder(b)
            .setCenter(List.of(cx, 0.0, 2.5))
            .setOrientedCenter(List.of(cx, 0.0, 2.5))
            .build();
    assertEquals(Math.hypot(d, 1.0), SpatialMeasures.gap(a2, up), 1e-9);
    // overlapping: 0
    assertEquals(0.0, SpatialMeasures.gap(a2, a2), 1e-12);
  }
}
