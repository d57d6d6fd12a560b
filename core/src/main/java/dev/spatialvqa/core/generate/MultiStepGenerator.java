package dev.spatialvqa.core.generate;

import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.QaStep;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import dev.spatialvqa.templates.MultiStepCatalog;
import dev.spatialvqa.templates.MultiStepFamily;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Multi-step spatial reasoning QA: each family of the second catalog ({@link MultiStepCatalog}) is
 * a small program of 2-4 measurements and decisions over the lifted scene, one entry each in {@link
 * #PROGRAMS}. Every step is computed from the boxes (no language model): its operation, its
 * objects, its value in SI units, the margin it was decided with, and its text from the step kind's
 * phrasings; the record's {@code reasoning_trace} is the steps' texts in order.
 *
 * <p>The main catalog's rules hold at every step:
 *
 * <ul>
 *   <li>only referable objects (not ambiguous, with a referring expression), all distinct;
 *   <li>families with a vertical step only on canonicalized scenes, and those that state heights
 *       above the floor only when the camera height is known;
 *   <li>every comparison is decided like {@link QaGenerator}'s: the difference must exceed the tie
 *       threshold plus both sides' uncertainty ({@code center_uncertainty_m}, two sampling steps
 *       per extent); a near-tie or an undecidable comparison at any step means no question
 *       (multi-step families never answer "about the same");
 *   <li>extents flagged in {@code unreliable_extents} and faces in {@code cut_faces} are never used
 *       where they matter (heights, tops, the narrow side, gaps);
 *   <li>a final value is stated only when its uncertainty is within its own tie threshold ({@code
 *       tolerance_si} = that threshold, what a reward function may accept).
 * </ul>
 *
 * Deterministic per scene (seeded like {@link QaGenerator}, with a different stream). Thread-safe.
 */
public final class MultiStepGenerator {
  /** Random object tuples tried per family before it is given up for a scene. */
  static final int MAX_TRIES_PER_FAMILY = 400;

  /** The shortest horizontal distance from A to B that defines a facing direction, metres. */
  static final double MIN_FACING_M = 0.3;

  private final QaConfig config;
  private final MultiStepCatalog catalog;

  public MultiStepGenerator(QaConfig config) {
    this(config, MultiStepCatalog.bundled());
  }

  public MultiStepGenerator(QaConfig config, MultiStepCatalog catalog) {
    if (config == null || catalog == null) {
      throw new IllegalArgumentException("config and catalog must not be null");
    }
    for (MultiStepFamily f : catalog.families()) {
      if (!PROGRAMS.containsKey(f.id())) {
        throw new IllegalArgumentException("no program for multi-step family '" + f.id() + "'");
      }
    }
    this.config = config;
    this.catalog = catalog;
  }

  /** Family ids with a program. */
  public static Set<String> families() {
    return PROGRAMS.keySet();
  }

  /** Whether a family may be asked about this scene. */
  public static boolean eligible(MultiStepFamily f, SceneRecord scene, int referable) {
    if (f.objectCount() > referable) {
      return false;
    }
    if (f.vertical() && (!scene.getCanonicalized() || scene.getCameraHeightM() == null)) {
      return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- programs

  /** One step as computed: kind, objects, SI value, margin, result and the text fills. */
  record Step(
      String kind,
      List<SceneObject> objects,
      Double valueSi,
      Double marginSi,
      String result,
      Map<String, String> fill,
      Double thresholdSi) {
    Step(
        String kind,
        List<SceneObject> objects,
        Double valueSi,
        Double marginSi,
        String result,
        Map<String, String> fill) {
      this(kind, objects, valueSi, marginSi, result, fill, null);
    }
  }

  /** A program's outcome: the steps and the final answer. */
  static final class Outcome {
    final List<Step> steps = new ArrayList<>();
    String group;
    Boolean bool;
    SceneObject object;
    Double value;
    boolean valueIsLength;
    String label;
    String labelText;
    Double margin;
    Double tolerance;
    String radiusText;
  }

  /** The program of a family: null when a step cannot be decided (no question). */
  interface Program {
    Outcome run(SceneObject[] o, Ctx c);
  }

  /** What programs need: the config, the unit system of this record, the scene. */
  static final class Ctx {
    final QaConfig config;
    final UnitSystem units;
    final SplittableRandom rng;

    Ctx(QaConfig config, UnitSystem units, SplittableRandom rng) {
      this.config = config;
      this.units = units;
      this.rng = rng;
    }

    String len(double metres) {
      return UnitFormatter.length(Math.abs(metres), units);
    }

    double t(double scale) {
      return config.tieThreshold(scale);
    }
  }

  /**
   * Decides d = m(a) - m(b) with uncertainty {@code up} (how far the true d may exceed d) and
   * {@code down}: +1 when d >= t + down, -1 when -d >= t + up, 0 otherwise (a near-tie or
   * undecidable: multi-step families then ask nothing).
   */
  static int decide(double d, double t, double up, double down) {
    if (d >= t + down) {
      return 1;
    }
    if (-d >= t + up) {
      return -1;
    }
    return 0;
  }

  static double pos3(SceneObject o) {
    return Uncertainty.position(o, 3);
  }

  static double pos2(SceneObject o) {
    return Uncertainty.position(o, 2);
  }

  /** How far the top face may lie from the box's top; null when its top or height is not known. */
  static Double topUncertainty(SceneObject o) {
    Double e = Uncertainty.extent(o, 2);
    if (e == null || Uncertainty.cut(o, "+z")) {
      return null;
    }
    return Uncertainty.toward(o, 2, +1) + e / 2;
  }

  /** Height of the box's top above the support plane (the frame's origin is on the floor). */
  static double top(SceneObject o) {
    return SpatialMeasures.center(o, 2) + SpatialMeasures.height(o) / 2;
  }

  static Map<String, String> fill(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static Step step(
      String kind, List<SceneObject> objs, Double v, Double margin, String result, String... kv) {
    return new Step(kind, objs, v, margin, result, fill(kv));
  }

  /** Final-value rule: stated only when its uncertainty is within its own tie threshold. */
  static boolean statable(double value, double u, Ctx c) {
    return u <= c.t(value);
  }

  static String joinRefs(List<SceneObject> objs) {
    List<String> r = new ArrayList<>();
    for (SceneObject o : objs) {
      r.add(o.getReferringExpression());
    }
    if (r.size() == 3) {
      return r.get(0) + ", then " + r.get(1) + ", then " + r.get(2);
    }
    return String.join(", then ", r);
  }

  static String joinIds(List<SceneObject> objs) {
    List<String> r = new ArrayList<>();
    for (SceneObject o : objs) {
      r.add(o.getObjectId());
    }
    return String.join(">", r);
  }

  /** Ranks three objects by a measure (descending when {@code desc}); adjacent pairs decided. */
  static Outcome rank(
      SceneObject[] o,
      Ctx c,
      String measureKind,
      java.util.function.ToDoubleFunction<SceneObject> m,
      java.util.function.Function<SceneObject, Double> unc,
      boolean desc) {
    Outcome out = new Outcome();
    List<SceneObject> objs = new ArrayList<>(Arrays.asList(o).subList(0, 3));
    for (SceneObject x : objs) {
      Double u = unc.apply(x);
      if (u == null) {
        return null;
      }
      double v = m.applyAsDouble(x);
      out.steps.add(step(measureKind, List.of(x), v, u, null, "[P]", ref(x), "[V]", c.len(v)));
    }
    Comparator<SceneObject> cmp = Comparator.comparingDouble(m);
    objs.sort(desc ? cmp.reversed() : cmp);
    double worst = 0;
    for (int i = 0; i + 1 < objs.size(); i++) {
      SceneObject a = objs.get(i);
      SceneObject b = objs.get(i + 1);
      double ma = m.applyAsDouble(a);
      double mb = m.applyAsDouble(b);
      double u = unc.apply(a) + unc.apply(b);
      double t = c.t(Math.max(ma, mb));
      if (decide(Math.abs(ma - mb), t, u, u) != 1) {
        return null;
      }
      worst = Math.max(worst, t + u);
    }
    out.label = joinIds(objs);
    out.labelText = joinRefs(objs);
    out.steps.add(step("rank", objs, null, worst, out.label, "[L]", out.labelText));
    out.group = "value";
    out.margin = worst;
    return out;
  }

  static String ref(SceneObject o) {
    return o.getReferringExpression();
  }

  /** The semantics of each family (its id in the multi-step catalog): one entry each. */
  static final Map<String, Program> PROGRAMS = new LinkedHashMap<>();

  static {
    PROGRAMS.put(
        "closer_to_third",
        (o, c) -> {
          SceneObject a = o[0], b = o[1], x = o[2];
          double da = SpatialMeasures.distance(a, x);
          double db = SpatialMeasures.distance(b, x);
          double ua = pos3(a) + pos3(x);
          double ub = pos3(b) + pos3(x);
          double t = c.t(Math.max(da, db));
          int s = decide(da - db, t, ua + ub, ua + ub);
          if (s == 0) {
            return null;
          }
          Outcome out = new Outcome();
          out.steps.add(
              step(
                  "distance",
                  List.of(a, x),
                  da,
                  ua,
                  null,
                  "[P]",
                  ref(a),
                  "[Q]",
                  ref(x),
                  "[V]",
                  c.len(da)));
          out.steps.add(
              step(
                  "distance",
                  List.of(b, x),
                  db,
                  ub,
                  null,
                  "[P]",
                  ref(b),
                  "[Q]",
                  ref(x),
                  "[V]",
                  c.len(db)));
          out.object = s < 0 ? a : b;
          out.steps.add(
              step(
                  "pick_nearest",
                  List.of(a, b),
                  null,
                  t + ua + ub,
                  out.object.getObjectId(),
                  "[W]",
                  ref(out.object)));
          out.group = "chosen";
          out.margin = t + ua + ub;
          return out;
        });
    PROGRAMS.put(
        "nearest_to_camera",
        (o, c) -> {
          Outcome out = new Outcome();
          List<SceneObject> objs = new ArrayList<>(Arrays.asList(o).subList(0, 3));
          for (SceneObject x : objs) {
            double v = SpatialMeasures.distanceFromCamera(x);
            out.steps.add(
                step(
                    "camera_distance",
                    List.of(x),
                    v,
                    pos3(x),
                    null,
                    "[P]",
                    ref(x),
                    "[V]",
                    c.len(v)));
          }
          objs.sort(Comparator.comparingDouble(SpatialMeasures::distanceFromCamera));
          double d0 = SpatialMeasures.distanceFromCamera(objs.get(0));
          double d1 = SpatialMeasures.distanceFromCamera(objs.get(1));
          double u = pos3(objs.get(0)) + pos3(objs.get(1));
          double t = c.t(d1);
          if (decide(d1 - d0, t, u, u) != 1) {
            return null;
          }
          out.object = objs.get(0);
          out.steps.add(
              step(
                  "pick_nearest",
                  objs,
                  null,
                  t + u,
                  out.object.getObjectId(),
                  "[W]",
                  ref(out.object)));
          out.group = "chosen";
          out.margin = t + u;
          return out;
        });
    PROGRAMS.put(
        "between_lr",
        (o, c) -> {
          SceneObject a = o[0], b = o[1], x = o[2];
          Outcome out = new Outcome();
          int[] sides = new int[2];
          double worst = 0;
          int i = 0;
          for (SceneObject other : List.of(b, x)) {
            double d = SpatialMeasures.center(a, 0) - SpatialMeasures.center(other, 0);
            double t = c.t((SpatialMeasures.extent(a, 0) + SpatialMeasures.extent(other, 0)) / 2);
            double up = Uncertainty.toward(a, 0, +1) + Uncertainty.toward(other, 0, -1);
            double down = Uncertainty.toward(a, 0, -1) + Uncertainty.toward(other, 0, +1);
            int s = decide(d, t, up, down);
            if (s == 0) {
              return null;
            }
            sides[i++] = s;
            double m = t + (s > 0 ? down : up);
            worst = Math.max(worst, m);
            out.steps.add(
                step(
                    "offset_x",
                    List.of(a, other),
                    d,
                    m,
                    s > 0 ? "right" : "left",
                    "[P]",
                    ref(a),
                    "[Q]",
                    ref(other),
                    "[V]",
                    c.len(d),
                    "[L]",
                    s > 0 ? "right" : "left"));
          }
          out.bool = sides[0] != sides[1];
          out.steps.add(
              step(
                  out.bool ? "between_yes" : "between_no",
                  List.of(a, b, x),
                  out.bool ? 1.0 : 0.0,
                  worst,
                  Boolean.toString(out.bool),
                  "[P]",
                  ref(a),
                  "[Q]",
                  ref(b),
                  "[S]",
                  ref(x)));
          out.group = out.bool ? "true" : "false";
          out.margin = worst;
          return out;
        });
    PROGRAMS.put(
        "triangle",
        (o, c) -> {
          SceneObject[] v = {o[0], o[1], o[2]};
          double[] side = new double[3];
          double[] u = new double[3];
          Outcome out = new Outcome();
          for (int i = 0; i < 3; i++) {
            SceneObject p = v[i], q = v[(i + 1) % 3];
            side[i] = SpatialMeasures.distance(p, q);
            u[i] = pos3(p) + pos3(q);
            out.steps.add(
                step(
                    "distance",
                    List.of(p, q),
                    side[i],
                    u[i],
                    null,
                    "[P]",
                    ref(p),
                    "[Q]",
                    ref(q),
                    "[V]",
                    c.len(side[i])));
          }
          int equal = 0;
          double worst = 0;
          for (int i = 0; i < 3; i++) {
            int j = (i + 1) % 3;
            double d = Math.abs(side[i] - side[j]);
            double t = c.t(Math.max(side[i], side[j]));
            double uu = u[i] + u[j];
            if (d + uu < t) {
              equal++; // equal even at the far end of the uncertainty
            } else if (d < t + uu) {
              return null; // neither clearly equal nor clearly different
            }
            worst = Math.max(worst, t + uu);
          }
          String label =
              switch (equal) {
                case 3 -> "equilateral";
                case 1 -> "isosceles";
                case 0 -> "scalene";
                default -> null; // two equal pairs but the third different: not consistent
              };
          if (label == null) {
            return null;
          }
          out.label = label;
          out.labelText = label;
          out.steps.add(step("classify_triangle", List.of(v), null, worst, label, "[L]", label));
          out.group = "value";
          out.margin = worst;
          return out;
        });
    PROGRAMS.put(
        "path_length",
        (o, c) -> {
          SceneObject a = o[0], b = o[1], x = o[2];
          double ab = SpatialMeasures.distance(a, b);
          double bc = SpatialMeasures.distance(b, x);
          double uab = pos3(a) + pos3(b);
          double ubc = pos3(b) + pos3(x);
          double v = ab + bc;
          double u = uab + ubc;
          if (!statable(v, u, c)) {
            return null;
          }
          Outcome out = new Outcome();
          out.steps.add(
              step(
                  "distance",
                  List.of(a, b),
                  ab,
                  uab,
                  null,
                  "[P]",
                  ref(a),
                  "[Q]",
                  ref(b),
                  "[V]",
                  c.len(ab)));
          out.steps.add(
              step(
                  "distance",
                  List.of(b, x),
                  bc,
                  ubc,
                  null,
                  "[P]",
                  ref(b),
                  "[Q]",
                  ref(x),
                  "[V]",
                  c.len(bc)));
          out.steps.add(step("sum", List.of(a, b, x), v, u, null, "[V]", c.len(v)));
          out.value = v;
          out.valueIsLength = true;
          out.group = "value";
          out.margin = u;
          out.tolerance = c.t(v);
          return out;
        });
    PROGRAMS.put(
        "count_within",
        (o, c) -> {
          SceneObject a = o[0];
          List<SceneObject> others = List.of(o[1], o[2], o[3]);
          double[] d = new double[3];
          double[] u = new double[3];
          for (int i = 0; i < 3; i++) {
            d[i] = SpatialMeasures.distance(a, others.get(i));
            u[i] = pos3(a) + pos3(others.get(i));
          }
          // round radii in the record's unit system; keep those no distance is near
          double[] radii =
              c.units == UnitSystem.METRIC
                  ? new double[] {0.5, 1, 1.5, 2, 2.5, 3, 4, 5}
                  : new double[] {2, 3, 4, 5, 6, 8, 10, 13, 16};
          List<Double> ok = new ArrayList<>();
          for (double r0 : radii) {
            double r = c.units == UnitSystem.METRIC ? r0 : r0 * 12 * UnitFormatter.METRES_PER_INCH;
            boolean clear = true;
            for (int i = 0; i < 3 && clear; i++) {
              clear = decide(d[i] - r, c.t(r), u[i], u[i]) != 0;
            }
            if (clear) {
              ok.add(r);
            }
          }
          if (ok.isEmpty()) {
            return null;
          }
          double r = ok.get(c.rng.nextInt(ok.size()));
          Outcome out = new Outcome();
          out.radiusText = c.len(r);
          int n = 0;
          for (int i = 0; i < 3; i++) {
            SceneObject x = others.get(i);
            out.steps.add(
                step(
                    "distance",
                    List.of(a, x),
                    d[i],
                    u[i],
                    null,
                    "[P]",
                    ref(a),
                    "[Q]",
                    ref(x),
                    "[V]",
                    c.len(d[i])));
            if (d[i] < r) {
              n++;
            }
          }
          double worst = 0;
          for (double ui : u) {
            worst = Math.max(worst, c.t(r) + ui);
          }
          out.steps.add(
              new Step(
                  "count_within",
                  List.of(o[0], o[1], o[2], o[3]),
                  (double) n,
                  worst,
                  Integer.toString(n),
                  fill("[N]", Integer.toString(n), "[R]", out.radiusText),
                  r));
          out.value = (double) n;
          out.group = "value";
          out.margin = worst;
          out.tolerance = 0.0;
          out.label = Integer.toString(n);
          out.labelText = Integer.toString(n);
          return out;
        });
    PROGRAMS.put(
        "perspective_left",
        (o, c) -> {
          SceneObject a = o[0], b = o[1], x = o[2];
          double fx = SpatialMeasures.center(b, 0) - SpatialMeasures.center(a, 0);
          double fy = SpatialMeasures.center(b, 1) - SpatialMeasures.center(a, 1);
          double ab = Math.hypot(fx, fy);
          double angleU = (pos2(a) + pos2(b)) / Math.max(ab, 1e-9);
          if (ab < MIN_FACING_M || angleU > 0.5) {
            return null; // no well-defined facing direction
          }
          fx /= ab;
          fy /= ab;
          // the right-hand direction of someone facing (fx, fy) with z up: (fy, -fx)
          double cx = SpatialMeasures.center(x, 0) - SpatialMeasures.center(a, 0);
          double cy = SpatialMeasures.center(x, 1) - SpatialMeasures.center(a, 1);
          double offset = cx * fy - cy * fx;
          double ac = Math.hypot(cx, cy);
          double u = pos2(x) + pos2(a) + ac * angleU;
          double t = c.t((SpatialMeasures.extent(x, 0) + SpatialMeasures.extent(x, 1)) / 2);
          int s = decide(offset, t, u, u);
          if (s == 0) {
            return null;
          }
          String side = s > 0 ? "right" : "left";
          Outcome out = new Outcome();
          out.steps.add(
              step(
                  "facing",
                  List.of(a, b),
                  ab,
                  pos2(a) + pos2(b),
                  null,
                  "[P]",
                  ref(a),
                  "[Q]",
                  ref(b),
                  "[V]",
                  c.len(ab)));
          out.steps.add(
              step(
                  "lateral_offset",
                  List.of(x),
                  offset,
                  t + u,
                  side,
                  "[P]",
                  ref(x),
                  "[V]",
                  c.len(offset),
                  "[L]",
                  side));
          out.bool = s < 0;
          out.steps.add(
              step(
                  s < 0 ? "side_left" : "side_right",
                  List.of(x),
                  out.bool ? 1.0 : 0.0,
                  t + u,
                  side,
                  "[P]",
                  ref(x)));
          out.group = out.bool ? "true" : "false";
          out.margin = t + u;
          return out;
        });
    PROGRAMS.put(
        "stack_reach",
        (o, c) -> {
          SceneObject a = o[0], b = o[1], x = o[2];
          Double ua = Uncertainty.extent(a, 2);
          Double ub = topUncertainty(b);
          Double ux = topUncertainty(x);
          if (ua == null || ub == null || ux == null) {
            return null;
          }
          if (SpatialMeasures.elevation(b) < -c.config.tieMarginAbsoluteM()
              || SpatialMeasures.elevation(x) < -c.config.tieMarginAbsoluteM()) {
            return null; // a box below the support plane: the geometry is off
          }
          double ha = SpatialMeasures.height(a);
          double tb = top(b);
          double stack = tb + ha;
          double tx = top(x);
          double u = ua + ub + ux;
          double t = c.t((ha + SpatialMeasures.height(x)) / 2);
          int s = decide(stack - tx, t, u, u);
          if (s == 0) {
            return null;
          }
          Outcome out = new Outcome();
          out.steps.add(step("height", List.of(a), ha, ua, null, "[P]", ref(a), "[V]", c.len(ha)));
          out.steps.add(
              step(
                  "stack_top",
                  List.of(a, b),
                  stack,
                  ua + ub,
                  null,
                  "[P]",
                  ref(a),
                  "[Q]",
                  ref(b),
                  "[N]",
                  c.len(tb),
                  "[V]",
                  c.len(stack)));
          out.steps.add(step("top", List.of(x), tx, ux, null, "[P]", ref(x), "[V]", c.len(tx)));
          out.bool = s > 0;
          out.steps.add(
              step(
                  s > 0 ? "reach_yes" : "reach_no",
                  List.of(a, b, x),
                  stack - tx,
                  t + u,
                  Boolean.toString(out.bool),
                  "[P]",
                  ref(x)));
          out.group = out.bool ? "true" : "false";
          out.margin = t + u;
          return out;
        });
    PROGRAMS.put(
        "fits_between",
        (o, c) -> {
          SceneObject a = o[0], b = o[1], x = o[2];
          if (!Uncertainty.allReliable(b) || !Uncertainty.allReliable(x)) {
            return null; // the gap needs every face of both
          }
          Double u0 = Uncertainty.extent(a, 0);
          Double u1 = Uncertainty.extent(a, 1);
          if (u0 == null || u1 == null) {
            return null;
          }
          List<Double> e = SpatialMeasures.tightExtent(a);
          double narrow = Math.min(e.get(0), e.get(1));
          double un = Math.max(u0, u1);
          double gap = SpatialMeasures.gap(b, x);
          double ug = pos3(b) + pos3(x);
          double t = c.t(Math.max(gap, narrow));
          double u = un + ug;
          int s = decide(gap - narrow, t, u, u);
          if (s == 0) {
            return null;
          }
          Outcome out = new Outcome();
          out.steps.add(
              step(
                  "gap",
                  List.of(b, x),
                  gap,
                  ug,
                  null,
                  "[P]",
                  ref(b),
                  "[Q]",
                  ref(x),
                  "[V]",
                  c.len(gap)));
          out.steps.add(
              step(
                  "narrow_extent",
                  List.of(a),
                  narrow,
                  un,
                  null,
                  "[P]",
                  ref(a),
                  "[V]",
                  c.len(narrow)));
          out.bool = s > 0;
          out.steps.add(
              step(
                  s > 0 ? "fits_yes" : "fits_no",
                  List.of(a, b, x),
                  gap - narrow,
                  t + u,
                  Boolean.toString(out.bool),
                  "[P]",
                  ref(a)));
          out.group = out.bool ? "true" : "false";
          out.margin = t + u;
          return out;
        });
    PROGRAMS.put(
        "level_with",
        (o, c) -> {
          SceneObject a = o[0], b = o[1];
          Double ua = topUncertainty(a);
          Double ub = topUncertainty(b);
          if (ua == null || ub == null) {
            return null;
          }
          double ta = top(a);
          double tb = top(b);
          double d = tb - ta; // > 0: A must go up
          double u = ua + ub;
          double t = c.t((SpatialMeasures.height(a) + SpatialMeasures.height(b)) / 2);
          int s = decide(d, t, u, u);
          if (s == 0 || !statable(Math.abs(d), u, c)) {
            return null;
          }
          String dir = s > 0 ? "raised" : "lowered";
          Outcome out = new Outcome();
          out.steps.add(step("top", List.of(a), ta, ua, null, "[P]", ref(a), "[V]", c.len(ta)));
          out.steps.add(step("top", List.of(b), tb, ub, null, "[P]", ref(b), "[V]", c.len(tb)));
          out.steps.add(
              step(
                  "difference_z",
                  List.of(a, b),
                  d,
                  t + u,
                  dir,
                  "[P]",
                  ref(a),
                  "[V]",
                  c.len(d),
                  "[L]",
                  dir));
          out.value = Math.abs(d);
          out.valueIsLength = true;
          out.label = s > 0 ? "up" : "down";
          out.labelText = dir;
          out.group = "value";
          out.margin = u;
          out.tolerance = c.t(Math.abs(d));
          return out;
        });
    PROGRAMS.put(
        "align_with",
        (o, c) -> {
          SceneObject a = o[0], b = o[1];
          double xa = SpatialMeasures.center(a, 0);
          double xb = SpatialMeasures.center(b, 0);
          double d = xb - xa; // > 0: A must move right
          double up = Uncertainty.toward(b, 0, +1) + Uncertainty.toward(a, 0, -1);
          double down = Uncertainty.toward(b, 0, -1) + Uncertainty.toward(a, 0, +1);
          double t = c.t((SpatialMeasures.extent(a, 0) + SpatialMeasures.extent(b, 0)) / 2);
          int s = decide(d, t, up, down);
          double u = Math.max(up, down);
          if (s == 0 || !statable(Math.abs(d), u, c)) {
            return null;
          }
          String dir = s > 0 ? "right" : "left";
          Outcome out = new Outcome();
          out.steps.add(
              step(
                  "position_x",
                  List.of(a),
                  xa,
                  Uncertainty.along(a, 0),
                  null,
                  "[P]",
                  ref(a),
                  "[V]",
                  c.len(xa),
                  "[L]",
                  xa >= 0 ? "right" : "left"));
          out.steps.add(
              step(
                  "position_x",
                  List.of(b),
                  xb,
                  Uncertainty.along(b, 0),
                  null,
                  "[P]",
                  ref(b),
                  "[V]",
                  c.len(xb),
                  "[L]",
                  xb >= 0 ? "right" : "left"));
          out.steps.add(
              step(
                  "difference_x",
                  List.of(a, b),
                  d,
                  t + (s > 0 ? down : up),
                  dir,
                  "[P]",
                  ref(a),
                  "[V]",
                  c.len(d),
                  "[L]",
                  dir));
          out.value = Math.abs(d);
          out.valueIsLength = true;
          out.label = dir;
          out.labelText = dir;
          out.group = "value";
          out.margin = u;
          out.tolerance = c.t(Math.abs(d));
          return out;
        });
    PROGRAMS.put(
        "right_angle",
        (o, c) -> {
          SceneObject a = o[0], b = o[1], x = o[2];
          double ab = SpatialMeasures.distance(a, b);
          double bc = SpatialMeasures.distance(b, x);
          double ac = SpatialMeasures.distance(a, x);
          if (ab < c.t(ab) || bc < c.t(bc)) {
            return null; // the vertex sits on an end: no angle
          }
          double cos = (ab * ab + bc * bc - ac * ac) / (2 * ab * bc);
          double angle = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
          // how far the angle may move: each end's uncertainty across its arm, the vertex's
          // across both
          double u = Math.toDegrees(pos3(a) / ab + pos3(x) / bc + pos3(b) * (1 / ab + 1 / bc));
          // the tie margin applied to the right angle: the relative margin of 90 degrees
          double t = c.config.tieMarginRelative() * 90;
          double off = Math.abs(angle - 90);
          boolean right;
          if (off + u < t) {
            right = true;
          } else if (off >= t + u) {
            right = false;
          } else {
            return null;
          }
          Outcome out = new Outcome();
          out.steps.add(
              step(
                  "distance",
                  List.of(a, b),
                  ab,
                  pos3(a) + pos3(b),
                  null,
                  "[P]",
                  ref(a),
                  "[Q]",
                  ref(b),
                  "[V]",
                  c.len(ab)));
          out.steps.add(
              step(
                  "distance",
                  List.of(b, x),
                  bc,
                  pos3(b) + pos3(x),
                  null,
                  "[P]",
                  ref(b),
                  "[Q]",
                  ref(x),
                  "[V]",
                  c.len(bc)));
          out.steps.add(
              step(
                  "distance",
                  List.of(a, x),
                  ac,
                  pos3(a) + pos3(x),
                  null,
                  "[P]",
                  ref(a),
                  "[Q]",
                  ref(x),
                  "[V]",
                  c.len(ac)));
          String deg = Math.round(angle) + " degrees";
          out.steps.add(
              step(
                  right ? "right_yes" : "right_no",
                  List.of(a, b, x),
                  angle,
                  t + u,
                  Boolean.toString(right),
                  "[P]",
                  ref(b),
                  "[V]",
                  deg));
          out.bool = right;
          out.group = right ? "true" : "false";
          out.margin = t + u;
          return out;
        });
    PROGRAMS.put(
        "rank_height",
        (o, c) ->
            rank(o, c, "height", SpatialMeasures::height, x -> Uncertainty.extent(x, 2), true));
    PROGRAMS.put(
        "rank_distance",
        (o, c) ->
            rank(
                o,
                c,
                "camera_distance",
                SpatialMeasures::distanceFromCamera,
                MultiStepGenerator::pos3,
                false));
  }

  // ---------------------------------------------------------------- generation

  /** Up to {@code config.multiStepPerScene()} records, families visited round-robin. */
  public List<QaRecord> generate(SceneRecord scene) {
    int wanted = config.multiStepPerScene();
    List<SceneObject> objs = QaGenerator.referable(scene);
    if (wanted == 0 || objs.size() < 2) {
      return List.of();
    }
    SplittableRandom rng =
        new SplittableRandom(QaGenerator.seed(scene.getSceneId(), config.seedSalt() + "/multi"));
    Provenance provenance = new QaGenerator(config).provenance(scene);
    List<MultiStepFamily> fams = new ArrayList<>();
    for (MultiStepFamily f : catalog.families()) {
      if (eligible(f, scene, objs.size())) {
        fams.add(f);
      }
    }
    for (int i = fams.size() - 1; i > 0; i--) {
      Collections.swap(fams, i, rng.nextInt(i + 1));
    }
    Map<String, Set<String>> asked = new HashMap<>();
    Map<String, Integer> tries = new HashMap<>();
    List<QaRecord> out = new ArrayList<>();
    boolean progress = true;
    while (out.size() < wanted && progress) {
      progress = false;
      for (MultiStepFamily f : fams) {
        if (out.size() >= wanted) {
          break;
        }
        QaRecord r = null;
        while (r == null && tries.getOrDefault(f.id(), 0) < MAX_TRIES_PER_FAMILY) {
          tries.merge(f.id(), 1, Integer::sum);
          SceneObject[] tuple = tuple(objs, f.objectCount(), rng);
          String key = key(f, tuple);
          if (!asked.computeIfAbsent(f.id(), k -> new HashSet<>()).add(key)) {
            continue;
          }
          r = ask(f, tuple, scene, provenance, rng);
        }
        if (r != null) {
          out.add(r);
          progress = true;
        }
      }
    }
    return out;
  }

  private static SceneObject[] tuple(List<SceneObject> objs, int k, SplittableRandom rng) {
    List<Integer> idx = new ArrayList<>();
    while (idx.size() < k) {
      int i = rng.nextInt(objs.size());
      if (!idx.contains(i)) {
        idx.add(i);
      }
    }
    SceneObject[] t = new SceneObject[k];
    for (int i = 0; i < k; i++) {
      t[i] = objs.get(idx.get(i));
    }
    return t;
  }

  /** Tuples that ask the same question (count_within: B, C, D in any order) share a key. */
  private static String key(MultiStepFamily f, SceneObject[] t) {
    List<String> ids = new ArrayList<>();
    for (SceneObject o : t) {
      ids.add(o.getObjectId());
    }
    if (f.id().equals("count_within") || f.id().equals("triangle")) {
      List<String> rest =
          new ArrayList<>(ids.subList(f.id().equals("triangle") ? 0 : 1, ids.size()));
      Collections.sort(rest);
      if (f.id().equals("count_within")) {
        rest.add(0, ids.get(0));
      }
      ids = rest;
    }
    return String.join(",", ids);
  }

  /** Runs one family on one tuple of objects; null when it asks nothing. Visible for tests. */
  QaRecord ask(
      MultiStepFamily f,
      SceneObject[] o,
      SceneRecord scene,
      Provenance provenance,
      SplittableRandom rng) {
    UnitSystem units =
        switch (config.unitPolicy()) {
          case METRIC -> UnitSystem.METRIC;
          case IMPERIAL -> UnitSystem.IMPERIAL;
          case MIXED ->
              rng.nextDouble() < config.metricShare() ? UnitSystem.METRIC : UnitSystem.IMPERIAL;
        };
    Outcome out = PROGRAMS.get(f.id()).run(o, new Ctx(config, units, rng));
    if (out == null) {
      return null;
    }
    for (Step s : out.steps) {
      if (s.valueSi() != null && !Double.isFinite(s.valueSi())) {
        return null;
      }
    }
    Map<String, String> fill = new HashMap<>();
    String[] names = {"[A]", "[B]", "[C]", "[D]"};
    for (int i = 0; i < o.length; i++) {
      fill.put(names[i], ref(o[i]));
    }
    if (out.radiusText != null) {
      fill.put("[R]", out.radiusText);
    }
    int qi = rng.nextInt(f.questions().size());
    List<String> answers = f.answers(out.group);
    int ai = rng.nextInt(answers.size());
    Map<String, String> afill = new HashMap<>(fill);
    String unitText = null;
    if (out.object != null) {
      afill.put("[W]", ref(out.object));
    }
    if (out.value != null && out.valueIsLength) {
      unitText = UnitFormatter.length(out.value, units);
      afill.put("[X]", unitText);
    }
    if (out.labelText != null) {
      afill.put(f.answer().equals("count") ? "[N]" : "[L]", out.labelText);
    }
    String question = QaGenerator.render(f.questions().get(qi), fill);
    String answer = QaGenerator.render(answers.get(ai), afill);
    List<QaStep> steps = new ArrayList<>();
    StringBuilder trace = new StringBuilder();
    List<String> stepTemplates = new ArrayList<>();
    for (Step s : out.steps) {
      List<String> ph = catalog.phrasings(s.kind());
      int pi = rng.nextInt(ph.size());
      stepTemplates.add(s.kind() + pi);
      String text = QaGenerator.render(ph.get(pi), s.fill());
      if (trace.length() > 0) {
        trace.append(' ');
      }
      trace.append(text);
      List<String> ids = new ArrayList<>();
      for (SceneObject x : s.objects()) {
        ids.add(x.getObjectId());
      }
      steps.add(
          QaStep.newBuilder()
              .setOperation(s.kind())
              .setObjectIds(ids)
              .setValueSi(s.valueSi())
              .setMarginSi(s.marginSi())
              .setResult(s.result())
              .setThresholdSi(s.thresholdSi())
              .setText(text)
              .build());
    }
    List<String> ids = new ArrayList<>();
    List<String> refs = new ArrayList<>();
    for (SceneObject x : o) {
      ids.add(x.getObjectId());
      refs.add(ref(x));
    }
    String templateId = f.id() + "/q" + qi;
    String answerTemplateId = f.id() + "/" + out.group + ai;
    String qaId =
        ContentIds.sha256Hex(
            String.join(
                "\u0000",
                scene.getSceneId(),
                f.id(),
                templateId,
                answerTemplateId,
                String.join(",", ids),
                question,
                answer,
                String.join(",", stepTemplates)));
    boolean quantitative = f.answer().equals("value") || f.answer().equals("count");
    return QaRecord.newBuilder()
        .setQaId(qaId)
        .setSceneId(scene.getSceneId())
        .setImageUri(scene.getImageUri())
        .setQuestion(question)
        .setAnswer(answer)
        .setQuestionType(f.id())
        .setKind(quantitative ? QaKind.quantitative : QaKind.qualitative)
        .setObjectIds(ids)
        .setObjectRefs(refs)
        .setAnswerBool(out.bool)
        .setAnswerObjectId(out.object == null ? null : out.object.getObjectId())
        .setValueSi(out.value)
        .setUnitText(unitText)
        .setAnswerNoiseStd(null)
        .setAnswerValueStated(out.value)
        .setTie(false)
        .setMarginSi(out.margin)
        .setSteps(steps)
        .setReasoningTrace(trace.toString())
        .setAnswerLabel(out.label)
        .setToleranceSi(out.tolerance)
        .setTemplateId(templateId)
        .setAnswerTemplateId(answerTemplateId)
        .setProvenance(Provenance.newBuilder(provenance).build())
        .build();
  }
}
