package dev.spatialvqa.core.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spatialvqa.core.generate.QaConfig;
import dev.spatialvqa.core.generate.QaGenerator;
import dev.spatialvqa.schemas.GravitySource;
import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scorer on a synthetic scene whose answers are worked out by hand (below): exact answers score
 * 100%, answers scaled by 1.5 stay within [0.5x, 2x] and leave [0.8x, 1.25x]; near ties are counted
 * apart; gravity error is the angle between the up vectors.
 *
 * <p>Scene (upright frame: x right, y forward, z up, camera at the origin, floor at z = -1.5):
 *
 * <ul>
 *   <li>A table: center (-1, 4, -1.1), size (1.2, 0.8, 0.8), heading 0
 *   <li>B lamp: center (1, 5, -0.5), size (0.4, 0.4, 0.6), heading 0 (bottom -0.8: elevation 0.7)
 *   <li>C shelf: center (2, 3, -0.5), size (2.0, 0.5, 2.0), heading pi/2 (axis-aligned 0.5 x 2.0)
 *   <li>D chair: center (1.02, 6, -1.1), size (0.4, 0.4, 0.8): 2 cm right of B, a near tie for
 *       left/right
 * </ul>
 */
class GroundTruthAgreementTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** R_cv_to_upright of a level camera: upright = (x, z, -y). */
  static final double[][] LEVEL = {{1, 0, 0}, {0, 0, 1}, {0, -1, 0}};

  static ObjectNode box(int id, String cls, double[] c, double[] s, double heading) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", id);
    o.put("class", cls);
    ObjectNode b = o.putObject("box3d_upright");
    b.set("center", JSON.valueToTree(c));
    b.set("size_xyz", JSON.valueToTree(s));
    b.put("heading_rad", heading);
    b.set("corners", JSON.valueToTree(GroundTruth.corners(c, s, heading)));
    return o;
  }

  static ObjectNode truthJson() {
    ObjectNode root = JSON.createObjectNode();
    root.set(
        "K_0based", JSON.valueToTree(new double[][] {{500, 0, 320}, {0, 500, 240}, {0, 0, 1}}));
    root.set("R_cv_to_upright", JSON.valueToTree(LEVEL));
    ArrayNode objs = root.putArray("objects");
    objs.add(box(1, "table", new double[] {-1, 4, -1.1}, new double[] {1.2, 0.8, 0.8}, 0));
    objs.add(box(2, "lamp", new double[] {1, 5, -0.5}, new double[] {0.4, 0.4, 0.6}, 0));
    objs.add(box(3, "shelf", new double[] {2, 3, -0.5}, new double[] {2.0, 0.5, 2.0}, Math.PI / 2));
    objs.add(box(4, "chair", new double[] {1.02, 6, -1.1}, new double[] {0.4, 0.4, 0.8}, 0));
    return root;
  }

  static GroundTruth truth() {
    return GroundTruth.of("synthetic", truthJson());
  }

  /** {type, a, b, value}: hand-computed truths (see the class comment). */
  static final Object[][] QUANT = {
    {"width", "1", null, 1.2},
    {"width", "3", null, 0.5}, // heading pi/2: the axis-aligned width is the box's 0.5
    {"depth", "3", null, 2.0},
    {"height", "2", null, 0.6},
    {"size", "3", null, 2.0},
    {"distance", "1", "2", Math.sqrt(2 * 2 + 1 * 1 + 0.6 * 0.6)},
    {"horizontal_distance", "1", "2", Math.sqrt(5)},
    {"vertical_distance", "1", "2", 0.6},
    {"elevation", "2", null, 0.7},
    {"distance_from_camera", "1", null, Math.sqrt(1 + 1.1 * 1.1 + 16)},
    {"taller_by", "3", "1", 1.2},
    {"wider_by", "1", "2", 0.8},
    {"farther_by", "2", "1", Math.sqrt(1 + 0.25 + 25) - Math.sqrt(1 + 1.1 * 1.1 + 16)},
    {"gap", "1", "2", Math.sqrt(1.2 * 1.2 + 0.4 * 0.4)},
  };

  static QaRecord.Builder qa(String type, QaKind kind, String a, String b) {
    List<String> ids = b == null ? List.of(a) : List.of(a, b);
    return QaRecord.newBuilder()
        .setQaId(type + "-" + ids + "-" + Math.random())
        .setSceneId("synthetic")
        .setImageUri("x.jpg")
        .setQuestion("q")
        .setAnswer("a")
        .setQuestionType(type)
        .setKind(kind)
        .setObjectIds(ids)
        .setObjectRefs(ids)
        .setTie(false)
        .setTemplateId(type + "/0")
        .setProvenance(Provenance.newBuilder().setEngineVersion("test").build());
  }

  static List<QaRecord> quantitative(double scale) {
    List<QaRecord> out = new ArrayList<>();
    for (Object[] q : QUANT) {
      out.add(
          qa((String) q[0], QaKind.quantitative, (String) q[1], (String) q[2])
              .setValueSi(scale * (double) q[3])
              .build());
    }
    return out;
  }

  /** Qualitative answers that are all right: {type, a, b, answer (Boolean or chosen id)}. */
  static final Object[][] QUAL = {
    {"left_predicate", "1", "2", true},
    {"right_predicate", "1", "2", false},
    {"behind_predicate", "2", "1", true},
    {"above_choice", "2", "1", "2"},
    {"taller_choice", "1", "3", "3"},
    {"wider_choice", "3", "1", "1"}, // axis-aligned widths: 0.5 vs 1.2
    {"bigger_predicate", "3", "2", true},
    {"thinner_predicate", "2", "1", true},
  };

  static List<QaRecord> qualitative(boolean right) {
    List<QaRecord> out = new ArrayList<>();
    for (Object[] q : QUAL) {
      QaRecord.Builder r = qa((String) q[0], QaKind.qualitative, (String) q[1], (String) q[2]);
      if (q[3] instanceof Boolean yes) {
        r.setAnswerBool(right == yes);
      } else {
        String chosen = (String) q[3];
        r.setAnswerObjectId(right ? chosen : (chosen.equals(q[1]) ? (String) q[2] : (String) q[1]));
      }
      out.add(r.build());
    }
    return out;
  }

  static QaGenerator generator() {
    return new QaGenerator(QaConfig.defaults());
  }

  @Test
  void exactAnswersScoreFullMarks() {
    List<QaRecord> qa = new ArrayList<>(quantitative(1.0));
    qa.addAll(qualitative(true));
    GroundTruthAgreement s = GroundTruthAgreement.of(qa, truth(), generator());
    assertEquals(QUANT.length, s.quantitative().scored, s.toString());
    assertEquals(QUANT.length, s.quantitative().within08to125, s.ratios().toString());
    assertEquals(QUANT.length, s.quantitative().within05to2);
    assertEquals(QUAL.length, s.qualitative().beyondMargin, s.toString());
    assertEquals(QUAL.length, s.qualitative().agree, s.disagreements().toString());
    assertEquals(1.0, s.qualitativeAgreement());
    assertEquals(0, s.unmatched());
    for (double[] v : s.ratios().values()) {
      // the sampled gap is within a few mm of the exact one; the rest is exact
      assertEquals(v[1], v[0], 0.01, "truth recomputed from the boxes");
    }
  }

  @Test
  void answersScaledByOneAndAHalfStayWithinTwiceButNotWithinAQuarter() {
    GroundTruthAgreement s = GroundTruthAgreement.of(quantitative(1.5), truth(), generator());
    assertEquals(QUANT.length, s.quantitative().scored);
    assertEquals(QUANT.length, s.quantitative().within05to2, s.ratios().toString());
    assertEquals(0, s.quantitative().within08to125, s.ratios().toString());
    assertEquals(1.0, s.looseShare());
    assertEquals(0.0, s.tightShare());
    // and scaled by 2.5 nothing is within [0.5x, 2x]
    GroundTruthAgreement far = GroundTruthAgreement.of(quantitative(2.5), truth(), generator());
    assertEquals(0, far.quantitative().within05to2);
    // per type: every type scored once
    for (Object[] q : QUANT) {
      assertTrue(s.quantitativeByType().containsKey((String) q[0]), (String) q[0]);
    }
  }

  @Test
  void wrongQualitativeAnswersAndTieAnswersOnDecisivePairsAreMisses() {
    GroundTruthAgreement wrong = GroundTruthAgreement.of(qualitative(false), truth(), generator());
    assertEquals(0, wrong.qualitative().agree);
    assertEquals(QUAL.length, wrong.qualitative().beyondMargin);
    QaRecord tie =
        qa("left_predicate", QaKind.qualitative, "1", "2").setTie(true).setAnswer("tie").build();
    GroundTruthAgreement t = GroundTruthAgreement.of(List.of(tie), truth(), generator());
    assertEquals(1, t.qualitative().beyondMargin);
    assertEquals(0, t.qualitative().agree);
    assertEquals(1, t.qualitative().tieOnDecisive);
  }

  @Test
  void nearTiesAreCountedWithHowTheyWereAnsweredNotScored() {
    // B (x = 1) and D (x = 1.02): 2 cm apart, within the 5 cm margin
    QaRecord yes = qa("left_predicate", QaKind.qualitative, "2", "4").setAnswerBool(true).build();
    QaRecord no = qa("right_predicate", QaKind.qualitative, "2", "4").setAnswerBool(false).build();
    QaRecord tie = qa("left_choice", QaKind.qualitative, "4", "2").setTie(true).build();
    GroundTruthAgreement s = GroundTruthAgreement.of(List.of(yes, no, tie), truth(), generator());
    assertEquals(0, s.qualitative().beyondMargin);
    assertEquals(3, s.qualitative().nearTies);
    assertEquals(2, s.qualitative().nearTiesAnsweredConfidently);
    assertEquals(1, s.qualitative().nearTiesAnsweredTie);
    assertEquals(
        2,
        s.qualitativeByType().get("left_predicate").nearTies
            + s.qualitativeByType().get("right_predicate").nearTies);
  }

  @Test
  void qaAboutObjectsWithoutABoxAreUnmatched() {
    QaRecord q = qa("width", QaKind.quantitative, "9", null).setValueSi(1.0).build();
    GroundTruthAgreement s = GroundTruthAgreement.of(List.of(q), truth(), generator());
    assertEquals(1, s.unmatched());
    assertEquals(0, s.quantitative().scored);
  }

  @Test
  void generatedQaFromTheTruthItselfAgreesFully() {
    GroundTruth gt = truth();
    QaGenerator g = new QaGenerator(QaConfig.defaults().withQaPerScene(200));
    List<QaRecord> qa = g.generate(gt.sceneRecord());
    GroundTruthAgreement s = GroundTruthAgreement.of(qa, gt, g);
    assertTrue(s.qualitative().beyondMargin > 20, s.toString());
    assertEquals(s.qualitative().beyondMargin, s.qualitative().agree, s.disagreements().toString());
    assertTrue(s.quantitative().scored > 20, s.toString());
    assertEquals(s.quantitative().scored, s.quantitative().within08to125, s.ratios().toString());
  }

  @Test
  void evaluationReportsGravityErrorAndPerSceneFigures() {
    GroundTruth gt = truth();
    double tilt = Math.toRadians(2.0);
    // the engine's up, 2 deg off the truth's (0, -1, 0) in camera coordinates
    SceneRecord scene =
        SceneRecord.newBuilder(gt.sceneRecord())
            .setGravityUpCamera(List.of(Math.sin(tilt), -Math.cos(tilt), 0.0))
            .setGravitySource(GravitySource.estimated)
            .build();
    SceneRecord notCanon =
        SceneRecord.newBuilder(scene).setSceneId("flat").setCanonicalized(false).build();
    Evaluation e = new Evaluation(QaConfig.defaults());
    List<QaRecord> qa = new ArrayList<>(quantitative(1.0));
    qa.addAll(qualitative(true));
    e.add(gt, scene, qa);
    e.add(GroundTruth.of("flat", truthJson()), notCanon, List.of());
    JsonNode j = e.toJson();
    assertEquals(100.0, j.get("total").get("qualitative_agree_pct").asDouble());
    assertEquals(100.0, j.get("total").get("quant_within_0_8_1_25_pct").asDouble());
    assertEquals(100.0, j.get("total").get("quant_within_0_5_2_pct").asDouble());
    JsonNode s = j.get("per_scene").get("synthetic");
    assertEquals(2.0, s.get("gravity_error_deg").asDouble(), 0.01);
    assertEquals(QUANT.length + QUAL.length, s.get("qa").asInt());
    assertTrue(j.get("per_scene").get("flat").get("gravity_error_deg").isNull());
    assertTrue(j.get("per_scene").get("flat").get("qualitative_agree_pct").isNull());
    assertEquals(
        100.0, j.get("per_question_type").get("width").get("quant_within_0_8_1_25_pct").asDouble());
    assertEquals(2, j.get("gravity").get("scenes").asInt());
    assertEquals(1, j.get("gravity").get("within_3_deg").asInt());
    assertTrue(e.summary().contains("synthetic"), e.summary());
    assertEquals(0, s.get("quant_misses").size());
    assertEquals(0, s.get("qualitative_misses").size());
    Evaluation scaled = new Evaluation(QaConfig.defaults());
    List<QaRecord> wrong = new ArrayList<>(quantitative(1.5));
    wrong.addAll(qualitative(false));
    scaled.add(gt, scene, wrong);
    JsonNode ws = scaled.toJson().get("per_scene").get("synthetic");
    assertEquals(QUANT.length, ws.get("quant_misses").size());
    assertEquals(QUAL.length, ws.get("qualitative_misses").size());
    JsonNode miss = ws.get("quant_misses").get(0);
    assertEquals(1.5 * miss.get("truth").asDouble(), miss.get("estimate").asDouble(), 0.01);
    assertNull(e.scenes().get("flat").gravityErrorDeg());
    // one scene twice is refused
    assertThrows(IllegalArgumentException.class, () -> e.add(gt, scene, List.of()));
  }

  @Test
  void implausibleGroundTruthIsRefusedNamingTheField() {
    ObjectNode notRotation = truthJson();
    notRotation.set(
        "R_cv_to_upright", JSON.valueToTree(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, -1}}));
    assertTrue(refusal(notRotation).contains("R_cv_to_upright"));
    ObjectNode badSize = truthJson();
    ((ObjectNode) badSize.get("objects").get(0).get("box3d_upright"))
        .set("size_xyz", JSON.valueToTree(new double[] {1, -1, 1}));
    assertTrue(refusal(badSize).contains("size_xyz"));
    ObjectNode badCorners = truthJson();
    ((ArrayNode) badCorners.get("objects").get(0).get("box3d_upright").get("corners"))
        .set(0, JSON.valueToTree(new double[] {9, 9, 9}));
    assertTrue(refusal(badCorners).contains("corners"));
    ObjectNode dup = truthJson();
    ((ObjectNode) dup.get("objects").get(1)).put("id", 1);
    assertTrue(refusal(dup).contains("duplicate id"));
    ObjectNode noK = truthJson();
    noK.remove("K_0based");
    assertTrue(refusal(noK).contains("K_0based"));
    assertThrows(
        IllegalArgumentException.class, () -> GroundTruth.parse("x", "{not json".getBytes()));
  }

  @Test
  void objectsWithoutIdsTakeTheirPositionAndDontCareIsSkipped() {
    ObjectNode j = truthJson();
    for (JsonNode o : j.get("objects")) {
      ((ObjectNode) o).remove("id");
    }
    ObjectNode dontCare = JSON.createObjectNode();
    dontCare.put("class", "DontCare");
    ((ArrayNode) j.get("objects")).add(dontCare);
    GroundTruth gt = GroundTruth.of("s", j);
    assertEquals(List.of("1", "2", "3", "4"), List.copyOf(gt.boxes().keySet()));
    assertEquals(1.5, gt.cameraHeight(), 1e-9);
    // camera coordinates from R^T: the table at upright (-1, 4, -1.1) is at cv (-1, 1.1, 4)
    double[] cam = gt.boxes().get("1").centerCamera();
    assertEquals(-1, cam[0], 1e-12);
    assertEquals(1.1, cam[1], 1e-12);
    assertEquals(4, cam[2], 1e-12);
  }

  private static String refusal(ObjectNode j) {
    return assertThrows(IllegalArgumentException.class, () -> GroundTruth.of("s", j)).getMessage();
  }
}
