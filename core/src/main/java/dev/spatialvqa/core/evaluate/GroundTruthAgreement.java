package dev.spatialvqa.core.evaluate;

import dev.spatialvqa.core.generate.QaGenerator;
import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Recomputes QA answers from ground-truth boxes, with definitions written independently of the
 * generator (box corners, sampled surfaces), and tallies agreement, in all and per question type.
 *
 * <ul>
 *   <li><b>Qualitative</b> (comparisons): a pair is scored when its ground-truth difference is
 *       beyond the generator's own tie margin ({@link QaGenerator#isTie}, measured on the
 *       ground-truth boxes); it agrees when the answer (yes/no, or the object chosen) matches the
 *       ground truth. A tie answer ("about the same") on such a pair is a miss, also counted apart.
 *       Pairs within the margin are near ties: counted, with how many got a confident (yes/no or
 *       chosen object) answer and how many a tie answer; not scored.
 *   <li><b>Quantitative</b> (metric answers, {@code value_si}): within [0.8x, 1.25x] and [0.5x, 2x]
 *       of the ground truth; truths under 0.10 m are scored absolutely (within 0.05 m and 0.10 m).
 *       Tie answers ("about the same height") are not scored. {@code direction} (clock hours) is
 *       scored apart: within one hour.
 *   <li>QA naming an object the ground truth has no box for are counted as unmatched, never scored.
 *       {@code elevation} is unmatched when the ground truth gives no floor (no box below the
 *       camera).
 * </ul>
 */
public final class GroundTruthAgreement {
  /** Qualitative tallies of one question type (or all). */
  public static final class Qualitative {
    /** pairs whose ground-truth difference is beyond the margin */
    public int beyondMargin;

    /** of those, answers that agree */
    public int agree;

    /** of those, tie answers ("about the same"): misses */
    public int tieOnDecisive;

    /** pairs within the margin (near ties) */
    public int nearTies;

    /** near ties answered yes/no or with a chosen object */
    public int nearTiesAnsweredConfidently;

    /** near ties answered as a tie */
    public int nearTiesAnsweredTie;

    void add(Qualitative o) {
      beyondMargin += o.beyondMargin;
      agree += o.agree;
      tieOnDecisive += o.tieOnDecisive;
      nearTies += o.nearTies;
      nearTiesAnsweredConfidently += o.nearTiesAnsweredConfidently;
      nearTiesAnsweredTie += o.nearTiesAnsweredTie;
    }
  }

  /** Quantitative tallies of one question type (or all). */
  public static final class Quantitative {
    public int scored;

    /** within [0.8x, 1.25x] (absolute 0.05 m for truths under 0.10 m) */
    public int within08to125;

    /** within [0.5x, 2x] (absolute 0.10 m for truths under 0.10 m) */
    public int within05to2;

    /** tie answers, not scored */
    public int tieAnswers;

    void add(Quantitative o) {
      scored += o.scored;
      within08to125 += o.within08to125;
      within05to2 += o.within05to2;
      tieAnswers += o.tieAnswers;
    }
  }

  /** Truths under this (metres) are scored absolutely. */
  public static final double SMALL_TRUTH_M = 0.10;

  private final Qualitative qualitative = new Qualitative();
  private final Quantitative quantitative = new Quantitative();
  private final Map<String, Qualitative> qualitativeByType = new TreeMap<>();
  private final Map<String, Quantitative> quantitativeByType = new TreeMap<>();
  private int direction;
  private int directionWithin1h;
  private int unmatched;
  private int multiStep;
  private int qa;
  private final Map<String, String> disagreements = new TreeMap<>();
  private final Map<String, double[]> ratios = new TreeMap<>();

  /**
   * Scores one scene's QA.
   *
   * @param generator the generator with the run's QA config (its tie margins decide which pairs are
   *     near ties)
   */
  public static GroundTruthAgreement of(List<QaRecord> qa, GroundTruth gt, QaGenerator generator) {
    GroundTruthAgreement s = new GroundTruthAgreement();
    SceneRecord gtScene = gt.sceneRecord();
    Map<String, SceneObject> gtObjs = new HashMap<>();
    for (SceneObject o : gtScene.getObjects()) {
      gtObjs.put(o.getObjectId(), o);
    }
    for (QaRecord r : qa) {
      if (r.getSteps() != null && !r.getSteps().isEmpty()) {
        s.multiStep++; // multi-step families: scored by their own recomputation, not here
        continue;
      }
      s.qa++;
      String type = r.getQuestionType();
      List<String> ids = r.getObjectIds();
      GroundTruth.Box a = ids.isEmpty() ? null : gt.boxes().get(ids.get(0));
      GroundTruth.Box b = ids.size() > 1 ? gt.boxes().get(ids.get(1)) : null;
      if (a == null
          || (ids.size() > 1 && b == null)
          || (type.equals("elevation") && gt.cameraHeight() == null)) {
        s.unmatched++;
        continue;
      }
      if (r.getKind() == QaKind.qualitative) {
        s.scoreQualitative(r, type, a, b, gtObjs, generator);
      } else {
        s.scoreQuantitative(r, type, a, b, gt);
      }
    }
    return s;
  }

  private void scoreQualitative(
      QaRecord r,
      String type,
      GroundTruth.Box a,
      GroundTruth.Box b,
      Map<String, SceneObject> gtObjs,
      QaGenerator generator) {
    Qualitative t = qualitativeByType.computeIfAbsent(type, x -> new Qualitative());
    Qualitative one = new Qualitative();
    String rel = type.substring(0, type.lastIndexOf('_'));
    if (generator.isTie(type, gtObjs.get(a.id()), gtObjs.get(b.id()))) {
      one.nearTies++;
      if (r.getTie()) {
        one.nearTiesAnsweredTie++;
      } else {
        one.nearTiesAnsweredConfidently++;
      }
    } else {
      one.beyondMargin++;
      boolean holds = holds(rel, a, b);
      boolean agree;
      if (type.endsWith("_predicate")) {
        agree = r.getAnswerBool() != null && r.getAnswerBool() == holds;
      } else {
        String winner = holds ? a.id() : b.id();
        agree = winner.equals(r.getAnswerObjectId());
      }
      if (agree) {
        one.agree++;
      } else {
        if (r.getTie()) {
          one.tieOnDecisive++;
        }
        disagreements.put(
            key(r),
            (r.getTie() ? "(tie) " : "") + type + " " + r.getObjectRefs() + ": " + r.getAnswer());
      }
    }
    t.add(one);
    qualitative.add(one);
  }

  private void scoreQuantitative(
      QaRecord r, String type, GroundTruth.Box a, GroundTruth.Box b, GroundTruth gt) {
    if (r.getTie() || r.getValueSi() == null) {
      Quantitative t = quantitativeByType.computeIfAbsent(type, x -> new Quantitative());
      t.tieAnswers++;
      quantitative.tieAnswers++;
      return;
    }
    double est = r.getValueSi();
    if (type.equals("direction")) {
      double gtH = clock(a, b);
      double d = Math.abs(est - gtH) % 12;
      d = Math.min(d, 12 - d);
      direction++;
      if (d <= 1.0) {
        directionWithin1h++;
      }
      return;
    }
    double truth = value(type, a, b, gt.cameraHeight() == null ? 0 : gt.cameraHeight());
    boolean[] within = within(est, truth);
    Quantitative one = new Quantitative();
    one.scored = 1;
    one.within08to125 = within[0] ? 1 : 0;
    one.within05to2 = within[1] ? 1 : 0;
    quantitativeByType.computeIfAbsent(type, x -> new Quantitative()).add(one);
    quantitative.add(one);
    ratios.put(key(r) + " " + type + " " + r.getObjectRefs(), new double[] {est, truth});
  }

  private static String key(QaRecord r) {
    return r.getSceneId() + "/" + r.getQaId().substring(0, Math.min(8, r.getQaId().length()));
  }

  /**
   * Whether an estimate is within [0.8x, 1.25x] and within [0.5x, 2x] of the truth; truths under
   * {@link #SMALL_TRUTH_M} are scored absolutely (within 0.05 m and 0.10 m).
   */
  public static boolean[] within(double est, double truth) {
    if (Math.abs(truth) < SMALL_TRUTH_M) {
      return new boolean[] {Math.abs(est - truth) <= 0.05, Math.abs(est - truth) <= 0.10};
    }
    double ratio = est / truth;
    return new boolean[] {ratio >= 0.8 && ratio <= 1.25, ratio >= 0.5 && ratio <= 2.0};
  }

  public static boolean holds(String rel, GroundTruth.Box a, GroundTruth.Box b) {
    double[] ca = a.center();
    double[] cb = b.center();
    double wa = a.aabbExtent()[0];
    double wb = b.aabbExtent()[0];
    double va = a.volume();
    double vb = b.volume();
    return switch (rel) {
      case "left" -> ca[0] < cb[0];
      case "right" -> ca[0] > cb[0];
      case "front" -> ca[1] < cb[1];
      case "behind" -> ca[1] > cb[1];
      case "above" -> ca[2] > cb[2];
      case "below" -> ca[2] < cb[2];
      case "taller" -> a.size()[2] > b.size()[2];
      case "shorter" -> a.size()[2] < b.size()[2];
      case "wider" -> wa > wb;
      case "thinner" -> wa < wb;
      case "bigger" -> va > vb;
      case "smaller" -> va < vb;
      default -> throw new IllegalArgumentException("no ground-truth definition for " + rel);
    };
  }

  /** Clock direction of b seen from a (12 = straight ahead of the viewer, 3 = to the right). */
  public static double clock(GroundTruth.Box a, GroundTruth.Box b) {
    double dx = b.center()[0] - a.center()[0];
    double dy = b.center()[1] - a.center()[1];
    double h = Math.toDegrees(Math.atan2(dx, dy)) / 30.0;
    return h <= 0 ? h + 12 : h;
  }

  static double norm(double[] v) {
    return Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  }

  /** The ground-truth answer of a quantitative type. */
  public static double value(
      String type, GroundTruth.Box a, GroundTruth.Box b, double cameraHeight) {
    switch (type) {
      case "width":
        return a.aabbExtent()[0];
      case "depth":
        return a.aabbExtent()[1];
      case "height":
        return a.size()[2];
      case "size":
        return Math.max(a.size()[0], Math.max(a.size()[1], a.size()[2]));
      case "distance_from_camera":
        return norm(a.centerCamera());
      case "elevation":
        return a.bottomZ() + cameraHeight;
      default:
        break;
    }
    if (b == null) {
      throw new IllegalArgumentException(type + " needs two objects");
    }
    double[] d = {
      b.center()[0] - a.center()[0], b.center()[1] - a.center()[1], b.center()[2] - a.center()[2]
    };
    return switch (type) {
      case "distance" -> norm(d);
      case "horizontal_distance" -> Math.hypot(d[0], d[1]);
      case "vertical_distance" -> Math.abs(d[2]);
      case "taller_by" -> a.size()[2] - b.size()[2];
      case "wider_by" -> a.aabbExtent()[0] - b.aabbExtent()[0];
      case "farther_by" -> norm(a.centerCamera()) - norm(b.centerCamera());
      case "gap" -> sampledGap(a, b);
      default -> throw new IllegalArgumentException("no ground-truth definition for " + type);
    };
  }

  /** Closest distance between the two boxes, by sampling their surfaces on a grid. */
  public static double sampledGap(GroundTruth.Box a, GroundTruth.Box b) {
    if (inside(a, b.center()) || inside(b, a.center())) {
      return 0;
    }
    double[][] pa = surface(a, 14);
    double[][] pb = surface(b, 14);
    double best = Double.POSITIVE_INFINITY;
    for (double[] p : pa) {
      if (inside(b, p)) {
        return 0;
      }
      for (double[] q : pb) {
        double dx = p[0] - q[0];
        double dy = p[1] - q[1];
        double dz = p[2] - q[2];
        best = Math.min(best, dx * dx + dy * dy + dz * dz);
      }
    }
    return Math.sqrt(best);
  }

  private static double[] local(GroundTruth.Box b, double[] p) {
    double c = Math.cos(b.heading());
    double s = Math.sin(b.heading());
    double dx = p[0] - b.center()[0];
    double dy = p[1] - b.center()[1];
    return new double[] {c * dx + s * dy, -s * dx + c * dy, p[2] - b.center()[2]};
  }

  private static boolean inside(GroundTruth.Box b, double[] p) {
    double[] l = local(b, p);
    return Math.abs(l[0]) <= b.size()[0] / 2
        && Math.abs(l[1]) <= b.size()[1] / 2
        && Math.abs(l[2]) <= b.size()[2] / 2;
  }

  private static double[][] surface(GroundTruth.Box b, int n) {
    double c = Math.cos(b.heading());
    double s = Math.sin(b.heading());
    double[][] out = new double[6 * n * n][];
    int k = 0;
    for (int axis = 0; axis < 3; axis++) {
      for (int sign = -1; sign <= 1; sign += 2) {
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            double[] u = new double[3];
            u[axis] = sign * 0.5;
            u[(axis + 1) % 3] = i / (double) (n - 1) - 0.5;
            u[(axis + 2) % 3] = j / (double) (n - 1) - 0.5;
            double lx = u[0] * b.size()[0];
            double ly = u[1] * b.size()[1];
            double lz = u[2] * b.size()[2];
            out[k++] =
                new double[] {
                  b.center()[0] + c * lx - s * ly,
                  b.center()[1] + s * lx + c * ly,
                  b.center()[2] + lz
                };
          }
        }
      }
    }
    return out;
  }

  /** Adds another scene's tallies into this one. */
  public void add(GroundTruthAgreement o) {
    qa += o.qa;
    unmatched += o.unmatched;
    multiStep += o.multiStep;
    qualitative.add(o.qualitative);
    quantitative.add(o.quantitative);
    direction += o.direction;
    directionWithin1h += o.directionWithin1h;
    o.qualitativeByType.forEach(
        (k, v) -> qualitativeByType.computeIfAbsent(k, x -> new Qualitative()).add(v));
    o.quantitativeByType.forEach(
        (k, v) -> quantitativeByType.computeIfAbsent(k, x -> new Quantitative()).add(v));
    disagreements.putAll(o.disagreements);
    ratios.putAll(o.ratios);
  }

  /** QA seen (scored or not). */
  public int qa() {
    return qa;
  }

  /** QA naming an object without a ground-truth box (or elevation without a floor). */
  /** Multi-step records seen and skipped (they carry their own steps; see MultiStepGenerator). */
  public int multiStep() {
    return multiStep;
  }

  public int unmatched() {
    return unmatched;
  }

  public Qualitative qualitative() {
    return qualitative;
  }

  public Quantitative quantitative() {
    return quantitative;
  }

  public Map<String, Qualitative> qualitativeByType() {
    return Collections.unmodifiableMap(qualitativeByType);
  }

  public Map<String, Quantitative> quantitativeByType() {
    return Collections.unmodifiableMap(quantitativeByType);
  }

  public int direction() {
    return direction;
  }

  public int directionWithin1h() {
    return directionWithin1h;
  }

  /** Disagreeing qualitative answers, by scene/qa-id prefix. */
  public Map<String, String> disagreements() {
    return Collections.unmodifiableMap(disagreements);
  }

  /** {estimate, truth} of every scored quantitative answer. */
  public Map<String, double[]> ratios() {
    return Collections.unmodifiableMap(ratios);
  }

  /** Agreement on pairs beyond the margin, tie answers counted as misses; 1 when none. */
  public double qualitativeAgreement() {
    return qualitative.beyondMargin == 0
        ? 1.0
        : qualitative.agree / (double) qualitative.beyondMargin;
  }

  /**
   * Agreement of the confident answers (tie answers are abstentions: with the SKIP tie policy they
   * would not be asked at all).
   */
  public double confidentAgreement() {
    int confident = qualitative.beyondMargin - qualitative.tieOnDecisive;
    return confident == 0 ? 1.0 : qualitative.agree / (double) confident;
  }

  public double tightShare() {
    return quantitative.scored == 0
        ? 1.0
        : quantitative.within08to125 / (double) quantitative.scored;
  }

  public double looseShare() {
    return quantitative.scored == 0 ? 1.0 : quantitative.within05to2 / (double) quantitative.scored;
  }

  @Override
  public String toString() {
    return String.format(
        "qualitative: %d/%d agree beyond the margin (%d of the rest are tie answers; %d pairs"
            + " within the margin, %d of them answered yes/no); quantitative: %d/%d in"
            + " [0.8x,1.25x], %d/%d in [0.5x,2x]; direction within 1 h: %d/%d",
        qualitative.agree,
        qualitative.beyondMargin,
        qualitative.tieOnDecisive,
        qualitative.nearTies,
        qualitative.nearTiesAnsweredConfidently,
        quantitative.within08to125,
        quantitative.scored,
        quantitative.within05to2,
        quantitative.scored,
        directionWithin1h,
        direction);
  }
}
