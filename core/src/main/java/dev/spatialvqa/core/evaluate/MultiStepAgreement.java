package dev.spatialvqa.core.evaluate;

import dev.spatialvqa.core.generate.QaConfig;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.QaStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Recomputes the steps and final answers of multi-step records ({@code QaRecord.steps}, written by
 * {@code MultiStepGenerator}) from ground-truth boxes, with definitions written apart from the
 * generator's (box corners, {@link GroundTruthAgreement#sampledGap}), and tallies agreement per
 * family.
 *
 * <p>A final answer is scored when the ground truth itself is beyond the tie margin at every
 * comparison of its program ({@link QaConfig#tieThreshold}, without uncertainty: ground-truth boxes
 * have none), else it is a near tie; it agrees when the decision (object, yes/no, label, count,
 * direction) matches and, for a metric value, the value is within [0.8x, 1.25x] ({@link
 * GroundTruthAgreement#within}). Metric steps are compared within [0.5x, 2x] with the same sign.
 */
public final class MultiStepAgreement {
  /** Tallies of one family. */
  public static final class Family {
    public int generated;
    public int scored;
    public int agree;
    public int nearTies;
    public int unmatched;

    void add(Family o) {
      generated += o.generated;
      scored += o.scored;
      agree += o.agree;
      nearTies += o.nearTies;
      unmatched += o.unmatched;
    }
  }

  private final Map<String, Family> byFamily = new TreeMap<>();
  private final Map<String, int[]> bySteps = new TreeMap<>();
  private final List<String> disagreements = new ArrayList<>();

  /** Scores one scene's multi-step records (others are ignored). */
  public static MultiStepAgreement of(List<QaRecord> qa, GroundTruth gt, QaConfig config) {
    MultiStepAgreement m = new MultiStepAgreement();
    Truth tr = new Truth(gt);
    for (QaRecord r : qa) {
      if (r.getSteps() == null || r.getSteps().isEmpty()) {
        continue;
      }
      Family f = m.byFamily.computeIfAbsent(r.getQuestionType(), k -> new Family());
      f.generated++;
      boolean vertical =
          r.getSteps().stream()
              .anyMatch(
                  s -> s.getOperation().equals("top") || s.getOperation().equals("stack_top"));
      if (r.getObjectIds().stream().anyMatch(id -> tr.box(id) == null)
          || (vertical && gt.cameraHeight() == null)) {
        f.unmatched++;
        continue;
      }
      for (QaStep s : r.getSteps()) {
        Double truth = stepTruth(s, tr);
        if (truth == null || s.getValueSi() == null) {
          continue;
        }
        int[] st = m.bySteps.computeIfAbsent(s.getOperation(), k -> new int[2]);
        st[0]++;
        boolean sameSign = Math.signum(truth) == Math.signum(s.getValueSi()) || truth == 0;
        if (sameSign && GroundTruthAgreement.within(Math.abs(s.getValueSi()), Math.abs(truth))[1]) {
          st[1]++;
        }
      }
      Score sc = score(r, tr, config);
      if (sc.agree() == null) {
        f.nearTies++;
        continue;
      }
      f.scored++;
      if (sc.agree()) {
        f.agree++;
      } else {
        m.disagreements.add(
            r.getSceneId()
                + " "
                + r.getQuestionType()
                + " "
                + r.getObjectRefs()
                + ": "
                + r.getAnswer()
                + " ("
                + sc.detail()
                + ")");
      }
    }
    return m;
  }

  public void add(MultiStepAgreement o) {
    o.byFamily.forEach((k, v) -> byFamily.computeIfAbsent(k, x -> new Family()).add(v));
    o.bySteps.forEach(
        (k, v) -> {
          int[] t = bySteps.computeIfAbsent(k, x -> new int[2]);
          t[0] += v[0];
          t[1] += v[1];
        });
    disagreements.addAll(o.disagreements);
  }

  /** Per family (question type) tallies. */
  public Map<String, Family> byFamily() {
    return java.util.Collections.unmodifiableMap(byFamily);
  }

  /** Per step operation: {checked, within [0.5x, 2x] with the same sign}. */
  public Map<String, int[]> bySteps() {
    return java.util.Collections.unmodifiableMap(bySteps);
  }

  public List<String> disagreements() {
    return java.util.Collections.unmodifiableList(disagreements);
  }

  /** All families summed. */
  public Family total() {
    Family t = new Family();
    byFamily.values().forEach(t::add);
    return t;
  }

  /** Ground-truth geometry, independent of SpatialMeasures. */
  static final class Truth {
    final GroundTruth gt;
    final double floor;

    Truth(GroundTruth gt) {
      this.gt = gt;
      this.floor = gt.cameraHeight() == null ? Double.NaN : gt.cameraHeight();
    }

    GroundTruth.Box box(String id) {
      return gt.boxes().get(id);
    }

    static double dist(GroundTruth.Box a, GroundTruth.Box b) {
      double s = 0;
      for (int k = 0; k < 3; k++) {
        double d = a.center()[k] - b.center()[k];
        s += d * d;
      }
      return Math.sqrt(s);
    }

    static double camera(GroundTruth.Box a) {
      double[] c = a.centerCamera();
      return Math.sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    }

    double top(GroundTruth.Box a) {
      double hi = Double.NEGATIVE_INFINITY;
      for (double[] c : a.corners()) {
        hi = Math.max(hi, c[2]);
      }
      return hi + floor;
    }

    static double height(GroundTruth.Box a) {
      return a.size()[2];
    }

    static double x(GroundTruth.Box a) {
      return a.center()[0];
    }
  }

  /** What a final answer scored as: null = not scored (near tie in the ground truth). */
  public record Score(Boolean agree, String detail) {}

  static Score decision(double gtDiff, double margin, boolean agree, String detail) {
    return Math.abs(gtDiff) < margin ? new Score(null, detail) : new Score(agree, detail);
  }

  static boolean close(double est, double truth) {
    return GroundTruthAgreement.within(est, truth)[0];
  }

  /** Recomputes the final answer of one record from the ground truth. */
  public static Score score(QaRecord r, Truth tr, QaConfig c) {
    List<GroundTruth.Box> b = new ArrayList<>();
    for (String id : r.getObjectIds()) {
      b.add(tr.box(id));
    }
    switch (r.getQuestionType()) {
      case "closer_to_third" -> {
        double da = Truth.dist(b.get(0), b.get(2));
        double db = Truth.dist(b.get(1), b.get(2));
        String winner = da < db ? b.get(0).id() : b.get(1).id();
        return decision(
            da - db,
            c.tieThreshold(Math.max(da, db)),
            winner.equals(r.getAnswerObjectId()),
            "gt " + winner);
      }
      case "nearest_to_camera" -> {
        List<GroundTruth.Box> s = new ArrayList<>(b);
        s.sort(Comparator.comparingDouble(Truth::camera));
        double d0 = Truth.camera(s.get(0));
        double d1 = Truth.camera(s.get(1));
        return decision(
            d1 - d0, c.tieThreshold(d1), s.get(0).id().equals(r.getAnswerObjectId()), "");
      }
      case "between_lr" -> {
        double o1 = Truth.x(b.get(0)) - Truth.x(b.get(1));
        double o2 = Truth.x(b.get(0)) - Truth.x(b.get(2));
        double m1 = c.tieThreshold((b.get(0).aabbExtent()[0] + b.get(1).aabbExtent()[0]) / 2);
        double m2 = c.tieThreshold((b.get(0).aabbExtent()[0] + b.get(2).aabbExtent()[0]) / 2);
        boolean between = Math.signum(o1) != Math.signum(o2);
        if (Math.abs(o1) < m1 || Math.abs(o2) < m2) {
          return new Score(null, "");
        }
        return new Score(between == r.getAnswerBool(), "gt " + between);
      }
      case "triangle" -> {
        double[] s = {
          Truth.dist(b.get(0), b.get(1)),
          Truth.dist(b.get(1), b.get(2)),
          Truth.dist(b.get(2), b.get(0))
        };
        int equal = 0;
        for (int i = 0; i < 3; i++) {
          double x = s[i];
          double y = s[(i + 1) % 3];
          if (Math.abs(x - y) < c.tieThreshold(Math.max(x, y))) {
            equal++;
          }
        }
        String label = equal == 3 ? "equilateral" : equal == 1 ? "isosceles" : "scalene";
        if (equal == 2) {
          return new Score(null, "");
        }
        return new Score(
            label.equals(r.getAnswerLabel()), "gt " + label + " " + Arrays.toString(s));
      }
      case "path_length" -> {
        double v = Truth.dist(b.get(0), b.get(1)) + Truth.dist(b.get(1), b.get(2));
        return new Score(close(r.getValueSi(), v), String.format("gt %.2f", v));
      }
      case "count_within" -> {
        double radius = r.getSteps().get(r.getSteps().size() - 1).getThresholdSi();
        int n = 0;
        for (int i = 1; i < 4; i++) {
          double d = Truth.dist(b.get(0), b.get(i));
          if (Math.abs(d - radius) < c.tieThreshold(radius)) {
            return new Score(null, "");
          }
          if (d < radius) {
            n++;
          }
        }
        return new Score(n == r.getValueSi().intValue(), "gt " + n);
      }
      case "perspective_left" -> {
        double fx = Truth.x(b.get(1)) - Truth.x(b.get(0));
        double fy = b.get(1).center()[1] - b.get(0).center()[1];
        double n = Math.hypot(fx, fy);
        double cx = Truth.x(b.get(2)) - Truth.x(b.get(0));
        double cy = b.get(2).center()[1] - b.get(0).center()[1];
        // z-component of forward x toC: positive = C is counter-clockwise = on the left
        double cross = (fx * cy - fy * cx) / n;
        double m = c.tieThreshold((b.get(2).aabbExtent()[0] + b.get(2).aabbExtent()[1]) / 2);
        return decision(cross, m, (cross > 0) == r.getAnswerBool(), "gt left=" + (cross > 0));
      }
      case "stack_reach" -> {
        double stack = tr.top(b.get(1)) + Truth.height(b.get(0));
        double d = stack - tr.top(b.get(2));
        double m = c.tieThreshold((Truth.height(b.get(0)) + Truth.height(b.get(2))) / 2);
        return decision(d, m, (d > 0) == r.getAnswerBool(), String.format("gt %.2f", d));
      }
      case "fits_between" -> {
        double gap = GroundTruthAgreement.sampledGap(b.get(1), b.get(2));
        double narrow = Math.min(b.get(0).size()[0], b.get(0).size()[1]);
        double d = gap - narrow;
        return decision(
            d,
            c.tieThreshold(Math.max(gap, narrow)),
            (d > 0) == r.getAnswerBool(),
            String.format("gt gap %.2f narrow %.2f", gap, narrow));
      }
      case "level_with" -> {
        double d = tr.top(b.get(1)) - tr.top(b.get(0));
        double m = c.tieThreshold((Truth.height(b.get(0)) + Truth.height(b.get(1))) / 2);
        boolean dir = (d > 0) == "up".equals(r.getAnswerLabel());
        return decision(
            d, m, dir && close(r.getValueSi(), Math.abs(d)), String.format("gt %+.2f", d));
      }
      case "align_with" -> {
        double d = Truth.x(b.get(1)) - Truth.x(b.get(0));
        double m = c.tieThreshold((b.get(0).aabbExtent()[0] + b.get(1).aabbExtent()[0]) / 2);
        boolean dir = (d > 0) == "right".equals(r.getAnswerLabel());
        return decision(
            d, m, dir && close(r.getValueSi(), Math.abs(d)), String.format("gt %+.2f", d));
      }
      case "right_angle" -> {
        double ab = Truth.dist(b.get(0), b.get(1));
        double bc = Truth.dist(b.get(1), b.get(2));
        // the angle at B from the two arms' directions (not the law of cosines)
        double dot = 0;
        for (int k = 0; k < 3; k++) {
          dot +=
              (b.get(0).center()[k] - b.get(1).center()[k])
                  * (b.get(2).center()[k] - b.get(1).center()[k]);
        }
        double angle = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, dot / (ab * bc)))));
        double off = Math.abs(angle - 90);
        double t = c.tieMarginRelative() * 90;
        if (Math.abs(off - t) < t / 2) {
          return new Score(null, ""); // the ground truth itself is near the tolerance's edge
        }
        boolean right = off < t;
        return new Score(right == r.getAnswerBool(), String.format("gt %.0f deg", angle));
      }
      case "rank_height", "rank_distance" -> {
        boolean heights = r.getQuestionType().equals("rank_height");
        List<GroundTruth.Box> s = new ArrayList<>(b);
        Comparator<GroundTruth.Box> order =
            heights
                ? Comparator.comparingDouble(Truth::height).reversed()
                : Comparator.comparingDouble(Truth::camera);
        s.sort(order);
        for (int i = 0; i + 1 < 3; i++) {
          double x = heights ? Truth.height(s.get(i)) : Truth.camera(s.get(i));
          double y = heights ? Truth.height(s.get(i + 1)) : Truth.camera(s.get(i + 1));
          if (Math.abs(x - y) < c.tieThreshold(Math.max(x, y))) {
            return new Score(null, "");
          }
        }
        String label = s.get(0).id() + ">" + s.get(1).id() + ">" + s.get(2).id();
        return new Score(label.equals(r.getAnswerLabel()), "gt " + label);
      }
      default -> throw new IllegalStateException("no ground truth for " + r.getQuestionType());
    }
  }

  /** The ground-truth value of a metric step, or null for decision steps. */
  public static Double stepTruth(QaStep s, Truth tr) {
    List<GroundTruth.Box> b = new ArrayList<>();
    for (String id : s.getObjectIds()) {
      b.add(tr.box(id));
    }
    return switch (s.getOperation()) {
      case "distance" -> Truth.dist(b.get(0), b.get(1));
      case "camera_distance" -> Truth.camera(b.get(0));
      case "height" -> Truth.height(b.get(0));
      case "top" -> tr.top(b.get(0));
      case "gap" -> GroundTruthAgreement.sampledGap(b.get(0), b.get(1));
      case "narrow_extent" -> Math.min(b.get(0).size()[0], b.get(0).size()[1]);
      case "stack_top" -> tr.top(b.get(1)) + Truth.height(b.get(0));
      case "offset_x" -> Truth.x(b.get(0)) - Truth.x(b.get(1));
      case "position_x" -> Truth.x(b.get(0));
      case "difference_x" -> Truth.x(b.get(1)) - Truth.x(b.get(0));
      case "difference_z" -> tr.top(b.get(1)) - tr.top(b.get(0));
      case "sum" -> Truth.dist(b.get(0), b.get(1)) + Truth.dist(b.get(1), b.get(2));
      case "facing" ->
          Math.hypot(
              Truth.x(b.get(1)) - Truth.x(b.get(0)), b.get(1).center()[1] - b.get(0).center()[1]);
      default -> null; // decisions, counts, ranks, the lateral offset (needs the facing pair)
    };
  }
}
