package dev.spatialvqa.core.generate;

import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.templates.QuestionType;
import dev.spatialvqa.templates.TemplateCatalog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Generates QA records for one scene from the template catalog. Pure Java; {@code GenerateQa} wires
 * it into Beam.
 *
 * <ul>
 *   <li>Deterministic per scene: the random source is seeded from the scene id (and the configured
 *       salt), so the same scene gives the same QA.
 *   <li>Objects are referred to only through their {@code referring_expression}; ambiguous objects
 *       and objects without one are never used.
 *   <li>Kinds alternate (qualitative / quantitative about 50/50 while both have questions left);
 *       types are visited round-robin so every eligible type is asked before any is repeated;
 *       predicate answers alternate yes / no by choosing the order of the two objects.
 *   <li>Comparisons within the tie margin ({@link QaConfig}) get the type's tie answers or are
 *       skipped ({@link QaConfig.TiePolicy}); never a confident answer. {@code tie} records it.
 *   <li>Vertical types only for canonicalized scenes; {@code elevation} only when the camera height
 *       above the support plane is known (the frame's origin is on the floor).
 * </ul>
 *
 * Thread-safe (no mutable state).
 */
public final class QaGenerator {
  /** Engine version used in provenance when the scene carries none. */
  public static final String DEFAULT_ENGINE_VERSION = "0.1.0-SNAPSHOT";

  private final QaConfig config;
  private final TemplateCatalog catalog;

  public QaGenerator(QaConfig config) {
    this(config, TemplateCatalog.bundled());
  }

  public QaGenerator(QaConfig config, TemplateCatalog catalog) {
    if (config == null || catalog == null) {
      throw new IllegalArgumentException("config and catalog must not be null");
    }
    this.config = config;
    this.catalog = catalog;
  }

  public QaConfig config() {
    return config;
  }

  /** The objects QA may refer to: not ambiguous and with a non-blank referring expression. */
  public static List<SceneObject> referable(SceneRecord scene) {
    List<SceneObject> out = new ArrayList<>();
    for (SceneObject o : scene.getObjects()) {
      String ref = o.getReferringExpression();
      if (!o.getAmbiguous() && ref != null && !ref.isBlank()) {
        out.add(o);
      }
    }
    return out;
  }

  /** Whether a type may be asked about this scene (frame and object count permitting). */
  public static boolean eligible(QuestionType t, SceneRecord scene, int referable) {
    if (t.objectCount() > referable) {
      return false;
    }
    if (t.vertical() && !scene.getCanonicalized()) {
      return false;
    }
    if (t.id().equals("elevation")
        && (!scene.getCanonicalized() || scene.getCameraHeightM() == null)) {
      return false;
    }
    return true;
  }

  public List<QaRecord> generate(SceneRecord scene) {
    List<SceneObject> objs = referable(scene);
    if (objs.isEmpty()) {
      return List.of();
    }
    SplittableRandom rng = new SplittableRandom(seed(scene.getSceneId(), config.seedSalt()));
    Provenance provenance = provenance(scene);

    List<Slot> qual = new ArrayList<>();
    List<Slot> quant = new ArrayList<>();
    for (QuestionType t : catalog.types()) {
      if (!eligible(t, scene, objs.size())) {
        continue;
      }
      List<int[]> cands = new ArrayList<>();
      if (t.objectCount() == 1) {
        for (int i = 0; i < objs.size(); i++) {
          cands.add(new int[] {i});
        }
      } else {
        for (int i = 0; i < objs.size(); i++) {
          for (int j = i + 1; j < objs.size(); j++) {
            cands.add(new int[] {i, j});
          }
        }
      }
      shuffle(cands, rng);
      Slot s = new Slot(t, new ArrayDeque<>(cands));
      (QuestionType.QUANTITATIVE.equals(t.kind()) ? quant : qual).add(s);
    }
    shuffle(qual, rng);
    shuffle(quant, rng);

    State st = new State(scene, objs, rng, provenance);
    List<QaRecord> out = new ArrayList<>();
    java.util.Set<String> asked = new java.util.HashSet<>();
    int[] cursor = {0, 0};
    boolean quantTurn = rng.nextBoolean();
    while (out.size() < config.qaPerScene()) {
      List<Slot> pool = quantTurn ? quant : qual;
      int k = quantTurn ? 1 : 0;
      QaRecord r = null;
      boolean any = false;
      // one round-robin pass over this kind's types until one yields a record
      for (int tries = 0; tries < pool.size() && r == null; tries++) {
        Slot s = pool.get(cursor[k] % pool.size());
        cursor[k]++;
        while (!s.candidates.isEmpty() && r == null) {
          any = true;
          r = ask(s.type, s.candidates.poll(), st);
          if (r != null && !asked.add(r.getQuestion() + "\u0000" + r.getAnswer())) {
            r = null; // an exact repeat within the scene (the QA-level guard)
          }
        }
      }
      if (r != null) {
        out.add(r);
        quantTurn = !quantTurn;
      } else if (!any || pool.stream().allMatch(s -> s.candidates.isEmpty())) {
        List<Slot> other = quantTurn ? qual : quant;
        if (other.stream().allMatch(s -> s.candidates.isEmpty())) {
          break;
        }
        quantTurn = !quantTurn;
      }
    }
    return out;
  }

  private static final class Slot {
    final QuestionType type;
    final Deque<int[]> candidates;

    Slot(QuestionType type, Deque<int[]> candidates) {
      this.type = type;
      this.candidates = candidates;
    }
  }

  private static final class State {
    final SceneRecord scene;
    final List<SceneObject> objs;
    final SplittableRandom rng;
    final Provenance provenance;
    int yes;
    int no;

    State(SceneRecord scene, List<SceneObject> objs, SplittableRandom rng, Provenance provenance) {
      this.scene = scene;
      this.objs = objs;
      this.rng = rng;
      this.provenance = provenance;
    }
  }

  /**
   * How a comparison reads the objects: A "wins" when sign * (m(A) - m(B)) > 0. {@code axis}: the
   * canonical axis of a position or extent measure (-1 for volume).
   */
  private record Relation(
      ToDoubleFunction<SceneObject> measure, int sign, Margin margin, int axis) {
    Relation(ToDoubleFunction<SceneObject> measure, int sign, Margin margin) {
      this(measure, sign, margin, axisOf(margin));
    }

    private static int axisOf(Margin m) {
      return switch (m) {
        case POSITION_X -> 0;
        case POSITION_Y -> 1;
        case POSITION_Z -> 2;
        default -> -1;
      };
    }
  }

  private enum Margin {
    /** scale = mean extent along the axis of the given index */
    POSITION_X,
    POSITION_Y,
    POSITION_Z,
    /** scale = the larger value */
    SIZE,
    VOLUME
  }

  static String relationName(String typeId) {
    int u = typeId.lastIndexOf('_');
    return typeId.substring(0, u);
  }

  /**
   * The comparison semantics of each relation (the part of a type id before its family): one entry
   * each.
   */
  private static final Map<String, Relation> RELATIONS =
      Map.ofEntries(
          Map.entry("left", new Relation(o -> SpatialMeasures.center(o, 0), -1, Margin.POSITION_X)),
          Map.entry(
              "right", new Relation(o -> SpatialMeasures.center(o, 0), +1, Margin.POSITION_X)),
          Map.entry(
              "behind", new Relation(o -> SpatialMeasures.center(o, 1), +1, Margin.POSITION_Y)),
          Map.entry(
              "front", new Relation(o -> SpatialMeasures.center(o, 1), -1, Margin.POSITION_Y)),
          Map.entry(
              "above", new Relation(o -> SpatialMeasures.center(o, 2), +1, Margin.POSITION_Z)),
          Map.entry(
              "below", new Relation(o -> SpatialMeasures.center(o, 2), -1, Margin.POSITION_Z)),
          Map.entry("taller", new Relation(SpatialMeasures::height, +1, Margin.SIZE, 2)),
          Map.entry("shorter", new Relation(SpatialMeasures::height, -1, Margin.SIZE, 2)),
          Map.entry("wider", new Relation(SpatialMeasures::width, +1, Margin.SIZE, 0)),
          Map.entry("thinner", new Relation(SpatialMeasures::width, -1, Margin.SIZE, 0)),
          Map.entry("bigger", new Relation(SpatialMeasures::volume, +1, Margin.VOLUME)),
          Map.entry("smaller", new Relation(SpatialMeasures::volume, -1, Margin.VOLUME)));

  private static Relation relation(String name) {
    Relation r = RELATIONS.get(name);
    if (r == null) {
      throw new IllegalArgumentException("no comparison semantics for '" + name + "'");
    }
    return r;
  }

  /** A quantitative answer before formatting: the objects in answer order and the value (SI). */
  record Measured(
      SceneObject a, SceneObject b, double value, boolean tie, boolean tieIsAnswer, Double margin) {
    Measured(SceneObject a, SceneObject b, double value, boolean tie, boolean tieIsAnswer) {
      this(a, b, value, tie, tieIsAnswer, null);
    }

    static Measured of(SceneObject a, SceneObject b, double value) {
      return new Measured(a, b, value, false, false, null);
    }

    Measured withMargin(double m) {
      return new Measured(a, b, value, tie, tieIsAnswer, m);
    }
  }

  /** One quantitative type's semantics; returns null when the question must not be asked. */
  @FunctionalInterface
  interface Quantity {
    Measured measure(SceneObject a, SceneObject b, QaConfig config);
  }

  /**
   * A difference of one measure; {@code uncertainty} is the measure's own uncertainty per object
   * (metres), or null when the measure is not supported for that object.
   */
  private static Quantity difference(
      ToDoubleFunction<SceneObject> m,
      java.util.function.Function<SceneObject, Double> uncertainty) {
    return (a, b, c) -> {
      Double ua = uncertainty.apply(a), ub = uncertainty.apply(b);
      if (ua == null || ub == null) {
        return null; // an unreliable extent: not asked
      }
      if (m.applyAsDouble(a) < m.applyAsDouble(b)) {
        SceneObject tmp = a;
        a = b;
        b = tmp;
      }
      double ma = m.applyAsDouble(a);
      double mb = m.applyAsDouble(b);
      double value = ma - mb;
      return decidedValue(a, b, value, c.tieThreshold(Math.max(ma, mb)), ua + ub, c);
    };
  }

  /**
   * A non-negative difference decided like a comparison ({@link #decide}): a tie when it stays
   * within the tie threshold {@code t} even with the uncertainty {@code u} added; a value when it
   * exceeds t + u and u is within the value's own tie threshold (the value is known to the
   * resolution the data claims); else not asked.
   */
  private static Measured decidedValue(
      SceneObject a, SceneObject b, double value, double t, double u, QaConfig c) {
    if (value + u < t) {
      return new Measured(a, b, value, true, false, t);
    }
    if (value >= t + u && u <= c.tieThreshold(value)) {
      return new Measured(a, b, value, false, false, t + u);
    }
    return null;
  }

  /** A plain value: asked only when its uncertainty u is within its own tie threshold. */
  private static Measured value(SceneObject a, SceneObject b, double value, double u, QaConfig c) {
    if (!(u <= c.tieThreshold(value))) {
      return null;
    }
    return Measured.of(a, b, value).withMargin(u);
  }

  /** The semantics of each quantitative question type (template id): one entry each. */
  private static final Map<String, Quantity> QUANTITIES =
      Map.ofEntries(
          Map.entry(
              "distance",
              (a, b, c) ->
                  value(
                      a,
                      b,
                      SpatialMeasures.distance(a, b),
                      Uncertainty.position(a, 3) + Uncertainty.position(b, 3),
                      c)),
          Map.entry(
              "gap",
              (a, b, c) -> {
                if (!Uncertainty.allReliable(a) || !Uncertainty.allReliable(b)) {
                  return null; // a cut or sparse box: its faces are not where the object ends
                }
                double v = SpatialMeasures.gap(a, b);
                double u = Uncertainty.position(a, 3) + Uncertainty.position(b, 3);
                // "touching" is a confident answer, not a near-tie
                if (v + u < c.tieMarginAbsoluteM()) {
                  return new Measured(a, b, v, true, true, c.tieMarginAbsoluteM());
                }
                if (v < c.tieMarginAbsoluteM() + u) {
                  return null;
                }
                return value(a, b, v, u, c);
              }),
          Map.entry(
              "horizontal_distance",
              (a, b, c) ->
                  value(
                      a,
                      b,
                      SpatialMeasures.horizontalDistance(a, b),
                      Uncertainty.position(a, 2) + Uncertainty.position(b, 2),
                      c)),
          Map.entry(
              "vertical_distance",
              (a, b, c) -> {
                double v = SpatialMeasures.verticalDistance(a, b);
                double scale = (SpatialMeasures.height(a) + SpatialMeasures.height(b)) / 2;
                double u = Uncertainty.along(a, 2) + Uncertainty.along(b, 2);
                return decidedValue(a, b, v, c.tieThreshold(scale), u, c);
              }),
          Map.entry("width", (a, b, c) -> extentValue(a, b, 0, SpatialMeasures.width(a), c)),
          Map.entry("height", (a, b, c) -> extentValue(a, b, 2, SpatialMeasures.height(a), c)),
          Map.entry("depth", (a, b, c) -> extentValue(a, b, 1, SpatialMeasures.depth(a), c)),
          Map.entry(
              "size",
              (a, b, c) ->
                  Uncertainty.allReliable(a)
                      ? value(a, b, SpatialMeasures.size(a), Uncertainty.maxExtent(a), c)
                      : null),
          Map.entry(
              "distance_from_camera",
              (a, b, c) ->
                  value(
                      a, b, SpatialMeasures.distanceFromCamera(a), Uncertainty.position(a, 3), c)),
          Map.entry(
              "elevation",
              (a, b, c) -> {
                double v = SpatialMeasures.elevation(a);
                if (v < -c.tieMarginAbsoluteM()) {
                  return null; // box below the support plane: geometry is off, do not ask
                }
                if (Uncertainty.cut(a, "-z")) {
                  return null; // its bottom is hidden: where it ends is not known
                }
                double u = Uncertainty.toward(a, 2, -1);
                // "on the floor" is a confident answer, not a near-tie
                if (v + u < c.tieMarginAbsoluteM()) {
                  return new Measured(a, b, v, true, true, c.tieMarginAbsoluteM());
                }
                if (v < c.tieMarginAbsoluteM() + u) {
                  return null;
                }
                return value(a, b, v, u, c);
              }),
          Map.entry(
              "direction",
              (a, b, c) -> {
                double hd = SpatialMeasures.horizontalDistance(a, b);
                if (hd < c.tieMarginAbsoluteM()) {
                  return null; // one above the other: no horizontal direction
                }
                double u = Uncertainty.position(a, 2) + Uncertainty.position(b, 2);
                double hours = Math.toDegrees(Math.atan2(u, hd)) / 30;
                if (hours > 0.5) {
                  return null; // more than the half hour the answer is rounded to
                }
                return Measured.of(a, b, SpatialMeasures.clockHours(a, b)).withMargin(hours);
              }),
          Map.entry(
              "taller_by", difference(SpatialMeasures::height, o -> Uncertainty.extent(o, 2))),
          Map.entry("wider_by", difference(SpatialMeasures::width, o -> Uncertainty.extent(o, 0))),
          Map.entry(
              "farther_by",
              difference(SpatialMeasures::distanceFromCamera, o -> Uncertainty.position(o, 3))));

  private static Measured extentValue(
      SceneObject a, SceneObject b, int axis, double value, QaConfig c) {
    Double u = Uncertainty.extent(a, axis);
    return u == null ? null : value(a, b, value, u, c);
  }

  /** How a comparison is decided. */
  enum Decision {
    ANSWER,
    TIE,
    /** the uncertainty straddles the tie margin: not asked */
    UNKNOWN
  }

  /** A decision and the margin it was taken with (the compared measure's SI unit). */
  record Decided(Decision decision, double margin) {}

  /**
   * Whether a comparison of a and b on this relation is within the tie margin (and decided so:
   * objects without uncertainty, such as ground-truth boxes, are decided by the tie margin alone).
   * Public so that evaluations apply the very same margin.
   */
  public boolean isTie(String typeId, SceneObject a, SceneObject b) {
    Relation rel = relation(relationName(typeId));
    double ma = rel.measure().applyAsDouble(a);
    double mb = rel.measure().applyAsDouble(b);
    return decide(rel, a, b, ma, mb).decision() == Decision.TIE;
  }

  /**
   * Decides a comparison by the interval the true difference d = m(a) - m(b) may lie in: [d - down,
   * d + up], where up and down add both objects' uncertainty in the matching directions (position:
   * {@code center_uncertainty_m}; extents: two sampling steps each; volume: the extents' relative
   * uncertainties summed). Answered when the whole interval lies beyond the tie threshold t on one
   * side (|d| at least t plus the uncertainty on the side towards zero: the margin), a tie when it
   * lies within (-t, t), else UNKNOWN (not asked). With no uncertainty this is the plain tie rule.
   * An extent comparison about an object whose extent is unreliable is UNKNOWN.
   */
  private Decided decide(Relation rel, SceneObject a, SceneObject b, double ma, double mb) {
    double d = ma - mb;
    double t;
    double up;
    double down;
    switch (rel.margin()) {
      case POSITION_X, POSITION_Y, POSITION_Z -> {
        int axis = rel.axis();
        t =
            config.tieThreshold(
                (SpatialMeasures.extent(a, axis) + SpatialMeasures.extent(b, axis)) / 2);
        up = Uncertainty.toward(a, axis, +1) + Uncertainty.toward(b, axis, -1);
        down = Uncertainty.toward(a, axis, -1) + Uncertainty.toward(b, axis, +1);
      }
      case SIZE -> {
        Double ua = Uncertainty.extent(a, rel.axis()), ub = Uncertainty.extent(b, rel.axis());
        if (ua == null || ub == null) {
          return new Decided(Decision.UNKNOWN, Double.NaN);
        }
        t = config.tieThreshold(Math.max(ma, mb));
        up = down = ua + ub;
      }
      case VOLUME -> {
        if (!Uncertainty.allReliable(a) || !Uncertainty.allReliable(b)) {
          return new Decided(Decision.UNKNOWN, Double.NaN);
        }
        t = config.volumeTieRelative() * Math.max(ma, mb);
        up = down = ma * Uncertainty.relativeVolume(a) + mb * Uncertainty.relativeVolume(b);
        if (rel.margin() == Margin.VOLUME && up == 0) {
          // the plain rule for volumes is inclusive: d <= t is a tie
          return Math.abs(d) <= t ? new Decided(Decision.TIE, t) : new Decided(Decision.ANSWER, t);
        }
      }
      default -> throw new IllegalStateException();
    }
    if (d >= t + down) {
      return new Decided(Decision.ANSWER, t + down);
    }
    if (-d >= t + up) {
      return new Decided(Decision.ANSWER, t + up);
    }
    if (d + up < t && d - down > -t) {
      return new Decided(Decision.TIE, t);
    }
    return new Decided(Decision.UNKNOWN, t + Math.max(up, down));
  }

  /** Whether "a REL b" holds (ignoring ties), e.g. relationHolds("left_predicate", a, b). */
  public static boolean relationHolds(String typeId, SceneObject a, SceneObject b) {
    Relation rel = relation(relationName(typeId));
    return rel.sign() * (rel.measure().applyAsDouble(a) - rel.measure().applyAsDouble(b)) > 0;
  }

  private QaRecord ask(QuestionType t, int[] idx, State st) {
    return switch (t.family()) {
      case "predicate" -> predicate(t, st.objs.get(idx[0]), st.objs.get(idx[1]), st);
      case "choice" -> choice(t, st.objs.get(idx[0]), st.objs.get(idx[1]), st);
      default -> quantitative(t, idx, st);
    };
  }

  private QaRecord predicate(QuestionType t, SceneObject x, SceneObject y, State st) {
    Relation rel = relation(relationName(t.id()));
    double mx = rel.measure().applyAsDouble(x);
    double my = rel.measure().applyAsDouble(y);
    Decided dec = decide(rel, x, y, mx, my);
    if (dec.decision() == Decision.UNKNOWN) {
      return null; // the geometry cannot tell
    }
    if (dec.decision() == Decision.TIE) {
      if (config.tiePolicy() == QaConfig.TiePolicy.SKIP) {
        return null;
      }
      SceneObject[] ab = st.rng.nextBoolean() ? new SceneObject[] {x, y} : new SceneObject[] {y, x};
      return withMargin(
          build(t, st, List.of(ab[0], ab[1]), "tie", null, null, true, null, null, null),
          dec.margin());
    }
    boolean wantYes = st.yes < st.no || (st.yes == st.no && st.rng.nextBoolean());
    boolean holdsXy = rel.sign() * (mx - my) > 0;
    SceneObject a = holdsXy == wantYes ? x : y;
    SceneObject b = a == x ? y : x;
    if (wantYes) {
      st.yes++;
    } else {
      st.no++;
    }
    return withMargin(
        build(
            t,
            st,
            List.of(a, b),
            wantYes ? "true" : "false",
            wantYes,
            null,
            false,
            null,
            null,
            null),
        dec.margin());
  }

  private static QaRecord withMargin(QaRecord r, Double margin) {
    r.setMarginSi(margin);
    return r;
  }

  private QaRecord choice(QuestionType t, SceneObject x, SceneObject y, State st) {
    Relation rel = relation(relationName(t.id()));
    SceneObject[] ab = st.rng.nextBoolean() ? new SceneObject[] {x, y} : new SceneObject[] {y, x};
    double ma = rel.measure().applyAsDouble(ab[0]);
    double mb = rel.measure().applyAsDouble(ab[1]);
    Decided dec = decide(rel, ab[0], ab[1], ma, mb);
    if (dec.decision() == Decision.UNKNOWN) {
      return null; // the geometry cannot tell
    }
    if (dec.decision() == Decision.TIE) {
      if (config.tiePolicy() == QaConfig.TiePolicy.SKIP) {
        return null;
      }
      return withMargin(
          build(t, st, List.of(ab[0], ab[1]), "tie", null, null, true, null, null, null),
          dec.margin());
    }
    SceneObject winner = rel.sign() * (ma - mb) > 0 ? ab[0] : ab[1];
    SceneObject other = winner == ab[0] ? ab[1] : ab[0];
    return withMargin(
        build(
            t,
            st,
            List.of(ab[0], ab[1]),
            "chosen",
            null,
            new SceneObject[] {winner, other},
            false,
            null,
            null,
            null),
        dec.margin());
  }

  private QaRecord quantitative(QuestionType t, int[] idx, State st) {
    SceneObject a = st.objs.get(idx[0]);
    SceneObject b = idx.length > 1 ? st.objs.get(idx[1]) : null;
    if (b != null && st.rng.nextBoolean()) {
      SceneObject tmp = a;
      a = b;
      b = tmp;
    }
    Quantity q = QUANTITIES.get(t.id());
    if (q == null) {
      throw new IllegalStateException("no semantics for quantitative type '" + t.id() + "'");
    }
    Measured measured = q.measure(a, b, config);
    if (measured == null) {
      return null;
    }
    a = measured.a();
    b = measured.b();
    double value = measured.value();
    boolean tie = measured.tie();
    boolean tieIsAnswer = measured.tieIsAnswer();
    if (!Double.isFinite(value)) {
      return null;
    }
    List<SceneObject> objs = b == null ? List.of(a) : List.of(a, b);
    if (tie) {
      if (t.answers("tie").isEmpty()) {
        return null;
      }
      if (!tieIsAnswer && config.tiePolicy() == QaConfig.TiePolicy.SKIP) {
        return null;
      }
      return withMargin(
          build(t, st, objs, "tie", null, null, true, value, null, null), measured.margin());
    }
    String unitText;
    Double noiseStd = null;
    double stated = value;
    if ("clock".equals(t.unit())) {
      unitText = UnitFormatter.clock(value);
    } else {
      if (config.answerNoiseStd() > 0) {
        noiseStd = config.answerNoiseStd();
        double factor = Math.max(0.1, 1.0 + noiseStd * st.rng.nextGaussian());
        stated = value * factor;
      }
      UnitSystem sys =
          switch (config.unitPolicy()) {
            case METRIC -> UnitSystem.METRIC;
            case IMPERIAL -> UnitSystem.IMPERIAL;
            case MIXED ->
                st.rng.nextDouble() < config.metricShare()
                    ? UnitSystem.METRIC
                    : UnitSystem.IMPERIAL;
          };
      unitText = UnitFormatter.length(stated, sys);
    }
    QaRecord r = build(t, st, objs, "value", null, null, false, value, unitText, noiseStd);
    r.setAnswerValueStated(stated);
    r.setMarginSi(measured.margin());
    // what a reward function may accept: the value's own tie threshold (clock: the half hour the
    // answer is rounded to)
    r.setToleranceSi("clock".equals(t.unit()) ? 0.5 : config.tieThreshold(value));
    return r;
  }

  private QaRecord build(
      QuestionType t,
      State st,
      List<SceneObject> objs,
      String group,
      Boolean answerBool,
      SceneObject[] chosenOther,
      boolean tie,
      Double valueSi,
      String unitText,
      Double noiseStd) {
    int qi = st.rng.nextInt(t.questions().size());
    List<String> answers = t.answers(group);
    int ai = st.rng.nextInt(answers.size());
    Map<String, String> fill = new HashMap<>();
    fill.put("[A]", objs.get(0).getReferringExpression());
    if (objs.size() > 1) {
      fill.put("[B]", objs.get(1).getReferringExpression());
    }
    if (chosenOther != null) {
      fill.put("[C]", chosenOther[0].getReferringExpression());
      fill.put("[O]", chosenOther[1].getReferringExpression());
    }
    if (unitText != null) {
      fill.put("[X]", unitText);
    }
    String question = render(t.questions().get(qi), fill);
    String answer = render(answers.get(ai), fill);
    List<String> ids = new ArrayList<>();
    List<String> refs = new ArrayList<>();
    for (SceneObject o : objs) {
      ids.add(o.getObjectId());
      refs.add(o.getReferringExpression());
    }
    String templateId = t.id() + "/q" + qi;
    String answerTemplateId = t.id() + "/" + group + ai;
    String answerObjectId = chosenOther == null ? null : chosenOther[0].getObjectId();
    String qaId =
        ContentIds.sha256Hex(
            String.join(
                "\u0000",
                st.scene.getSceneId(),
                t.id(),
                templateId,
                answerTemplateId,
                String.join(",", ids),
                question,
                answer));
    return QaRecord.newBuilder()
        .setQaId(qaId)
        .setSceneId(st.scene.getSceneId())
        .setImageUri(st.scene.getImageUri())
        .setQuestion(question)
        .setAnswer(answer)
        .setQuestionType(t.id())
        .setKind(
            QuestionType.QUANTITATIVE.equals(t.kind()) ? QaKind.quantitative : QaKind.qualitative)
        .setObjectIds(ids)
        .setObjectRefs(refs)
        .setAnswerBool(answerBool)
        .setAnswerObjectId(answerObjectId)
        .setValueSi(valueSi)
        .setUnitText(unitText)
        .setAnswerNoiseStd(noiseStd)
        .setAnswerValueStated(null)
        .setTie(tie)
        .setTemplateId(templateId)
        .setAnswerTemplateId(answerTemplateId)
        .setProvenance(Provenance.newBuilder(st.provenance).build())
        .build();
  }

  /** Replaces placeholders and capitalises sentence starts. */
  static String render(String template, Map<String, String> fill) {
    String s = template;
    for (Map.Entry<String, String> e : fill.entrySet()) {
      s = s.replace(e.getKey(), e.getValue());
    }
    if (s.indexOf('[') >= 0 && s.matches(".*\\[[ABCOX]\\].*")) {
      throw new IllegalStateException("unfilled placeholder in '" + s + "'");
    }
    return capitaliseSentences(s);
  }

  static String capitaliseSentences(String s) {
    StringBuilder b = new StringBuilder(s);
    boolean start = true;
    for (int i = 0; i < b.length(); i++) {
      char c = b.charAt(i);
      if (start && Character.isLetter(c)) {
        b.setCharAt(i, Character.toUpperCase(c));
        start = false;
      } else if (start && !Character.isWhitespace(c)) {
        start = false;
      }
      if ((c == '.' || c == '?' || c == '!') && i + 1 < b.length() && b.charAt(i + 1) == ' ') {
        start = true;
      }
    }
    return b.toString();
  }

  Provenance provenance(SceneRecord scene) {
    Provenance p = scene.getProvenance();
    Map<String, String> models = new LinkedHashMap<>();
    Map<String, String> settings = new LinkedHashMap<>();
    String engine = DEFAULT_ENGINE_VERSION;
    if (p != null) {
      engine = p.getEngineVersion();
      if (p.getModels() != null) {
        models.putAll(p.getModels());
      }
      if (p.getSettings() != null) {
        settings.putAll(p.getSettings());
      }
    }
    settings.put("qa.tie_margin_relative", Double.toString(config.tieMarginRelative()));
    settings.put("qa.tie_margin_absolute_m", Double.toString(config.tieMarginAbsoluteM()));
    settings.put("qa.answer_noise_std", Double.toString(config.answerNoiseStd()));
    settings.put("qa.unit_policy", config.unitPolicy().name());
    settings.put("qa.tie_policy", config.tiePolicy().name());
    settings.put("qa.per_scene", Integer.toString(config.qaPerScene()));
    settings.put("qa.multi_step_per_scene", Integer.toString(config.multiStepPerScene()));
    if (!config.seedSalt().isEmpty()) {
      settings.put("qa.seed_salt", config.seedSalt());
    }
    return Provenance.newBuilder()
        .setEngineVersion(engine)
        .setModels(models)
        .setSettings(settings)
        .build();
  }

  static long seed(String sceneId, String salt) {
    byte[] h = ContentIds.sha256(sceneId + "\u0000" + salt);
    long s = 0;
    for (int i = 0; i < 8; i++) {
      s = (s << 8) | (h[i] & 0xff);
    }
    return s;
  }

  private static <T> void shuffle(List<T> xs, SplittableRandom rng) {
    for (int i = xs.size() - 1; i > 0; i--) {
      Collections.swap(xs, i, rng.nextInt(i + 1));
    }
  }
}
