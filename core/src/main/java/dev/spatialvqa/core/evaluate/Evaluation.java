package dev.spatialvqa.core.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spatialvqa.core.generate.QaConfig;
import dev.spatialvqa.core.generate.QaGenerator;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.templates.QuestionType;
import dev.spatialvqa.templates.TemplateCatalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An evaluation of an engine run against ground truth: per scene, the scene record the engine wrote
 * (or none: the scene became a dead letter or was filtered), its QA and its ground truth; scored by
 * {@link GroundTruthAgreement} with the run's own tie margins, and gravity compared with the ground
 * truth's. Renders {@code evaluation.json} ({@link #toJson()}) and a readable summary ({@link
 * #summary()}).
 */
public final class Evaluation {
  /** One scene's result. */
  public record SceneResult(
      String sceneId,
      SceneRecord scene,
      GroundTruth truth,
      GroundTruthAgreement agreement,
      int verticalQa) {
    /** Whether the engine produced a scene record (no dead letter, not filtered). */
    public boolean lifted() {
      return scene != null;
    }

    public boolean canonicalized() {
      return scene != null && scene.getCanonicalized();
    }

    /**
     * Angle in degrees between the engine's gravity and the ground truth's; null when the scene was
     * not canonicalized (or not lifted).
     */
    public Double gravityErrorDeg() {
      if (!canonicalized() || scene.getGravityUpCamera() == null) {
        return null;
      }
      List<Double> g = scene.getGravityUpCamera();
      return angleDeg(new double[] {g.get(0), g.get(1), g.get(2)}, truth.upCamera());
    }
  }

  private final QaConfig config;
  private final QaGenerator generator;
  private final Set<String> verticalTypes = new TreeSet<>();
  private final Map<String, SceneResult> scenes = new LinkedHashMap<>();
  private final GroundTruthAgreement total = new GroundTruthAgreement();
  private final MultiStepAgreement multiTotal = new MultiStepAgreement();
  private final Map<String, MultiStepAgreement> multiByScene = new LinkedHashMap<>();

  /**
   * @param config the run's QA config: its tie margins decide which pairs are near ties
   */
  public Evaluation(QaConfig config) {
    this.config = config;
    this.generator = new QaGenerator(config);
    for (QuestionType t : TemplateCatalog.bundled().types()) {
      if (t.vertical()) {
        verticalTypes.add(t.id());
      }
    }
  }

  /**
   * Scores one scene.
   *
   * @param scene the engine's scene record, or null when it produced none
   * @param qa the scene's QA records (empty when none)
   */
  public SceneResult add(GroundTruth truth, SceneRecord scene, List<QaRecord> qa) {
    if (scenes.containsKey(truth.sceneId())) {
      throw new IllegalArgumentException("scene " + truth.sceneId() + " evaluated twice");
    }
    GroundTruthAgreement a = GroundTruthAgreement.of(qa, truth, generator);
    MultiStepAgreement ms = MultiStepAgreement.of(qa, truth, config);
    multiByScene.put(truth.sceneId(), ms);
    multiTotal.add(ms);
    int vertical = 0;
    for (QaRecord r : qa) {
      if (verticalTypes.contains(r.getQuestionType())) {
        vertical++;
      }
    }
    SceneResult r = new SceneResult(truth.sceneId(), scene, truth, a, vertical);
    scenes.put(truth.sceneId(), r);
    total.add(a);
    return r;
  }

  public Map<String, SceneResult> scenes() {
    return Collections.unmodifiableMap(scenes);
  }

  public GroundTruthAgreement total() {
    return total;
  }

  /** The multi-step records' agreement over all scenes. */
  public MultiStepAgreement multiStepTotal() {
    return multiTotal;
  }

  private static void multiStep(ObjectNode parent, MultiStepAgreement a, boolean perFamily) {
    MultiStepAgreement.Family t = a.total();
    ObjectNode n = parent.putObject("multi_step");
    n.put("qa", t.generated);
    n.put("agree_pct", pct(t.agree, t.scored));
    n.put("scored", t.scored);
    n.put("agree", t.agree);
    n.put("near_ties", t.nearTies);
    n.put("unmatched", t.unmatched);
    if (perFamily) {
      ObjectNode f = n.putObject("per_family");
      a.byFamily()
          .forEach(
              (k, v) -> {
                ObjectNode o = f.putObject(k);
                o.put("qa", v.generated);
                o.put("agree_pct", pct(v.agree, v.scored));
                o.put("scored", v.scored);
                o.put("agree", v.agree);
                o.put("near_ties", v.nearTies);
              });
      ObjectNode st = n.putObject("steps_within_0_5_2");
      a.bySteps().forEach((k, v) -> st.put(k, v[1] + "/" + v[0]));
    } else {
      com.fasterxml.jackson.databind.node.ArrayNode m = n.putArray("misses");
      a.disagreements().forEach(m::add);
    }
  }

  /** Angle in degrees between two vectors (0..180). */
  public static double angleDeg(double[] u, double[] v) {
    double nu = GroundTruthAgreement.norm(u);
    double nv = GroundTruthAgreement.norm(v);
    double c = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (nu * nv);
    return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, c))));
  }

  /** A percentage with one decimal, or null for an empty denominator. */
  static Double pct(int num, int den) {
    return den == 0 ? null : Math.round(1000.0 * num / den) / 10.0;
  }

  private static void metrics(ObjectNode n, GroundTruthAgreement a) {
    GroundTruthAgreement.Qualitative q = a.qualitative();
    GroundTruthAgreement.Quantitative m = a.quantitative();
    n.put("qa", a.qa());
    n.put("qualitative_agree_pct", pct(q.agree, q.beyondMargin));
    n.put("qualitative_scored", q.beyondMargin);
    n.put("qualitative_agree", q.agree);
    n.put("qualitative_tie_answers_on_decisive", q.tieOnDecisive);
    n.put("near_ties", q.nearTies);
    n.put("near_ties_answered_yes_no", q.nearTiesAnsweredConfidently);
    n.put("near_ties_answered_tie", q.nearTiesAnsweredTie);
    n.put("quant_within_0_5_2_pct", pct(m.within05to2, m.scored));
    n.put("quant_within_0_8_1_25_pct", pct(m.within08to125, m.scored));
    n.put("quant_scored", m.scored);
    n.put("quant_tie_answers", m.tieAnswers);
    n.put("direction_within_1h_pct", pct(a.directionWithin1h(), a.direction()));
    n.put("direction_scored", a.direction());
    n.put("qa_unmatched", a.unmatched());
  }

  private static ObjectNode qualitativeNode(ObjectNode n, GroundTruthAgreement.Qualitative q) {
    n.put("qualitative_agree_pct", pct(q.agree, q.beyondMargin));
    n.put("qualitative_scored", q.beyondMargin);
    n.put("qualitative_agree", q.agree);
    n.put("qualitative_tie_answers_on_decisive", q.tieOnDecisive);
    n.put("near_ties", q.nearTies);
    n.put("near_ties_answered_yes_no", q.nearTiesAnsweredConfidently);
    n.put("near_ties_answered_tie", q.nearTiesAnsweredTie);
    return n;
  }

  private static ObjectNode quantitativeNode(ObjectNode n, GroundTruthAgreement.Quantitative m) {
    n.put("quant_within_0_5_2_pct", pct(m.within05to2, m.scored));
    n.put("quant_within_0_8_1_25_pct", pct(m.within08to125, m.scored));
    n.put("quant_scored", m.scored);
    n.put("quant_tie_answers", m.tieAnswers);
    return n;
  }

  private static void perType(ObjectNode parent, GroundTruthAgreement a) {
    ObjectNode types = parent.putObject("per_question_type");
    a.qualitativeByType().forEach((k, v) -> qualitativeNode(types.putObject(k), v));
    a.quantitativeByType().forEach((k, v) -> quantitativeNode(types.putObject(k), v));
    if (a.direction() > 0) {
      ObjectNode d = types.putObject("direction");
      d.put("direction_within_1h_pct", pct(a.directionWithin1h(), a.direction()));
      d.put("direction_scored", a.direction());
    }
  }

  /**
   * The answers that missed, to read: qualitative disagreements (question type, objects, answer)
   * and quantitative answers outside [0.8x, 1.25x] with estimate and truth.
   */
  private static void misses(ObjectNode s, GroundTruthAgreement a) {
    com.fasterxml.jackson.databind.node.ArrayNode q = s.putArray("qualitative_misses");
    a.disagreements().forEach((k, v) -> q.add(k + " " + v));
    com.fasterxml.jackson.databind.node.ArrayNode m = s.putArray("quant_misses");
    a.ratios()
        .forEach(
            (k, v) -> {
              if (!GroundTruthAgreement.within(v[0], v[1])[0]) {
                ObjectNode n = m.addObject();
                n.put("qa", k);
                n.put("estimate", round3(v[0]));
                n.put("truth", round3(v[1]));
              }
            });
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** The {@code evaluation.json} document. */
  public ObjectNode toJson() {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("scenes", scenes.size());
    ObjectNode t = root.putObject("total");
    metrics(t, total);
    multiStep(t, multiTotal, true);
    int withGravityTruth = 0;
    int canonicalized = 0;
    int within3 = 0;
    List<Double> errors = new ArrayList<>();
    for (SceneResult r : scenes.values()) {
      withGravityTruth++;
      if (r.canonicalized()) {
        canonicalized++;
      }
      Double e = r.gravityErrorDeg();
      if (e != null) {
        errors.add(e);
        if (e <= 3.0) {
          within3++;
        }
      }
    }
    ObjectNode g = root.putObject("gravity");
    g.put("scenes", withGravityTruth);
    g.put("canonicalized", canonicalized);
    g.put("within_3_deg", within3);
    Collections.sort(errors);
    g.put("median_error_deg", errors.isEmpty() ? null : round2(median(errors)));
    g.put("max_error_deg", errors.isEmpty() ? null : round2(errors.get(errors.size() - 1)));
    perType(root, total);
    ObjectNode ps = root.putObject("per_scene");
    for (SceneResult r : scenes.values()) {
      ObjectNode s = ps.putObject(r.sceneId());
      s.put("lifted", r.lifted());
      s.put("canonicalized", r.canonicalized());
      s.put(
          "gravity_source",
          r.scene() == null || r.scene().getGravitySource() == null
              ? null
              : r.scene().getGravitySource().toString());
      Double e = r.gravityErrorDeg();
      s.put("gravity_error_deg", e == null ? null : round2(e));
      s.put("objects_ground_truth", r.truth().boxes().size());
      s.put("objects_in_scene", r.scene() == null ? 0 : r.scene().getObjects().size());
      s.put("vertical_qa", r.verticalQa());
      metrics(s, r.agreement());
      perType(s, r.agreement());
      misses(s, r.agreement());
      multiStep(s, multiByScene.get(r.sceneId()), false);
    }
    ObjectNode c = root.putObject("margins");
    c.put("tie_margin_relative", config.tieMarginRelative());
    c.put("tie_margin_absolute_m", config.tieMarginAbsoluteM());
    c.put("volume_tie_relative", config.volumeTieRelative());
    c.put("tie_policy", config.tiePolicy().toString());
    root.put(
        "definitions",
        "qualitative_agree_pct: answers agreeing with the ground-truth boxes among pairs whose"
            + " ground-truth difference is beyond the run's tie margin (tie answers count as"
            + " misses); near_ties: pairs within the margin, not scored; quant_within_*: metric"
            + " answers within [0.5x, 2x] / [0.8x, 1.25x] of the ground truth (truths under 0.1 m:"
            + " within 0.10 / 0.05 m); gravity_error_deg: angle between the engine's up vector and"
            + " the ground truth's (null when not canonicalized); qa_unmatched: QA about objects"
            + " without a ground-truth box, not scored; multi_step: multi-step records (their own"
            + " scorer, MultiStepAgreement), agree_pct among final answers whose ground truth is"
            + " beyond the tie margin at every comparison (metric values within [0.8x, 1.25x])");
    return root;
  }

  /** {@link #toJson()} as indented text. */
  public String toJsonText() {
    try {
      return new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(toJson())
          + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A readable summary: one line per scene, then the totals and the per-type table. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-28s %5s %5s %9s %12s %12s %12s %10s%n",
            "scene",
            "qa",
            "vert",
            "gravity",
            "qual agree",
            "quant 0.5-2",
            "quant .8-1.25",
            "near ties"));
    for (SceneResult r : scenes.values()) {
      GroundTruthAgreement a = r.agreement();
      Double e = r.gravityErrorDeg();
      String gravity =
          !r.lifted() ? "no scene" : e == null ? "not canon" : String.format("%.2f deg", e);
      sb.append(
          String.format(
              "%-28s %5d %5d %9s %12s %12s %12s %10s%n",
              r.sceneId(),
              a.qa(),
              r.verticalQa(),
              gravity,
              ratio(a.qualitative().agree, a.qualitative().beyondMargin),
              ratio(a.quantitative().within05to2, a.quantitative().scored),
              ratio(a.quantitative().within08to125, a.quantitative().scored),
              a.qualitative().nearTiesAnsweredConfidently + "/" + a.qualitative().nearTies));
    }
    GroundTruthAgreement.Qualitative q = total.qualitative();
    GroundTruthAgreement.Quantitative m = total.quantitative();
    sb.append(
        String.format(
            "%ntotal: %d QA on %d scene(s); qualitative %s agree (%s); quantitative %s within"
                + " [0.5x, 2x], %s within [0.8x, 1.25x] (%d scored); near ties answered yes/no:"
                + " %d of %d; direction within 1 h: %s; unmatched QA: %d%n",
            total.qa(),
            scenes.size(),
            pctText(q.agree, q.beyondMargin),
            q.agree + "/" + q.beyondMargin,
            pctText(m.within05to2, m.scored),
            pctText(m.within08to125, m.scored),
            m.scored,
            q.nearTiesAnsweredConfidently,
            q.nearTies,
            ratio(total.directionWithin1h(), total.direction()),
            total.unmatched()));
    sb.append("per question type:\n");
    total
        .qualitativeByType()
        .forEach(
            (k, v) ->
                sb.append(
                    String.format(
                        "  %-22s agree %-9s near ties answered yes/no %d/%d%n",
                        k,
                        ratio(v.agree, v.beyondMargin),
                        v.nearTiesAnsweredConfidently,
                        v.nearTies)));
    total
        .quantitativeByType()
        .forEach(
            (k, v) ->
                sb.append(
                    String.format(
                        "  %-22s [0.5x,2x] %-9s [0.8x,1.25x] %-9s%n",
                        k, ratio(v.within05to2, v.scored), ratio(v.within08to125, v.scored))));
    MultiStepAgreement.Family ms = multiTotal.total();
    if (ms.generated > 0) {
      sb.append(
          String.format(
              "multi-step: %d QA, final answers %s agree (%s scored beyond the ground truth's"
                  + " margins, %d near ties)%n",
              ms.generated, pctText(ms.agree, ms.scored), ms.agree + "/" + ms.scored, ms.nearTies));
      multiTotal
          .byFamily()
          .forEach(
              (k, v) ->
                  sb.append(
                      String.format(
                          "  %-22s agree %-9s near ties %d%n",
                          k, ratio(v.agree, v.scored), v.nearTies)));
    }
    return sb.toString();
  }

  private static String ratio(int num, int den) {
    return den == 0 ? "-" : num + "/" + den;
  }

  private static String pctText(int num, int den) {
    Double p = pct(num, den);
    return p == null ? "n/a" : p + "%";
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
